"""Use cases of the Excel exchange: issue templates, import a return, export the register.

Each use case is one function the CLI and the windows both call. Importing applies a
``ReturnPreview`` in ONE transaction (progress reports, project fields, the import batch, the
proposals and the audit rows), so a failed or cancelled import leaves the database untouched.
"""

from __future__ import annotations

import gc
import json
import queue
import sys
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..collector import gc_paused
from ..domain.errors import UserError
from ..domain.file_names import safe_file_name
from ..domain.parsing import ParseError
from ..domain.period import Period
from ..exchange.columns import PROJECT_KEYS, REPORT_KEYS
from ..exchange.return_import import OpenedReturn, ReturnPreview, open_return, read_return
from ..exchange.task_sheet import TaskTemplateRow, task_record
from ..exchange.template import TemplateRow, TemplateSpec, write_template
from ..store import Store
from ..store import exchange as xstore
from ..store import task_returns as tstore
from ..store.units import get_unit, list_units
from .change_requests import apply_planning
from .progress import Progress, no_progress


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ParseError as exc:
        raise UserError(exc.reason) from None


def template_file_name(unit: str, period: Period) -> str:
    return f"{period.key}_{safe_file_name(unit)}_填报模板.xlsx"


def build_template_spec(store: Store, unit_id: int, period: Period) -> TemplateSpec:
    unit = get_unit(store, unit_id)
    projects = xstore.reporting_projects(store, unit.id)
    current = xstore.current_values(store, period.key)
    plans = xstore.annual_plans(store, period.year)
    spec = TemplateSpec(
        template_id=str(uuid.uuid4()),
        unit_id=unit.id,
        unit=unit.name,
        period=period,
        issued_at=datetime.now().strftime("%Y-%m-%dT%H:%M:%S"),
    )
    for p in projects:
        now = current.get(p.id, {})
        values = {
            "code": p.code,
            "name": p.name,
            "scope": p.scope,
            "total_investment": p.total_investment,
            "lead_unit": p.lead_unit,
            "responsible_units": "、".join(p.units_with_role("责任")) or None,
            "planned_start": p.planned_start,
            "planned_end": p.planned_end,
            "annual_plan": plans.get(p.id),
        }
        for key in PROJECT_KEYS + REPORT_KEYS:
            values[key] = now.get(key)
        spec.rows.append(TemplateRow(p.id, p.version, values))
    spec.tasks = task_template_rows(store, unit.id, period)
    return spec


def task_template_rows(store: Store, unit_id: int, period: Period) -> list[TaskTemplateRow]:
    """The unit's tasks of the period's year's list, each prefilled from the unit's latest
    report on it for the period or an earlier one (a past period's template speaks of that
    period, never of a later one's record)."""
    states = tstore.task_states(store, unit_id, period.key)
    rows = []
    for line in tstore.unit_tasks(store, unit_id, period.year):
        now = states.get(line.task_id)
        values = {
            "seq": line.seq,
            "code": line.code,
            "title": line.title,
            "lead_unit": line.lead_unit,
            "responsible_units": line.responsible_units,
            "due_text": line.due_text,
            "expected": line.expected,
            **(now.values if now is not None else {}),
        }
        rows.append(TaskTemplateRow(line.task_id, now.version if now else 0, values))
    return rows


def issue_template(store: Store, unit: str | int, period: str, out: Path) -> Path:
    """Write one unit's template for ``period`` to ``out`` and record that it was issued."""
    per = _period(period)
    unit_obj = get_unit(store, unit)
    spec = build_template_spec(store, unit_obj.id, per)
    if not spec.rows and not spec.tasks:
        raise UserError(
            f"「{unit_obj.name}」没有需要填报的项目（不是任何项目的牵头或责任单位，也没有位于"
            f"本地的项目），也没有 {per.year} 年度重点任务清单中的任务，未生成模板。"
        )
    out = write_template(spec, Path(out))
    with store.write(source="系统"):
        xstore.record_template_issue(
            store,
            spec.template_id,
            unit_obj.id,
            per.key,
            out.name,
            [xstore.IssueRow(r.project_id, r.version, r.snapshot()) for r in spec.rows],
        )
        tstore.record_issue_tasks(
            store,
            spec.template_id,
            [tstore.IssuedTask(t.task_id, t.version, t.snapshot()) for t in spec.tasks],
        )
    return out


def issue_templates(
    store: Store, period: str, outdir: Path, *, progress: Progress = no_progress
) -> list[Path]:
    """One template per active unit that has projects to report, into ``outdir``."""
    per = _period(period)
    outdir = Path(outdir)
    units = [
        u
        for u in list_units(store, include_inactive=False)
        if xstore.reporting_project_ids(store, u.id) or tstore.has_unit_tasks(store, u.id, per.year)
    ]
    written = []
    for i, unit in enumerate(units):
        progress(i, len(units), f"生成 {unit.name} 的填报模板")
        written.append(
            issue_template(store, unit.id, per.key, outdir / template_file_name(unit.name, per))
        )
    progress(len(units), len(units), "完成")
    return written


# -- import -----------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    status: str  # applied / dry-run / rejected / already-imported
    preview: ReturnPreview
    batch_id: int | None = None
    applied: list = field(default_factory=list)  # FieldChange applied
    message: str = ""
    taken: frozenset = frozenset()  # the conflicts decided for the return's value

    def as_json(self) -> dict:
        p = self.preview
        done = self.status == "already-imported"  # nothing of it would change now
        changes = [] if done else self.applied if self.status == "applied" else p.changes
        return {
            "status": self.status,
            "unit": p.unit,
            "period": p.period,
            "file": p.file_name,
            "counts": dict.fromkeys(p.counts(), 0) if done else p.counts(),
            "errors": [e.as_dict() for e in p.all_errors],
            "changes": [
                {"code": c.code, "field": c.label, "old": _j(c.old), "new": _j(c.new)}
                | ({"cleared": True} if c.new is None else {})
                for c in changes
            ],
            "conflicts": [
                {
                    "code": c.code,
                    "field": c.label,
                    "issued": _j(c.issued),
                    "database": _j(c.old),
                    "return": _j(c.new),
                }
                for c in ([] if done else p.conflicts)
            ],
            "tasks": _tasks_json(self, done),
            "hints": [] if done else [h.as_dict() for h in p.hints],
            "not_imported": [] if done else p.not_imported,
            "notes": p.notes,
            "message": self.message,
        }


def _tasks_json(outcome: ImportOutcome, done: bool) -> dict:
    """The 「重点任务」 sheet's part of an outcome: its counts, changes and conflicts (the
    errors are in the outcome's errors, with the sheet named)."""
    p = outcome.preview
    counts = p.task_counts()
    if done:
        counts = dict.fromkeys(counts, 0)
    take = outcome.taken if outcome.status == "applied" else frozenset()
    changes = [] if done else p.task_changes
    changes = changes + [c for c in ([] if done else p.task_conflicts) if c.key in take]
    return {
        "sheet": p.task_sheet,
        "counts": counts,
        "changes": [
            {
                "code": c.code,
                "task": c.title,
                "field": c.label,
                "old": _j(c.old),
                "new": _j(c.new),
                "cell": c.cell,
            }
            | ({"cleared": True} if c.new is None else {})
            for c in changes
        ],
        "carried": [] if done else [t.code for t in p.tasks if not t.errors and t.carried],
        "conflicts": [
            {
                "code": c.code,
                "field": c.label,
                "issued": _j(c.issued),
                "database": _j(c.old),
                "return": _j(c.new),
                "cell": c.cell,
            }
            for c in ([] if done else p.task_conflicts)
        ],
    }


def _j(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


@gc_paused()
def apply_return(
    store: Store,
    preview: ReturnPreview,
    *,
    skip_invalid: bool = False,
    take_return: set[tuple[str, str]] | frozenset = frozenset(),
    progress: Progress = no_progress,
) -> ImportOutcome:
    """Apply the valid rows of a preview in one transaction (or nothing, see ``status``).

    Rows with errors refuse the whole file unless ``skip_invalid``. Conflicts keep the database
    value unless ``(project_id, field)`` is in ``take_return`` (the user chose the return's).
    """
    if preview.already_imported or xstore.batch_by_sha(store, preview.sha256, "return"):
        return _already_imported(preview)
    errors = preview.all_errors
    if errors and not skip_invalid:
        return _rejected(preview)
    try:
        with store.large_page_cache(), store.write(source="导入") as outer:
            keys = _imported_meanwhile_or_keys(store, preview)
            if keys is None:
                # The database changed since the preview (another window, process or file):
                # the return is judged again against it as it is now, inside this write.
                preview = _read_again(store, preview)
                keys = preview.report_keys
                if preview.all_errors and not skip_invalid:
                    raise _Refused
            rows = [r for r in preview.rows if not r.errors]
            batch_id = outer.batch_id = _create_batch(store, preview)
            writer = _writer(store, preview, batch_id, keys)
            progress(0, len(rows), "写入数据库")
            _write_rows(store, writer, rows, take_return, batch_id)
            writer.close()
            _write_tasks(store, preview, take_return, batch_id)
            for proposal in preview.proposals:
                xstore.add_proposal(
                    store, batch_id, preview.unit_id, proposal.name, proposal.payload
                )
            apply_planning(store, preview, batch_id)
    except _ImportedMeanwhile as exc:
        preview.already_imported = exc.batch
        return _already_imported(preview)
    except _Refused:
        return _rejected(preview)
    progress(len(rows), len(rows), "完成")
    return _applied(preview, batch_id, take_return)


def _read_again(store: Store, preview: ReturnPreview) -> ReturnPreview:
    """The return read again against the database now (inside the caller's write)."""
    fresh = read_return(store, preview.path, unit=preview.unit_id, period=preview.period)
    if fresh.already_imported:
        raise _ImportedMeanwhile(fresh.already_imported)
    return fresh


def _already_imported(preview: ReturnPreview) -> ImportOutcome:
    return ImportOutcome(
        "already-imported",
        preview,
        message=f"「{preview.file_name}」已于 {(preview.already_imported or {}).get('at', '此前')} 导入，"
        "本次未做任何修改。",
    )


def _rejected(preview: ReturnPreview) -> ImportOutcome:
    return ImportOutcome(
        "rejected",
        preview,
        message=f"「{preview.file_name}」有 {len(preview.all_errors)} 处错误，未导入任何数据。"
        "请改正后重新导入，或选择只导入无误的行。",
    )


def _applied(
    preview: ReturnPreview,
    batch_id: int,
    take_return: set[tuple[str, str]] | frozenset,
    counts: dict | None = None,
    applied: list | None = None,
) -> ImportOutcome:
    if counts is None or applied is None:
        counts, applied = _figures(preview, take_return)
    refused = len(preview.all_errors)
    tasks = preview.task_counts()
    reported = tasks["updated"] + tasks["carried"]
    return ImportOutcome(
        "applied",
        preview,
        batch_id=batch_id,
        applied=applied,
        message=f"已导入「{preview.file_name}」：更新 {counts['updated']} 个项目"
        + (f"，重点任务报送 {reported} 项" if reported else "")
        + (f"，跳过 {refused} 处错误" if refused else "")
        + (f"，新增项目建议 {counts['proposals']} 条" if counts["proposals"] else "")
        + "。",
        taken=frozenset(take_return),
    )


def _figures(
    preview: ReturnPreview, take_return: set[tuple[str, str]] | frozenset
) -> tuple[dict, list]:
    """The preview's counts, and the changes applied (in the order of the rows)."""
    applied = [c for r in preview.rows if not r.errors for c in _chosen(r, take_return)]
    return preview.counts(), applied


def _create_batch(store: Store, preview: ReturnPreview) -> int:
    return xstore.create_batch(
        store,
        kind="return",
        file_name=preview.file_name,
        sha256=preview.sha256,
        unit_id=preview.unit_id,
        period=preview.period,
        template_id=preview.template_id,
        counts=preview.counts(),
    )


def _valid_keys(store: Store, preview: ReturnPreview) -> xstore.ReportKeys | None:
    """The reports' keys read with the preview, unless the database changed since (then
    ``None``: the writer reads them again). Asked before the import itself writes anything."""
    keys = preview.report_keys
    return keys if keys is not None and keys.token == store.change_token() else None


def _imported_meanwhile_or_keys(store: Store, preview: ReturnPreview) -> xstore.ReportKeys | None:
    """Inside the import's transaction: raise ``_ImportedMeanwhile`` when another process or
    window imported the same file since it was read (looked up again only when the database
    changed since then); else the reports' keys as ``_valid_keys`` gives them."""
    keys = _valid_keys(store, preview)
    if keys is None and (batch := xstore.batch_by_sha(store, preview.sha256, "return")):
        raise _ImportedMeanwhile(batch)
    return keys


def _writer(
    store: Store, preview: ReturnPreview, batch_id: int, keys: xstore.ReportKeys | None
) -> xstore.ReportWriter:
    # The values are as the return's parsers gave them: already rounded and trimmed.
    return xstore.ReportWriter(store, preview.period, batch_id=batch_id, normalized=True, keys=keys)


def _chosen(row, take_return: set[tuple[str, str]] | frozenset) -> list:
    """The changes of a row to apply: its own, and the conflicts where the user chose the
    return's value."""
    if not row.conflicts:
        return row.changes
    return row.changes + [c for c in row.conflicts if (c.project_id, c.field) in take_return]


def _write_rows(
    store: Store,
    writer: xstore.ReportWriter,
    rows: list,
    take_return: set[tuple[str, str]] | frozenset,
    batch_id: int,
) -> None:
    """Write the changes of ``rows`` (rows without errors) and their reports."""
    _write_part(store, writer, _prepare_part(writer, rows, take_return), batch_id)


@dataclass(slots=True)
class _Part:
    """Rows of a return ready to write: project fields ``(project_id, {field: value})`` and
    the reports as the writer takes them."""

    project_changes: list
    reports: xstore.PreparedReports

    def __add__(self, other: _Part) -> _Part:
        return _Part(self.project_changes + other.project_changes, self.reports + other.reports)


def _prepare_part(
    writer: xstore.ReportWriter, rows: list, take_return: set[tuple[str, str]] | frozenset
) -> _Part:
    project_changes, reports = [], []
    for row in rows:
        chosen = _chosen(row, take_return)
        if not chosen:
            continue
        fields = {c.field: c.new for c in chosen if c.field in PROJECT_KEYS}
        if fields:
            project_changes.append((row.project_id, fields))
        # The period's report holds everything the unit filled in for the row (the report's
        # fields of it), except the conflicting fields the user left at the database's value;
        # the fields the unit emptied are cleared.
        filled = row.values
        cleared = [c.field for c in chosen if c.new is None]
        if row.conflicts or cleared:
            filled = dict(filled)
        if row.conflicts:
            report_values = {c.field: c.new for c in chosen if c.field in REPORT_KEYS}
            for key in {c.field for c in row.conflicts} - set(report_values):
                filled.pop(key, None)
            filled |= report_values
        for key in cleared:
            filled[key] = xstore.CLEARED
        reports.append((row.project_id, filled))
    return _Part(project_changes, writer.prepare(reports))


def _write_tasks(
    store: Store,
    preview: ReturnPreview,
    take_return: set[tuple[str, str]] | frozenset,
    batch_id: int,
) -> None:
    """Write the period's task reports of the valid task rows (inside the import's write)."""
    rows = []
    for t in preview.tasks:
        if t.errors:
            continue
        record = task_record(t, take_return)
        if record is not None:
            rows.append(tstore.TaskReportWrite(t.task_id, record))
    if rows:
        tstore.write_task_reports(store, preview.unit_id, preview.period, rows, batch_id=batch_id)


def _write_part(store: Store, writer: xstore.ReportWriter, part: _Part, batch_id: int) -> None:
    xstore.apply_project_fields(store, part.project_changes, batch_id=batch_id)
    writer.write_prepared(part.reports)


@gc_paused()
def import_return(
    store: Store,
    path: Path,
    *,
    unit: str | None = None,
    period: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    take_return: set[tuple[str, str]] | frozenset = frozenset(),
    progress: Progress = no_progress,
) -> ImportOutcome:
    """Read a return and apply it (unless ``dry_run``); the CLI's ``import`` command.

    The rows are written while the rest of the file is still being parsed (on another thread),
    all in the one transaction: a file found to have errors (unless ``skip_invalid``) is rolled
    back whole and reported as rejected, exactly as if nothing had been written.
    """
    if dry_run:
        preview = read_return(store, Path(path), unit=unit, period=period, progress=progress)
        status = "rejected" if preview.all_errors and not skip_invalid else "dry-run"
        return ImportOutcome(status, preview, message="预览完成，未写入数据库。")
    opened = open_return(store, Path(path), unit=unit, period=period, progress=progress)
    preview = opened.preview
    if preview.already_imported:
        opened.parse()
        opened.finish(store)
        return _already_imported(preview)
    try:
        batch_id, counts, applied = _apply_while_parsing(
            store, opened, skip_invalid, take_return, progress
        )
    except _Refused:
        return _rejected(preview)
    except _ImportedMeanwhile as exc:
        preview.already_imported = exc.batch
        return _already_imported(preview)
    return _applied(preview, batch_id, take_return, counts, applied)


# While one thread parses and the other writes, the writer needs Python's lock back after each
# SQLite statement (some twenty per part of a return). At the default switch interval it would
# wait up to 5 ms each time for the parsing thread to let go; at this one SQLite's work runs
# side by side with the parsing instead of waiting on it.
_SWITCH_S = 0.00005


_NONE_YET = object()


class _Refused(Exception):
    """The file has errors: what was written of it is rolled back."""


class _ImportedMeanwhile(Exception):
    """Another window or process imported the same file since it was opened."""

    def __init__(self, batch: dict) -> None:
        super().__init__(batch)
        self.batch = batch


def _apply_while_parsing(
    store: Store,
    opened: OpenedReturn,
    skip_invalid: bool,
    take_return: set[tuple[str, str]] | frozenset,
    progress: Progress,
) -> tuple[int, dict, list]:
    """Parse ``opened`` on a worker thread while this one writes its rows part by part (SQLite
    does its work without holding Python's lock, so the two run side by side); returns the
    import batch, its counts and the changes applied. Rows with conflicts are written last, once all rows are known
    (a unit's resubmitted return turns some of them into changes)."""
    preview, total = opened.preview, len(opened.rows)
    parts: queue.SimpleQueue = queue.SimpleQueue()
    deferred: list = []  # rows with conflicts, for after the parse
    figures: list = []  # the counts and changes applied, when worked out on the other thread

    def parse(writer: xstore.ReportWriter) -> None:
        done, writing = 0, True

        def part_done(end: int) -> None:
            # Prepared here too, so that the writing thread does little but wait on SQLite.
            nonlocal done, writing
            rows, done = preview.rows[done:end], end
            if writing and not skip_invalid:
                # A refused file is rolled back whole: nothing more of it to write.
                writing = not preview.errors and not any(r.errors for r in rows)
            if writing:
                ready = [r for r in rows if not r.errors and not r.conflicts]
                deferred.extend(r for r in rows if not r.errors and r.conflicts)
                parts.put((end, _prepare_part(writer, ready, take_return)))

        try:
            opened.parse(on_rows=part_done)
            part_done(len(preview.rows))
        except BaseException as exc:  # handed to the writing thread, which raises it
            parts.put(exc)
        else:
            parts.put(None)
            # Done here while the rows are written: the sheet's cells and the database state
            # they were checked against (some 300,000 objects for 10,000 rows) are freed; the
            # outcome's figures are worked out, unless conflicts may still change; and the
            # cycle collector's one walk over what the import keeps (see gc_paused) is made,
            # leaving it next to nothing to do after the commit.
            opened.rows, opened.meta_rows, opened.stored = [], {}, None
            if not deferred:
                figures.append(_figures(preview, take_return))
            gc.collect(1)

    with store.large_page_cache(), store.write(source="导入") as outer:
        keys = _imported_meanwhile_or_keys(store, preview)
        if keys is None:
            # The database changed since the file was opened: its rows are judged against the
            # state they are written over (read here, inside this write), not the one before.
            opened.reread_state(store)
            keys = preview.report_keys
        batch_id = outer.batch_id = _create_batch(store, preview)
        writer = _writer(store, preview, batch_id, keys)
        worker = threading.Thread(target=parse, args=(writer,), name="return-parse", daemon=True)
        switch = sys.getswitchinterval()
        sys.setswitchinterval(_SWITCH_S)
        worker.start()
        try:
            item = parts.get()
            while item is not None:
                if isinstance(item, BaseException):
                    raise item
                done, part = item
                item = _NONE_YET
                while not parts.empty():  # the parts prepared meanwhile, written together
                    item = parts.get()
                    if not isinstance(item, tuple):
                        break
                    done, part, item = item[0], part + item[1], _NONE_YET
                _write_part(store, writer, part, batch_id)
                progress(done, total, "写入数据库")
                if item is _NONE_YET:
                    item = parts.get()
        finally:
            worker.join()
            sys.setswitchinterval(switch)
        opened.finish(store)
        if preview.all_errors and not skip_invalid:
            raise _Refused
        _write_rows(store, writer, deferred, take_return, batch_id)
        writer.close()
        _write_tasks(store, preview, take_return, batch_id)
        for proposal in preview.proposals:
            xstore.add_proposal(store, batch_id, preview.unit_id, proposal.name, proposal.payload)
        apply_planning(store, preview, batch_id)
        counts, applied = figures[0] if figures else _figures(preview, take_return)
        xstore.set_batch_counts(store, batch_id, counts)
    progress(total, total, "完成")
    return batch_id, counts, applied


# -- register (台账) import -------------------------------------------------------------------


@dataclass
class RegisterOutcome:
    status: str  # applied / dry-run / rejected / already-imported
    preview: object
    batch_id: int | None = None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    message: str = ""


def apply_register(
    store: Store, preview, *, skip_invalid: bool = False, progress: Progress = no_progress
) -> RegisterOutcome:
    """Create and update projects from a read 台账, in one transaction."""
    from ..exchange.register_import import merged_links, project_fields, unit_links
    from ..store.projects import (
        create_project,
        list_projects,
        next_code,
        set_units,
        update_project,
    )

    # The same file read the same way again changes nothing; read with a corrected column
    # mapping it is a new import.
    mapping = json.dumps(sorted(preview.mapping.items()))
    done = xstore.batch_counts_by_sha(store, preview.sha256, "register")
    if any(counts.get("mapping", mapping) == mapping for counts in done):
        return RegisterOutcome(
            "already-imported",
            preview,
            message=f"「{preview.file_name}」此前已按同样的列对应导入，本次未做任何修改。",
        )
    errors = preview.all_errors
    if errors and not skip_invalid:
        return RegisterOutcome(
            "rejected",
            preview,
            message=f"「{preview.file_name}」有 {len(errors)} 处错误，未导入任何数据。",
        )
    outcome = RegisterOutcome("applied", preview)
    # Rows with their own codes first: a code generated for a row without one is then never
    # one that a later row of the file asks for.
    rows = sorted((r for r in preview.rows if not r.errors), key=lambda r: "code" not in r.values)
    with store.write(source="导入") as tx:
        batch_id = xstore.create_batch(
            store,
            kind="register",
            file_name=preview.file_name,
            sha256=preview.sha256,
            unit_id=None,
            period=None,
            template_id=None,
            counts={**preview.counts(), "mapping": mapping},
        )
        # The existing projects' units, read once inside the transaction (not a query a row).
        units_now = {
            p.id: p.units
            for p in list_projects(store, ids=[r.project_id for r in rows if r.project_id])
        }
        for i, row in enumerate(rows):
            if i % 200 == 0:
                progress(i, len(rows), "写入数据库")
            fields = project_fields(row.values)
            links = unit_links(row.values)
            if row.project_id is None:
                fields.setdefault("code", next_code(store))
                pid = create_project(store, {"name": row.name, **fields}, units=links)
                outcome.created.append(pid)
            else:
                changed = update_project(
                    store, row.project_id, {k: v for k, v in fields.items() if k != "code"}
                )
                if links:
                    # The roles the row names; the project's other units stay as they were.
                    current = units_now[row.project_id]
                    merged = merged_links(current, row.values)
                    if set(merged) != {(u.unit_id, u.role) for u in current}:
                        changed = set_units(store, row.project_id, merged) or changed
                if changed:
                    outcome.updated.append(row.project_id)
        xstore.mark_import_audit(store, tx.op_id, batch_id)
    outcome.batch_id = batch_id
    outcome.message = (
        f"已导入「{preview.file_name}」：新建 {len(outcome.created)} 个项目，"
        f"更新 {len(outcome.updated)} 个"
        + (f"，跳过 {len(errors)} 处错误" if errors else "")
        + "。"
    )
    return outcome


def save_register_mapping(store: Store, mapping: dict[str, str | None]) -> None:
    """Remember the user's column mapping (header text -> field) for the next 台账."""
    from ..exchange.register_import import MAPPING_SETTING

    saved = dict(store.get_setting(MAPPING_SETTING, {}) or {})
    saved.update(mapping)
    store.set_setting(MAPPING_SETTING, saved)
