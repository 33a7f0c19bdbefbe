"""前后置关系: which end of the predecessor (its 完工 or one of its milestones) the successor's
start (its 开工 or one of its milestones) waits for, and how many days after."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.model import Milestone, Project


def milestone_text(m: Milestone) -> str:
    when = m.actual_date or m.planned_date
    state = "完成" if m.actual_date else "计划"
    return f"节点「{m.name}」（{state} {when.isoformat()}）" if when else f"节点「{m.name}」"


class LinkDialog(QDialog):
    """Choose the two ends of a finish-to-start link between ``pred`` and ``succ``, and the lag."""

    def __init__(self, pred: Project, succ: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("添加前后置关系")
        self.pred_end = QComboBox()
        self.pred_end.addItem(f"项目完工（{_day(pred.actual_end or pred.planned_end)}）", None)
        for m in pred.milestones:
            self.pred_end.addItem(milestone_text(m), m.id)
        self.succ_start = QComboBox()
        self.succ_start.addItem(
            f"项目开工（{_day(succ.actual_start or succ.planned_start)}）", None
        )
        for m in succ.milestones:
            self.succ_start.addItem(milestone_text(m), m.id)
        self.lag = QSpinBox()
        self.lag.setRange(-3650, 3650)
        self.lag.setSuffix(" 天")
        form = QFormLayout()
        form.addRow("前置项目", QLabel(f"{pred.code}  {pred.name}"))
        form.addRow("前置完成于", self.pred_end)
        form.addRow("后续项目", QLabel(f"{succ.code}  {succ.name}"))
        form.addRow("后续开始于", self.succ_start)
        form.addRow("间隔", self.lag)
        hint = QLabel(
            "后续一方最早在前置一方完成后间隔的天数开始；早于此即标为未满足（红色「!」）。"
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("添加")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def choice(self) -> tuple[int | None, int | None, int]:
        """(predecessor milestone id or None for 完工, successor milestone id or None, lag days)."""
        return self.pred_end.currentData(), self.succ_start.currentData(), self.lag.value()


def _day(value) -> str:
    return value.isoformat() if value else "未定"


def link_label(link, projects: dict[str, Project], key: str) -> str:
    """How a link of project ``key`` reads in its context menu: the other project, and the
    milestones at either end when the link is between milestones."""
    mine_is_pred = link.pred_project_id == key
    other_id = link.succ_project_id if mine_is_pred else link.pred_project_id
    other = projects.get(other_id)
    name = other.name if other else other_id

    def ms(project_id: str, mid: int | None) -> str:
        p = projects.get(project_id)
        m = next((m for m in p.milestones if m.id == mid), None) if p and mid else None
        return f"节点「{m.name}」" if m else ""

    ends = (
        ms(link.pred_project_id, link.pred_milestone_id),
        ms(link.succ_project_id, link.succ_milestone_id),
    )
    detail = f"（{ends[0] or '项目完工'} → {ends[1] or '项目开工'}）" if any(ends) else ""
    return f"与「{name}」的前后置关系{detail}"
