"""Plans in turn (规划周期): a plan is 执行中 or 已关闭; what the next plan takes over from it.

The rules, in the office's words:
- A closed plan keeps all its data; nothing of it may be changed until it is reopened.
- Opening the next plan carries over every project not yet 竣工 (a deleted project stays behind)
  and every task not 已完成, each with its whole history and a note of where it came from.
- The windows and commands work on the current plan (a setting) unless another is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN, CLOSED = "执行中", "已关闭"
DONE_STAGE = "竣工"
TASK_DONE = "已完成"


@dataclass(frozen=True, slots=True)
class PlanInfo:
    id: int
    code: str
    title: str
    doc_no: str | None
    start_year: int
    end_year: int
    status: str
    closed_at: str | None
    projects: int = 0
    tasks: int = 0
    indicators: int = 0
    carried_in: int = 0  # projects and tasks carried into it from an earlier plan
    carried_out: int = 0  # its projects and tasks carried on into a later plan

    @property
    def closed(self) -> bool:
        return self.status == CLOSED

    @property
    def years(self) -> str:
        return f"{self.start_year}—{self.end_year}年"

    @property
    def short_name(self) -> str:
        """「十四五」规划 when the title names its period in quotes, else the code."""
        import re

        m = re.search(r"[“\"「]([^”\"」]{2,8})[”\"」]规划", self.title)
        return f"“{m.group(1)}”规划" if m else self.code

    @property
    def label(self) -> str:
        """How a chooser names it: 《title》（2021—2025年，已关闭）."""
        return f"《{self.title}》（{self.years}，{self.status}）"


def carries_project(stage: str | None, deleted: bool) -> bool:
    """Whether a project goes on into the next plan: not 竣工 and not deleted."""
    return not deleted and stage != DONE_STAGE


def carries_task(state: str | None) -> bool:
    """Whether a task goes on into the next plan: not reported 已完成."""
    return state != TASK_DONE


def closed_entry_message(name: str, plan: str, refused: str) -> str:
    """``closed_message`` for a write through the year's list: ``refused`` says what cannot be
    done (加入清单, 修改目标和单位, 结转)."""
    return (
        f"{name}属于已关闭的规划《{plan}》，数据只读，{refused}。"
        "如确需修改，请先在“规划”页（或命令 plan open）重新打开该规划。"
    )


def closed_message(name: str, plan: str) -> str:
    return (
        f"{name}属于已关闭的规划《{plan}》，数据只读，不能修改。"
        "如确需修改，请先在“规划”页（或命令 plan open）重新打开该规划。"
    )
