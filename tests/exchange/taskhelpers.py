"""Helpers for the 「重点任务」 sheet's tests: a year's list set up in SQL, task sheet edits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl

from desktop_app.exchange.columns import FIRST_DATA_ROW, column_letter
from desktop_app.exchange.task_sheet import TASK_COLUMNS, TASK_SHEET


def tcol(key: str) -> str:
    """The task sheet's column letter of a field."""
    return column_letter(next(i for i, c in enumerate(TASK_COLUMNS) if c.key == key))


def make_year_list(
    store, year: int, items: list[dict], *, issued: bool = True, title: str | None = None
) -> dict[str, int]:
    """The year's list as the office issued it, written in SQL: each item ``{"code", "units":
    {unit name: role}, "due", "expected"}`` names a task of the plan by its code. Returns
    ``code -> task id``."""
    conn = store.conn
    ids = {}
    with store.write(source="系统"):
        conn.execute(
            "INSERT INTO annual_list (year, title, doc_no, issued_at) VALUES (?,?,?,?)",
            (
                year,
                title or f"{year}年成德同城化发展重点任务清单",
                f"德同城办〔{year}〕1号" if issued else None,
                f"{year}-02-15" if issued else None,
            ),
        )
        for seq, item in enumerate(items, start=1):
            (task_id,) = conn.execute(
                "SELECT id FROM task WHERE code = ?", (item["code"],)
            ).fetchone()
            ids[item["code"]] = task_id
            conn.execute(
                "INSERT INTO annual_item (year, seq, heading, task_id, expected, due_text)"
                " VALUES (?,?,?,?,?,?)",
                (
                    year,
                    seq,
                    item.get("heading", "一、基础设施"),
                    task_id,
                    item.get("expected"),
                    item.get("due", "年底前"),
                ),
            )
            for unit, role in item["units"].items():
                (unit_id,) = conn.execute("SELECT id FROM unit WHERE name = ?", (unit,)).fetchone()
                conn.execute(
                    "INSERT OR REPLACE INTO task_unit (task_id, unit_id, role) VALUES (?,?,?)",
                    (task_id, unit_id, role),
                )
    return ids


def task_report(store, code: str, unit: str, period: str) -> dict | None:
    rows = store.query(
        "SELECT r.* FROM task_report r JOIN task t ON t.id = r.task_id JOIN unit u"
        " ON u.id = r.unit_id WHERE t.code = ? AND u.name = ? AND r.period = ?",
        (code, unit, period),
    )
    return rows[0] if rows else None


def add_report(store, code: str, unit: str, period: str, **values) -> None:
    """A report typed by the office (or an earlier import), in SQL."""
    with store.write(source="手工"):
        store.conn.execute(
            "INSERT INTO task_report (task_id, unit_id, period, progress_text, state, done_date,"
            " problems) VALUES ((SELECT id FROM task WHERE code = ?),"
            " (SELECT id FROM unit WHERE name = ?), ?, ?, ?, ?, ?)",
            (
                code,
                unit,
                period,
                values.get("progress_text"),
                values.get("state"),
                values.get("done_date"),
                values.get("problems"),
            ),
        )


def task_rows(path: Path) -> dict[str, int]:
    """``code -> sheet row`` of a workbook's task sheet."""
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb[TASK_SHEET]
    out = {}
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if r >= FIRST_DATA_ROW and row and row[1]:
            out[str(row[1])] = r
    wb.close()
    return out


@dataclass
class TaskReturn:
    template: Path
    tmp: Path

    def edit(
        self,
        tasks: dict[tuple[str, str], object] | None = None,
        projects: dict[tuple[str, str], object] | None = None,
        name: str = "回报.xlsx",
        source: Path | None = None,
    ) -> Path:
        """Fill the template as a clerk does in Excel: ``{(task code, field): value}`` on the
        task sheet, ``{(project code, field): value}`` on the projects' sheet."""
        from xhelpers import col

        from desktop_app.exchange.columns import DATA_SHEET

        wb = openpyxl.load_workbook(source or self.template)
        ws = wb[TASK_SHEET]
        rows = {
            str(ws[f"B{r}"].value): r
            for r in range(FIRST_DATA_ROW, ws.max_row + 1)
            if ws[f"B{r}"].value
        }
        for (code, key), value in (tasks or {}).items():
            ws[f"{tcol(key)}{rows[code]}"].value = value
        if projects:
            ps = wb[DATA_SHEET]
            prow = {ps[f"A{r}"].value: r for r in range(FIRST_DATA_ROW, ps.max_row + 1)}
            for (code, key), value in projects.items():
                ps[f"{col(key)}{prow[code]}"].value = value
        out = self.tmp / name
        wb.save(out)
        return out
