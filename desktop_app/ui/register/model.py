"""The register model shared by 项目库 and 甘特图: one flat table of group headers and projects.

Public API (stable; the Gantt chart builds on it):

- ``RegisterModel(ctx)``: loads every (not deleted) project of ``ctx.store`` and reloads by itself
  when ``ctx.changed`` concerns projects or units.
- Rows are either a group header (``GroupRole`` → ``GroupRow``) or a project (``ProjectRole`` →
  ``Project``, ``ProjectIdRole`` → id, ``StatusRole`` → ``Status``). ``SortRole`` gives a value
  that sorts correctly. ``row_kind(row)`` says ``"group"`` or ``"project"``.
- ``COLUMNS``: the column specs (``key``, ``title``); ``column_index(key)``.
- Filtering: ``set_filters(RegisterFilter)`` / ``update_filters(**kw)`` / ``set_search(text)``;
  ``filters`` is the current ``RegisterFilter``. Filter keys: ``text`` (code, name, units, scope,
  notes, progress text), ``column`` (专栏 number), ``category``, ``stage``, ``district``,
  ``lead`` (牵头单位 name), ``status`` (light, e.g. "红"; "灰" is 未开工, "待填报" the pending grey lights),
  ``missing`` (待填报 only), ``ids``, ``assign`` (待分配: a key of ``ASSIGN_GAPS``; counts of
  each in ``assign_counts()``).
  ``apply_request(dict)`` takes the dict of ``ctx.show_projects_requested``.
- Grouping: ``set_group_by(None | "column" | "district" | "lead" | "stage")``; ``group_by``;
  ``set_collapsed(key, bool)``, ``toggle_group(key)``, ``is_collapsed(key)``.
- Sorting: ``sort(column, order)`` (Qt's), within groups.
- Lookup: ``project_at(row)``, ``group_at(row)``, ``row_of(project_id)``,
  ``visible_project_ids()``, ``shown_count`` (projects passing the filter), ``total_count``,
  ``choices(key)`` (values present, for filter combo boxes), ``project(project_id)``.
- Painting: ``paint_row(row)`` gives a row's texts, kind and light in one call (the register
  view paints its visible rows from it; ``data()`` stays the reference for every role).
- Signal ``filtersChanged`` after filters / grouping change (views update their widgets).

Display strings are computed once per project at load (``data()`` is called thousands of times
per frame); every change resets the model, which is cheap at 10,000 rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap

from ...domain.fields import MISSING
from ...domain.model import Project
from ...domain.money import (
    format_amount,
    format_percent,
    format_wan_column,
    format_yi,
    plain_number,
)
from ...domain.status import LIGHT_COLORS, LIGHT_RANK, PENDING_NAME, Status, evaluate
from ...services.changes import Changes
from ...services.monitoring import ProjectStatus
from ...store.projects import list_projects
from ...store.units import unit_order
from ..roles import GroupRole, ProjectIdRole, ProjectRole, SortRole, StatusRole

GREY_TEXT = QColor("#9AA0A6")
GROUP_BG = QColor("#E8EEF7")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    text: Callable[[Project, Status], str | None]
    sort: Callable[[Project, Status], object]
    align_right: bool = False
    width: int = 100
    # Whether an empty value is 待填报 for this project (else the cell is simply empty): the
    # required fields always, progress fields once a project is under way, never a 专栏.
    expected: Callable[[Project], bool] = lambda p: True


def _date(value) -> str | None:
    return value.isoformat() if value else None


_UNDER_WAY = ("在建", "竣工")


def _num(value) -> float:
    return float(value) if value is not None else float("-inf")


COLUMNS: tuple[Column, ...] = (
    Column(
        "status",
        "状态",
        # A stage the plan does not give is not "未开工": it is still to be filled in.
        # 待填报 (stage or dates still to come) is not "未开工": the status's own name says so.
        lambda p, s: s.name,
        lambda p, s: LIGHT_RANK[s.light],
        width=72,
    ),
    Column("code", "项目编码", lambda p, s: p.code, lambda p, s: p.code, width=96),
    Column("name", "项目名称", lambda p, s: p.name, lambda p, s: p.name, width=300),
    Column(
        "column",
        "专栏",
        lambda p, s: f"专栏{p.column}" if p.column else None,
        lambda p, s: p.column if p.column is not None else 999,
        width=70,
        expected=lambda p: False,  # chapter texts and the glossary name projects outside 专栏
    ),
    Column(
        "category",
        "类别",
        lambda p, s: p.category,
        lambda p, s: p.category or "",
        width=110,
        expected=lambda p: False,
    ),
    Column(
        "stage",
        "建设阶段",
        lambda p, s: p.stage_text,
        lambda p, s: (
            ("储备", "前期", "在建", "竣工").index(p.stage)
            if p.stage in ("储备", "前期", "在建", "竣工")
            else 9
        ),
        width=70,
    ),
    Column(
        "district", "所在区县", lambda p, s: p.district, lambda p, s: p.district or "", width=82
    ),
    Column("side", "所属", lambda p, s: p.side, lambda p, s: p.side or "", width=70),
    Column("lead", "牵头单位", lambda p, s: p.lead_unit, lambda p, s: p.lead_unit or "", width=120),
    Column(
        "responsible",
        "责任单位",
        lambda p, s: "、".join(p.units_with_role("责任")) or None,
        lambda p, s: "、".join(p.units_with_role("责任")),
        width=160,
        expected=lambda p: False,
    ),
    Column(
        "total_investment",
        "总投资（万元）",
        lambda p, s: format_wan_column(p.total_investment) or None,
        lambda p, s: _num(p.total_investment),
        align_right=True,
        width=110,
    ),
    Column(
        "planned_start",
        "计划开工",
        lambda p, s: _date(p.planned_start),
        lambda p, s: _date(p.planned_start) or "",
        width=95,
    ),
    Column(
        "planned_end",
        "计划完工",
        lambda p, s: _date(p.planned_end),
        lambda p, s: _date(p.planned_end) or "",
        width=95,
    ),
    Column(
        "actual_start",
        "实际开工",
        lambda p, s: _date(p.actual_start),
        lambda p, s: _date(p.actual_start) or "",
        width=95,
        expected=lambda p: p.stage in _UNDER_WAY,
    ),
    Column(
        "actual_end",
        "实际完工",
        lambda p, s: _date(p.actual_end),
        lambda p, s: _date(p.actual_end) or "",
        width=95,
        expected=lambda p: p.stage == "竣工",
    ),
    Column(
        "percent_complete",
        "完成百分比",
        lambda p, s: format_percent(p.percent_complete) or None,
        lambda p, s: _num(p.percent_complete),
        align_right=True,
        width=85,
        expected=lambda p: p.stage in _UNDER_WAY,
    ),
    Column(
        "investment_to_date",
        "累计完成投资（万元）",
        lambda p, s: format_wan_column(p.investment_to_date) or None,
        lambda p, s: _num(p.investment_to_date),
        align_right=True,
        width=130,
        expected=lambda p: p.stage in _UNDER_WAY,
    ),
    Column(
        "last_period",
        "最近填报",
        lambda p, s: p.last_period,
        lambda p, s: p.last_period or "",
        width=80,
        expected=lambda p: p.stage in _UNDER_WAY,
    ),
    Column("reason", "状态说明", lambda p, s: s.reason, lambda p, s: s.reason, width=260),
)
_COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
# Columns shown by default (the column chooser lets the user change this).
DEFAULT_VISIBLE: tuple[str, ...] = (
    "status",
    "code",
    "name",
    "column",
    "stage",
    "district",
    "lead",
    "total_investment",
    "planned_start",
    "planned_end",
    "percent_complete",
)
# Fields whose absence makes a project "待填报".
REQUIRED_FIELDS: tuple[str, ...] = (
    "total_investment",
    "planned_start",
    "planned_end",
    "lead",
    "district",
)

# 待分配: what the office assigns first on a new plan's projects (the 「待分配」 filter).
ASSIGN_GAPS: dict[str, str] = {
    "any": "待分配（任一项）",
    "lead": "缺牵头单位",
    "dates": "缺计划日期",
    "investment": "缺总投资",
}


def assign_gaps(p: Project) -> frozenset[str]:
    """What the office has still to assign on ``p``: 牵头单位, planned dates, 总投资."""
    gaps = set()
    if not p.lead_unit:
        gaps.add("lead")
    if p.planned_start is None or p.planned_end is None:
        gaps.add("dates")
    if p.total_investment is None:
        gaps.add("investment")
    return frozenset(gaps)


GROUPINGS: dict[str, str] = {
    "column": "专栏",
    "district": "所在区县",
    "lead": "牵头单位",
    "stage": "建设阶段",
    "side": "所属",
}


_RIGHT_COLUMNS = frozenset(i for i, c in enumerate(COLUMNS) if c.align_right)
_DISPLAY = int(Qt.DisplayRole.value)
_DECORATION = int(Qt.DecorationRole.value)
_TOOLTIP = int(Qt.ToolTipRole.value)
_FONT = int(Qt.FontRole.value)
_ALIGN = int(Qt.TextAlignmentRole.value)
_BACKGROUND = int(Qt.BackgroundRole.value)
_FOREGROUND = int(Qt.ForegroundRole.value)
_USER = int(Qt.UserRole.value)
_EDIT = int(Qt.EditRole.value)
# Cells a user may edit in the table (column index -> project field).
_EDITABLE_COLUMNS = {
    i: c.key
    for i, c in enumerate(COLUMNS)
    if c.key
    in (
        "name",
        "category",
        "total_investment",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "percent_complete",
        "investment_to_date",
    )
}


def _edit_text(p: Project, key: str) -> str:
    """The raw value a cell editor starts from (no 待填报, no thousands separators)."""
    value = getattr(p, key, None)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return plain_number(value)
    return str(value)


def column_index(key: str) -> int:
    return _COLUMN_INDEX[key]


def missing_fields(p: Project) -> list[str]:
    """Required fields a project still lacks (shown as 待填报)."""
    values = {
        "total_investment": p.total_investment,
        "planned_start": p.planned_start,
        "planned_end": p.planned_end,
        "lead": p.lead_unit,
        "district": p.district,
    }
    return [k for k in REQUIRED_FIELDS if values[k] in (None, "")]


@dataclass(frozen=True)
class RegisterFilter:
    """What the register shows. Empty values mean "any"."""

    text: str = ""
    column: int | None = None
    category: str | None = None
    stage: str | None = None
    district: str | None = None
    lead: str | None = None
    status: str | None = None
    missing: bool = False
    ids: frozenset[str] | None = None
    assign: str | None = None  # a key of ASSIGN_GAPS: only projects with that gap

    @property
    def active(self) -> bool:
        return self != RegisterFilter()


@dataclass
class GroupRow:
    """A group header row: its key, label, member project ids (filtered) and subtotals."""

    key: str
    label: str
    project_ids: list[str] = field(default_factory=list)
    total_investment: float = 0.0
    collapsed: bool = False

    @property
    def count(self) -> int:
        return len(self.project_ids)

    @property
    def summary(self) -> str:
        return f"{self.count} 个项目，总投资 {format_amount(self.total_investment)}"

    @property
    def header(self) -> str:
        """The header's one line: ``▾ 中江县 · 1,662 个项目``."""
        return f"{'▸' if self.collapsed else '▾'} {self.label} · {self.count:,} 个项目"


# From 100亿元 on, a sum in 万元 ("1,000,000.00") no longer fits the amounts column: 亿元 then.
YI_FROM_WAN = 1_000_000


def subtotal_text(value_wan: float) -> str:
    """A group's or the whole table's total investment as the amounts column shows it."""
    if abs(value_wan) >= YI_FROM_WAN:
        return format_yi(value_wan)
    return format_wan_column(value_wan)


@dataclass(frozen=True)
class Totals:
    """The 合计 of the projects passing the filter (shown under the table)."""

    count: int
    total_investment: float
    investment_to_date: float


class _Entry:
    """A project with everything the table shows; display texts, search text and group keys
    are computed the first time they are needed (most rows of 10,000 are never painted)."""

    __slots__ = (
        "project",
        "status",
        "lead",
        "missing",
        "gaps",
        "_texts",
        "_haystack",
        "_group_keys",
    )

    def __init__(self, project: Project, status: Status):
        self.project = project
        self.status = status
        self.lead = project.lead_unit
        self.missing = bool(missing_fields(project))
        self.gaps = assign_gaps(project)
        self._texts = None
        self._haystack = None
        self._group_keys = None

    @property
    def texts(self) -> tuple:
        if self._texts is None:
            p, s = self.project, self.status
            # None: 待填报 (painted grey); "": nothing expected there for this project.
            self._texts = tuple(
                "" if (t := c.text(p, s)) is None and not c.expected(p) else t for c in COLUMNS
            )
        return self._texts

    @property
    def haystack(self) -> str:
        if self._haystack is None:
            project = self.project
            units = " ".join(u.name for u in project.units)
            self._haystack = " ".join(
                x
                for x in (
                    project.code,
                    project.name,
                    units,
                    project.district or "",
                    project.scope or "",
                    project.notes or "",
                    project.category or "",
                    project.last_progress_text or "",
                )
                if x
            ).lower()
        return self._haystack

    @property
    def group_keys(self) -> dict:
        if self._group_keys is None:
            project = self.project
            self._group_keys = {
                "column": (
                    f"{project.column:03d}" if project.column else "999",
                    f"专栏{project.column} {project.section_title or ''}".strip()
                    if project.column
                    else "未归入专栏",
                ),
                "district": (project.district or "~", project.district or "未填区县"),
                "lead": (project.lead_unit or "~", project.lead_unit or "未定牵头单位"),
                "side": (
                    str(("成都", "德阳", "两地共建").index(project.side))
                    if project.side in ("成都", "德阳", "两地共建")
                    else "9",
                    project.side or "未填所属",
                ),
                "stage": (
                    str(("储备", "前期", "在建", "竣工").index(project.stage))
                    if project.stage in ("储备", "前期", "在建", "竣工")
                    else "9",
                    project.stage_text,
                ),
            }
        return self._group_keys


def _light_icon(color: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(Qt.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setBrush(QColor(color))
    painter.setPen(Qt.NoPen)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pix)


class RegisterModel(QAbstractTableModel):
    filtersChanged = Signal()

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._entries: dict[str, _Entry] = {}
        self._ordered: list[_Entry] = []  # every entry in the current sort order
        self._rows: list[tuple[str, object]] = []  # ("g", GroupRow) | ("p", _Entry)
        self._row_of: dict[str, int] = {}
        self._filters = RegisterFilter()
        self._group_by: str | None = None
        self._collapsed: set[str] = set()
        self._sort_column = column_index("code")
        self._sort_order = Qt.AscendingOrder
        self._shown = 0
        self._icons: dict[str, QIcon] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._grey = QBrush(GREY_TEXT)
        self._group_bg = QBrush(GROUP_BG)
        self._right = Qt.AlignRight | Qt.AlignVCenter
        self._flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        self._edit_flags = self._flags | Qt.ItemIsEditable
        self._unit_rank: dict[str, int] = {}
        self._totals = Totals(0, 0.0, 0.0)
        self.reload()
        ctx.changed.connect(self.apply_changes)

    # -- loading ---------------------------------------------------------------------------

    def _evaluate(self, projects: list[Project]) -> list[_Entry]:
        today, rules = self.ctx.today(), self.ctx.status_rules()
        period = self.ctx.status_period().key
        return [_Entry(p, evaluate(p, today, rules, current_period=period)) for p in projects]

    def reload(self) -> None:
        """Read every project again (another database, an import, many changes)."""
        entries = self._evaluate(list_projects(self.ctx.store))
        self._entries = {e.project.id: e for e in entries}
        self._unit_rank = unit_order(self.ctx.store)
        self._resort()
        self._rebuild()

    def reload_projects(self, ids: set[str] | frozenset[str]) -> None:
        """Read a few changed projects again (one edit, an undo)."""
        found = {p.id: p for p in list_projects(self.ctx.store, ids=list(ids))}
        for pid in ids:
            if pid in found:
                self._entries[pid] = self._evaluate([found[pid]])[0]
            else:
                self._entries.pop(pid, None)  # deleted
        self._resort()
        self._rebuild()

    def apply_changes(self, changes: Changes) -> None:
        if changes.database or changes.all_projects or changes.units:
            self.reload()
        elif changes.projects:
            self.reload_projects(changes.projects)
        elif changes.reports or changes.supervision:
            self.reload()  # lights and 最近填报 depend on reports

    def project_statuses(self) -> list[ProjectStatus]:
        """Every project with its light, as loaded (and kept current) for the table."""
        return [ProjectStatus(e.project, e.status) for e in self._entries.values()]

    # -- sorting, filtering, grouping ------------------------------------------------------

    def _resort(self) -> None:
        col = COLUMNS[self._sort_column]
        entries = list(self._entries.values())
        if col.key == "code":  # the usual order: no per-row key function needed
            entries.sort(key=lambda e: e.project.code)
        else:
            entries.sort(key=lambda e: (col.sort(e.project, e.status), e.project.code))
        if self._sort_order == Qt.DescendingOrder:
            entries.reverse()
        self._ordered = entries

    def _filtered(self) -> list[_Entry]:
        """Entries passing the filter, in sort order (one simple pass per active condition)."""
        f = self._filters
        rows = self._ordered
        if f == RegisterFilter():
            return rows
        if f.ids is not None:
            rows = [e for e in rows if e.project.id in f.ids]
        if f.column is not None:
            rows = [e for e in rows if e.project.column == f.column]
        if f.category:
            rows = [e for e in rows if e.project.category == f.category]
        if f.stage:
            rows = [e for e in rows if e.project.stage_text == f.stage]
        if f.district:
            rows = [e for e in rows if e.project.district == f.district]
        if f.lead:
            rows = [e for e in rows if e.lead == f.lead]
        if f.status == PENDING_NAME:
            rows = [e for e in rows if e.status.pending]
        elif f.status:  # 灰 is 未开工 here: the grey 待填报 lights are a choice of their own
            rows = [e for e in rows if e.status.light == f.status and not e.status.pending]
        if f.assign == "any":
            rows = [e for e in rows if e.gaps]
        elif f.assign:
            rows = [e for e in rows if f.assign in e.gaps]
        if f.missing:
            rows = [e for e in rows if e.missing]
        for word in f.text.lower().split():
            rows = [e for e in rows if word in e.haystack]
        return rows

    def _rebuild(self) -> None:
        self.beginResetModel()
        shown = self._filtered()
        self._shown = len(shown)
        self._totals = Totals(
            len(shown),
            sum(e.project.total_investment or 0.0 for e in shown),
            sum(e.project.investment_to_date or 0.0 for e in shown),
        )
        rows: list[tuple[str, object]] = []
        if self._group_by:
            groups: dict[str, tuple[str, list[_Entry]]] = {}
            for e in shown:
                key, label = e.group_keys[self._group_by]
                groups.setdefault(key, (label, []))[1].append(e)
            for key in sorted(groups, key=self._group_order):
                label, members = groups[key]
                g = GroupRow(
                    key,
                    label,
                    [m.project.id for m in members],
                    sum(m.project.total_investment or 0.0 for m in members),
                    key in self._collapsed,
                )
                rows.append(("g", g))
                if not g.collapsed:
                    rows.extend(("p", m) for m in members)
        else:
            rows = [("p", e) for e in shown]
        self._rows = rows
        self._row_of = {item.project.id: i for i, (kind, item) in enumerate(rows) if kind == "p"}
        self.endResetModel()

    def _group_order(self, key: str) -> tuple:
        """Groups by unit or district in the office's order (区县, 功能区, 市级部门), the
        rest by their key (专栏 number, stage); 未填 last."""
        if self._group_by in ("district", "lead"):
            return (key == "~", self._unit_rank.get(key, len(self._unit_rank)), key)
        return (0, 0, key)

    @property
    def totals(self) -> Totals:
        """合计 of the projects passing the filter (also those inside collapsed groups)."""
        return self._totals

    @property
    def filters(self) -> RegisterFilter:
        return self._filters

    def set_filters(self, filters: RegisterFilter) -> None:
        if filters == self._filters:
            return
        self._filters = filters
        self._rebuild()
        self.filtersChanged.emit()

    def update_filters(self, **changes) -> None:
        self.set_filters(replace(self._filters, **changes))

    def set_search(self, text: str) -> None:
        self.update_filters(text=text.strip())

    def clear_filters(self) -> None:
        self.set_filters(RegisterFilter())

    def apply_request(self, request: dict) -> None:
        """Show what another view asked for (``{"status": "红"}``, ``{"ids": [...]}`` …)."""
        aliases = {"light": "status", "unit": "lead", "lead_unit": "lead"}
        kw = {aliases.get(k, k): v for k, v in request.items()}
        if "ids" in kw and kw["ids"] is not None:
            kw["ids"] = frozenset(kw["ids"])
        known = set(RegisterFilter.__dataclass_fields__)
        self.set_filters(RegisterFilter(**{k: v for k, v in kw.items() if k in known}))

    @property
    def group_by(self) -> str | None:
        return self._group_by

    def set_group_by(self, key: str | None) -> None:
        if key is not None and key not in GROUPINGS:
            raise ValueError(f"unknown grouping {key!r}")
        if key == self._group_by:
            return
        self._group_by = key
        self._collapsed.clear()
        self._rebuild()
        self.filtersChanged.emit()

    def is_collapsed(self, key: str) -> bool:
        return key in self._collapsed

    def set_collapsed(self, key: str, collapsed: bool) -> None:
        if collapsed == (key in self._collapsed):
            return
        (self._collapsed.add if collapsed else self._collapsed.discard)(key)
        self._rebuild()

    def toggle_group(self, key: str) -> None:
        self.set_collapsed(key, key not in self._collapsed)

    def set_all_collapsed(self, collapsed: bool) -> None:
        keys = {g.key for kind, g in self._rows if kind == "g"}
        self._collapsed = keys if collapsed else set()
        self._rebuild()

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column, self._sort_order = column, order
        self._resort()
        self._rebuild()

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    # -- lookup ----------------------------------------------------------------------------

    @property
    def shown_count(self) -> int:
        return self._shown

    @property
    def total_count(self) -> int:
        return len(self._entries)

    def row_kind(self, row: int) -> str:
        return "group" if self._rows[row][0] == "g" else "project"

    def project_at(self, row: int) -> Project | None:
        if 0 <= row < len(self._rows) and self._rows[row][0] == "p":
            return self._rows[row][1].project
        return None

    def status_at(self, row: int) -> Status | None:
        if 0 <= row < len(self._rows) and self._rows[row][0] == "p":
            return self._rows[row][1].status
        return None

    def group_at(self, row: int) -> GroupRow | None:
        if 0 <= row < len(self._rows) and self._rows[row][0] == "g":
            return self._rows[row][1]
        return None

    def row_of(self, project_id: str) -> int | None:
        return self._row_of.get(project_id)

    def project(self, project_id: str) -> Project | None:
        e = self._entries.get(project_id)
        return e.project if e else None

    def status_of(self, project_id: str) -> Status | None:
        e = self._entries.get(project_id)
        return e.status if e else None

    def visible_project_ids(self) -> list[str]:
        return [item.project.id for kind, item in self._rows if kind == "p"]

    def filtered_project_ids(self) -> list[str]:
        """Ids passing the filter, including those inside collapsed groups."""
        out: list[str] = []
        for kind, item in self._rows:
            if kind == "g":
                if item.collapsed:
                    out.extend(item.project_ids)
            else:
                out.append(item.project.id)
        return out

    def assign_counts(self) -> dict[str, int]:
        """How many projects (of all, not only those shown) lack each thing to assign."""
        counts = dict.fromkeys(ASSIGN_GAPS, 0)
        for e in self._entries.values():
            if e.gaps:
                counts["any"] += 1
            for gap in e.gaps:
                counts[gap] += 1
        return counts

    def choices(self, key: str) -> list:
        """Distinct values present for a filter (sorted), for combo boxes."""
        getters = {
            "column": lambda p: p.column,
            "category": lambda p: p.category,
            "stage": lambda p: p.stage_text,
            "district": lambda p: p.district,
            "lead": lambda p: p.lead_unit,
        }
        get = getters[key]
        values = {get(e.project) for e in self._entries.values()} - {None, ""}
        return sorted(values)

    # -- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role: int = _DISPLAY):
        # Called thousands of times per frame: roles are compared as plain ints (comparing
        # with Qt's enum members costs more than the whole lookup) and strings are precomputed.
        kind, item = self._rows[index.row()]
        if kind == "p":
            if role == _DISPLAY:
                text = item.texts[index.column()]
                return MISSING if text is None else text
            if role == _FOREGROUND:
                return self._grey if item.texts[index.column()] is None else None
            if role == _DECORATION:
                if index.column() == 0:
                    light = item.status.light
                    icon = self._icons.get(light)
                    if icon is None:
                        icon = self._icons[light] = _light_icon(LIGHT_COLORS[light])
                    return icon
                return None
            if role == _ALIGN:
                return self._right if index.column() in _RIGHT_COLUMNS else None
            if role == _EDIT:
                return _edit_text(item.project, COLUMNS[index.column()].key)
            if role < _USER:
                if role == _TOOLTIP:
                    col = index.column()
                    if col == 0:
                        return "\n".join(item.status.reasons or (item.status.reason,))
                    text = item.texts[col]
                    return f"{COLUMNS[col].title}：{MISSING}" if text is None else text or None
                return None
            if role == ProjectRole:
                return item.project
            if role == ProjectIdRole:
                return item.project.id
            if role == StatusRole:
                return item.status
            if role == SortRole:
                return COLUMNS[index.column()].sort(item.project, item.status)
            return None
        return self._group_data(item, index.column(), role)

    def _group_text(self, item: GroupRow, col: int) -> str | None:
        key = COLUMNS[col].key
        # One line at the left (the view lets it run over the empty cells beside it) and the
        # subtotal under the amounts.
        if key == "status":
            return item.header
        if key == "total_investment":
            return subtotal_text(item.total_investment)
        return None

    def _group_data(self, item: GroupRow, col: int, role: int):
        if role == _DISPLAY:
            return self._group_text(item, col)
        if role == _FONT:
            return self._bold
        if role == _BACKGROUND:
            return self._group_bg
        if role == _TOOLTIP:
            return f"{item.label}：{item.summary}（单击 ▸ 或双击展开/折叠）"
        if role == GroupRole:
            return item
        if role == _ALIGN and col in _RIGHT_COLUMNS:
            return self._right
        return None

    def paint_row(self, row: int) -> tuple[bool, tuple, str | None]:
        """Everything the register view paints for ``row``, in one call instead of one
        ``data()`` call per cell and role: ``(is_group, texts, light)``.

        ``texts`` holds one display string per column. For a project, None means 待填报 (the
        view paints ``MISSING`` in grey); for a group header, None is an empty cell and the row
        is painted bold on the group background. ``light`` is the project's status light (None
        for a group). What this returns must agree with ``data()``, which tests check.
        """
        kind, item = self._rows[row]
        if kind == "p":
            return False, item.texts, item.status.light
        return True, tuple(self._group_text(item, c) for c in range(len(COLUMNS))), None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section].title
        return None

    def flags(self, index) -> Qt.ItemFlags:
        if not index.isValid():
            return Qt.NoItemFlags
        if index.column() in _EDITABLE_COLUMNS and self._rows[index.row()][0] == "p":
            return self._edit_flags
        return self._flags

    def setData(self, index, value, role: int = _EDIT) -> bool:
        """An edit typed in a cell: parsed like the editor does, saved as one undoable step.

        A value that cannot be read or breaks a rule is refused with its reason
        (``ctx.report_error``); an edit from an old version is refused and the row reloads.
        """
        if role != _EDIT or not index.isValid():
            return False
        project = self.project_at(index.row())
        field = _EDITABLE_COLUMNS.get(index.column())
        if project is None or field is None:
            return False
        from ...domain.errors import UserError
        from ...services.editing import parse_field
        from ..undo import EditFieldsCommand, execute

        try:
            parsed = parse_field(field, value)
            if field == "name" and not parsed:
                raise UserError("项目名称不能为空")
            if parsed == getattr(project, field, None):
                return True  # opened and closed without a change: nothing to save or undo
            command = EditFieldsCommand(
                self.ctx, project.id, {field: parsed}, expected_version=project.version
            )
            execute(self.ctx, command)
        except UserError as exc:
            self.ctx.report_error(exc)
            return False
        return True
