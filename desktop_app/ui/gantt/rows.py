"""Row → y and the precomputed layout of every row the Gantt chart shows.

The layout is built once from the register model (rows, filters, grouping) and holds plain
numbers (day ordinals, percents, colours), so painting a frame or changing the zoom never asks
the model or the domain again: zoom only changes the ``TimeScale``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QAbstractItemModel, QModelIndex

from ...domain.model import Project
from ...domain.schedule import Link, Summary, link_dates, summarize, violation_days
from ...domain.status import BLUE, GREY, LIGHT_COLORS, Status
from ..roles import GroupRole, ProjectRole, StatusRole

ROW_HEIGHT = 24

# Milestone states, drawn as hollow / filled / red diamonds.
MS_PLANNED, MS_DONE, MS_OVERDUE = 0, 1, 2


@dataclass(slots=True)
class RowInfo:
    """What one row draws, in day ordinals (``date.toordinal()``) so x is one multiply away."""

    kind: str  # "project" or "group"
    key: str  # project id, or group key
    label: str
    color: str
    plan: tuple[int, int] | None = None  # planned start, end (inclusive)
    actual: tuple[int, int] | None = None  # actual start, end (end = today while running)
    percent: float | None = None
    milestones: list[tuple[int, int, str]] = field(default_factory=list)  # (ordinal, state, name)
    baseline: tuple[int, int] | None = None
    slip_days: int | None = None
    project: Project | None = None
    status: Status | None = None
    collapsed: bool = False
    count: int = 0


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """A dependency between two visible rows, with where it leaves and where it arrives."""

    link: Link
    pred_row: int
    succ_row: int
    finish: int  # ordinal the predecessor finishes
    start: int  # ordinal the successor starts
    violated_days: int


def _ord(d: date | None) -> int | None:
    return d.toordinal() if d else None


def _span(start: date | None, end: date | None) -> tuple[int, int] | None:
    if start is None and end is None:
        return None
    s, e = start or end, end or start
    return (s.toordinal(), max(s.toordinal(), e.toordinal()))


def _project_row(p: Project, status: Status | None, today: date) -> RowInfo:
    light = status.light if status else GREY
    actual = None
    if p.actual_start:
        end = p.actual_end or (today if p.stage != "竣工" else p.actual_start)
        actual = _span(p.actual_start, max(end, p.actual_start))
    milestones = []
    for m in p.milestones:
        when = m.actual_date or m.planned_date
        if when is None:
            continue
        if m.actual_date:
            state = MS_DONE
        elif m.planned_date and m.planned_date < today:
            state = MS_OVERDUE
        else:
            state = MS_PLANNED
        milestones.append((when.toordinal(), state, m.name))
    return RowInfo(
        "project",
        p.id,
        f"{p.code} {p.name}",
        LIGHT_COLORS.get(light, LIGHT_COLORS[GREY]) if p.stage != "竣工" else LIGHT_COLORS[BLUE],
        _span(p.planned_start, p.planned_end),
        actual,
        100.0 if p.stage == "竣工" else p.percent_complete,
        milestones,
        project=p,
        status=status,
    )


def _group_row(group, members: list[Project]) -> RowInfo:
    summary: Summary = summarize(members)
    return RowInfo(
        "group",
        group.key,
        group.label,
        "#3C4043",
        _span(summary.start, summary.end),
        None,
        summary.percent,
        collapsed=bool(getattr(group, "collapsed", False)),
        count=len(members),
    )


class RowLayout:
    """Every row of the model as a ``RowInfo``, row ``i`` at y = ``i * row_height``."""

    def __init__(self, rows: list[RowInfo], row_height: int = ROW_HEIGHT):
        self.rows = rows
        self.row_height = row_height
        self.links: list[LinkInfo] = []
        self._row_of = {r.key: i for i, r in enumerate(rows) if r.kind == "project"}
        spans = [r.plan for r in rows if r.plan] + [r.actual for r in rows if r.actual]
        self.first = min((s[0] for s in spans), default=None)
        self.last = max((s[1] for s in spans), default=None)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def height(self) -> int:
        return len(self.rows) * self.row_height

    def y(self, row: int) -> int:
        return row * self.row_height

    def row_at(self, y: float) -> int:
        """The row under content y, or -1 outside the rows."""
        row = int(y // self.row_height)
        return row if 0 <= row < len(self.rows) else -1

    def visible(self, y0: float, y1: float) -> range:
        first = max(0, int(y0 // self.row_height))
        return range(first, min(len(self.rows), int(y1 // self.row_height) + 1))

    def row_of(self, project_id: str) -> int | None:
        return self._row_of.get(project_id)

    def set_baseline(self, items: dict[str, tuple[date | None, date | None]] | None) -> None:
        """Show a baseline under each project row (None hides it) and compute the slips."""
        for r in self.rows:
            if r.kind != "project":
                continue
            span = items.get(r.key) if items else None
            r.baseline = _span(*span) if span else None
            if r.baseline and r.plan:
                r.slip_days = r.plan[1] - r.baseline[1]
            else:
                r.slip_days = None

    def set_links(self, links: list[Link], projects: dict[str, Project]) -> None:
        """Keep the links whose both ends are visible rows, with their violation."""
        out: list[LinkInfo] = []
        for link in links:
            a, b = self._row_of.get(link.pred_project_id), self._row_of.get(link.succ_project_id)
            pred, succ = projects.get(link.pred_project_id), projects.get(link.succ_project_id)
            if a is None or b is None or pred is None or succ is None:
                continue
            finish, start = link_dates(link, pred, succ)
            if finish is None or start is None:
                continue
            out.append(
                LinkInfo(
                    link,
                    a,
                    b,
                    finish.toordinal(),
                    start.toordinal(),
                    violation_days(link, pred, succ),
                )
            )
        self.links = out


def _model_rows(model: QAbstractItemModel):
    """(project, status, group) for each row, through the shared roles."""
    # The register model offers direct accessors; any other model is read through the roles.
    if hasattr(model, "project_at") and hasattr(model, "group_at"):
        for row in range(model.rowCount()):
            yield model.project_at(row), model.status_at(row), model.group_at(row)
        return
    for row in range(model.rowCount()):
        index = model.index(row, 0, QModelIndex())
        yield (
            model.data(index, ProjectRole),
            model.data(index, StatusRole),
            model.data(index, GroupRole),
        )


def build_layout(
    model: QAbstractItemModel,
    today: date,
    row_height: int = ROW_HEIGHT,
    previous: RowLayout | None = None,
) -> RowLayout:
    """The layout of ``model``'s rows; a group's summary covers all its (filtered) members.

    Rows of ``previous`` whose project and status objects are unchanged are reused: after one
    edit the model replaces only that project, so a rebuild costs little more than a walk.
    """
    cache = {r.key: r for r in previous.rows if r.kind == "project"} if previous else {}
    raw = list(_model_rows(model))
    known: dict[str, Project] = {p.id: p for p, _, _ in raw if p is not None}
    lookup = getattr(model, "project", None)  # members inside collapsed groups
    rows: list[RowInfo] = []
    for project, status, group in raw:
        if group is not None:
            members = []
            for pid in group.project_ids:
                p = known.get(pid) or (lookup(pid) if lookup else None)
                if p is not None:
                    members.append(p)
            rows.append(_group_row(group, members))
        elif project is not None:
            old = cache.get(project.id)
            if old is not None and old.project is project and old.status is status:
                rows.append(old)
            else:
                rows.append(_project_row(project, status, today))
    return RowLayout(rows, row_height)
