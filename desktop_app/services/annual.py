"""年度清单: making a year's list, setting each entry's targets and units, issuing it and carrying
last year's unfinished entries forward. Each function is one transaction, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.errors import ConflictError, NotFoundError, UserError, ValidationError
from ..domain.fields import STAGES
from ..domain.money import round_wan
from ..domain.parsing import clean_text
from ..domain.plans import closed_entry_message
from ..domain.task_status import DueError, parse_due
from ..domain.validation import unit_links_problems
from ..store import Store
from ..store import annual as astore
from ..store import projects as project_store
from ..store.plans import get_plan
from ..store.units import list_units
from .changes import Changes

TITLE = "{year}年成德同城化发展年度目标和重点任务清单"
DONE_STATE = "已完成"


def default_title(year: int) -> str:
    return TITLE.format(year=year)


def check_year(year: object) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise UserError(f"年度「{year}」不是数字，应写成 2026。") from None
    if not 2000 <= value <= 2100:
        raise UserError(f"年度「{year}」不在 2000—2100 之间。")
    return value


def require_list(store: Store, year: int) -> astore.AnnualList:
    found = astore.get_list(store, year)
    if found is None:
        raise NotFoundError(
            f"{year} 年还没有年度清单。请先新建清单（或从上年结转、从 Excel 导入）。"
        )
    return found


def due_date_of(name: str, due_text: str | None, year: int) -> str | None:
    """The last day of a 完成时限 as ISO text (None: 持续推进); a clear error naming the item."""
    try:
        due = parse_due(due_text, year)
    except DueError as exc:
        raise ValidationError({"due_text": f"「{name}」的{exc}"}) from None
    return due.day.isoformat() if due.day else None


def refuse_closed_entry(store: Store, kind: str, key: object, refused: str) -> None:
    """Refuse a write through the list that changes a task or project of a closed plan: its
    units, its year's targets, or putting it on a list. ``refused`` says what cannot be done."""
    found = astore.closed_plan_of_entry(store, kind, key)
    if found:
        what = "重点任务" if kind == "任务" else "项目"
        raise UserError(closed_entry_message(f"{what}「{found[0]}」", found[1], refused))


def target_refusal(year: int) -> str:
    return f"不能修改它在 {year} 年清单中的目标和单位"


def _plan_for_new_task(store: Store, found: astore.AnnualList, title: str) -> int:
    """The plan a task new on the list goes to: the list's plan, or (when that one is closed)
    the plan worked on; never a closed plan."""
    first = astore.first_plan_id(store)
    if found.plan_id is None and first is None:
        raise UserError("数据库中没有规划，不能新增任务。请先初始化数据库。")
    for plan_id in (found.plan_id, first):
        if plan_id is not None and not astore.plan_is_closed(store, plan_id):
            return plan_id
    closed = get_plan(store, found.plan_id or first).title
    raise UserError(
        f"不能新增任务「{title}」：{found.year} 年清单所属的规划《{closed}》已关闭，数据只读。"
        "请先在“规划”页导入下一规划（或重新打开该规划）。"
    )


# -- the list ----------------------------------------------------------------------------------


def create_list(store: Store, year: int, title: str | None = None) -> Changes:
    year = check_year(year)
    title = clean_text(title) or default_title(year)
    with astore.write(store) as tx:
        if astore.get_list(store, year) is not None:
            raise UserError(f"{year} 年的年度清单已经存在。")
        astore.insert_list(store, year, astore.first_plan_id(store), title)
        tx.audit("annual_list", year, "创建", None, title)
    return Changes(reports=True)


def set_title(store: Store, year: int, title: str) -> Changes:
    title = clean_text(title)
    if not title:
        raise ValidationError({"title": "清单标题不能为空"})
    with astore.write(store) as tx:
        old = require_list(store, year)
        if old.title != title:
            astore.update_list(store, year, {"title": title})
            tx.audit("annual_list", year, "title", old.title, title)
    return Changes(reports=True)


def issue_list(store: Store, year: int, doc_no: str, issued_at: date | str) -> Changes:
    """Record the list as issued (文号, date). An issued list may still be amended (audited)."""
    doc_no = clean_text(doc_no)
    if not doc_no:
        raise ValidationError({"doc_no": "请填写印发文号，例如 成德同城办〔2026〕1号"})
    day = issued_at if isinstance(issued_at, date) else _iso_day(issued_at)
    with astore.write(store) as tx:
        old = require_list(store, year)
        if not astore.list_items(store, year):
            raise UserError(f"{year} 年清单还没有任何任务或项目，不能印发。")
        astore.update_list(store, year, {"doc_no": doc_no, "issued_at": day.isoformat()})
        tx.audit("annual_list", year, "doc_no", old.doc_no, doc_no)
        tx.audit("annual_list", year, "issued_at", old.issued_at, day.isoformat())
    return Changes(reports=True)


def _iso_day(text: str) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValidationError(
            {"issued_at": f"印发日期「{text}」格式不对，应写成 2026-02-15"}
        ) from None


# -- entries -----------------------------------------------------------------------------------


def _audit_item(tx, item: dict, field: str, old: object, new: object) -> None:
    if old != new:
        tx.audit("annual_item", item["id"], field, old, new, project_id=item.get("project_id"))


def add_items(
    store: Store, year: int, entries: list[tuple[str, object]], *, heading: str | None = None
) -> list[int]:
    """Put tasks and projects (``("任务", task id)`` / ``("项目", project id)``) on the list, at its
    end, each under ``heading`` or else its chapter of the plan."""
    headings = {(c.kind, c.id): c for c in astore.candidates(store)}
    with astore.write(store) as tx:
        require_list(store, year)
        present = {i.key for i in astore.list_items(store, year)}
        ids = []
        for kind, key in entries:
            cand = headings.get((kind, key))
            if cand is None:
                other = astore.plan_of_entry(store, kind, key)
                if other is not None:
                    raise UserError(
                        f"{kind}「{other[0]}」属于规划「{other[1]}」，不是当前规划的{kind}，"
                        "不能加入本年清单。请先在“规划”页选择它所属的规划。"
                    )
                raise NotFoundError(f"找不到要加入清单的{kind}（{key}）。")
            if (("task", key) if kind == "任务" else ("project", key)) in present:
                raise UserError(f"「{cand.name}」已在 {year} 年清单中。")
            refuse_closed_entry(store, kind, key, f"不能加入 {year} 年清单")
            under = clean_text(heading) or cand.heading
            values = {
                "seq": astore.next_seq(store, year),
                "heading": under,
                "task_id" if kind == "任务" else "project_id": key,
                "due_text": "年底前",
                "due_date": f"{year}-12-31",
            }
            item_id = astore.insert_item(store, year, values)
            _place_under_heading(store, year, item_id, under)
            tx.audit(
                "annual_item",
                item_id,
                "加入清单",
                None,
                f"{year}年 {cand.code} {cand.name}",
                project_id=key if kind == "项目" else None,
            )
            present.add(("task", key) if kind == "任务" else ("project", key))
            ids.append(item_id)
    return ids


def _place_under_heading(store: Store, year: int, item_id: int, heading: str | None) -> None:
    """A new entry goes after the last entry of its heading (at the end when the heading is
    new), so that the list stays grouped."""
    items = astore.list_items(store, year)
    order = [i.id for i in items if i.id != item_id]
    same = [n for n, i in enumerate(items) if i.heading == heading and i.id != item_id]
    if not same:
        return
    order.insert(same[-1] + 1, item_id)
    astore.set_seqs(store, order)


def add_new_task(
    store: Store,
    year: int,
    title: str,
    *,
    heading: str | None = None,
    lead_unit_id: int | None = None,
    text: str | None = None,
) -> int:
    """A task the office adds itself (not one of the plan's), put on the list at its end."""
    title = clean_text(title)
    if not title:
        raise ValidationError({"title": "任务名称不能为空"})
    with astore.write(store) as tx:
        found = require_list(store, year)
        plan_id = _plan_for_new_task(store, found, title)
        code = astore.next_task_code(store, year)
        task_id = astore.insert_task(store, plan_id, code, title, clean_text(text))
        tx.audit("task", task_id, "创建", None, f"{code} {title}")
        if lead_unit_id is not None:
            astore.replace_task_units(store, task_id, [(lead_unit_id, "牵头")])
        (item_id,) = add_items(store, year, [("任务", task_id)], heading=heading or "其他重点任务")
    return item_id


def remove_items(store: Store, item_ids: list[int]) -> Changes:
    """Take entries off the list (the tasks and projects themselves and their reports stay)."""
    with astore.write(store) as tx:
        for item_id in item_ids:
            row = astore.item_row(store, item_id)
            if row is None:
                continue
            item = astore.get_item(store, item_id)
            astore.delete_item(store, item_id)
            tx.audit(
                "annual_item",
                item_id,
                "移出清单",
                f"{row['year']}年 {item.code} {item.name}",
                None,
                project_id=row["project_id"],
            )
            _renumber(store, row["year"])
    return Changes(reports=True)


def _renumber(store: Store, year: int) -> None:
    astore.set_seqs(store, [i.id for i in astore.list_items(store, year)])


def reorder(store: Store, year: int, order: list[int]) -> Changes:
    """Give the list's entries the order of ``order`` (every entry's id, once)."""
    with astore.write(store) as tx:
        items = astore.list_items(store, year)
        if sorted(order) != sorted(i.id for i in items):
            raise ConflictError("清单已被他人修改，请刷新后重试。")
        before = [i.id for i in items]
        if before != order:
            astore.set_seqs(store, order)
            tx.audit("annual_list", year, "order", before, order)
    return Changes(reports=True)


def move_item(store: Store, item_id: int, delta: int) -> Changes:
    """Move an entry up (-1) or down (+1), within the list's order."""
    row = astore.item_row(store, item_id)
    if row is None:
        raise NotFoundError("该条目已不在清单中，请刷新。")
    order = [i.id for i in astore.list_items(store, row["year"])]
    at = order.index(item_id)
    to = max(0, min(len(order) - 1, at + delta))
    order.insert(to, order.pop(at))
    return reorder(store, row["year"], order)


@dataclass(frozen=True)
class Targets:
    """What the office sets for one entry. ``units`` replaces the 牵头 and 责任 units (配合 units
    of the task or project are kept); None leaves them as they are."""

    expected: str | None = None
    due_text: str | None = None
    heading: str | None = None
    target_stage: str | None = None  # a project's
    planned_investment: float | None = None  # a project's, 万元
    units: list[tuple[int, str]] | None = None
    keep_supporting: bool = True  # False: ``units`` names the 配合 units too (all of them)


def merged_units(
    current: list[tuple[int, str]], wanted: list[tuple[int, str]]
) -> list[tuple[int, str]]:
    """The wanted 牵头/责任 units, with the current 配合 units not named among them."""
    named = {uid for uid, _ in wanted}
    return list(wanted) + [(u, r) for u, r in current if r == "配合" and u not in named]


def set_targets(
    store: Store, item_id: int, targets: Targets, *, expected_version: int | None = None
) -> Changes:
    """Set an entry's annual targets and units (one transaction; refused if changed meanwhile)."""
    with astore.write(store) as tx:
        item = astore.get_item(store, item_id)
        if item is None:
            raise NotFoundError("该条目已不在清单中，请刷新。")
        if expected_version is not None and item.version != expected_version:
            raise ConflictError("该条目已被他人修改，请刷新后重试。")
        changes = apply_targets(store, tx, item, targets)
    return changes


def apply_targets(store: Store, tx, item: astore.AnnualItem, t: Targets) -> Changes:
    """Write ``t`` over ``item`` inside the caller's transaction (also used by the import)."""
    row = astore.item_row(store, item.id)
    due_text = clean_text(t.due_text)
    if t.target_stage is not None and t.target_stage not in STAGES:
        raise ValidationError({"target_stage": f"目标阶段应为 {'/'.join(STAGES)}"})
    if item.kind == "任务" and (t.target_stage or t.planned_investment is not None):
        raise ValidationError(
            {"target_stage": f"「{item.name}」是任务，不填年度计划投资和目标阶段"}
        )
    if t.planned_investment is not None and t.planned_investment < 0:
        raise ValidationError({"planned_investment": "年度计划投资不能小于 0"})
    values = {
        "expected": clean_text(t.expected),
        "due_text": due_text,
        "due_date": due_date_of(item.name, due_text, item.year),
        "heading": clean_text(t.heading) if t.heading is not None else row["heading"],
        "target_stage": t.target_stage if item.kind == "项目" else None,
    }
    changed = {k: v for k, v in values.items() if row[k] != v}
    key = item.task_id if item.kind == "任务" else item.project_id
    refused = target_refusal(item.year)
    if set(changed) - {"heading"}:  # the heading places the entry on the list: the list's own
        refuse_closed_entry(store, item.kind, key, refused)
    if changed:
        astore.update_item(store, item.id, changed)
        for k, v in changed.items():
            _audit_item(tx, row, k, row[k], v)
    touched = Changes(reports=True)
    if item.kind == "项目":
        new = round_wan(t.planned_investment)
        if new != item.planned_investment:
            refuse_closed_entry(store, item.kind, key, refused)
            astore.set_planned_investment(store, item.project_id, item.year, new)
            tx.audit(
                "project",
                item.project_id,
                f"{item.year}年计划投资",
                item.planned_investment,
                new,
                project_id=item.project_id,
            )
            touched = Changes(projects=frozenset({item.project_id}), reports=True)
    if t.units is not None:
        if item.kind == "任务":
            current = astore.task_units(store, item.task_id)
            links = merged_units(current, t.units) if t.keep_supporting else list(t.units)
            problem = unit_links_problems(links)
            if problem:
                raise ValidationError(
                    {"units": f"「{item.name}」：{problem.replace('项目', '任务')}"}
                )
            if sorted(links) != sorted(current):
                refuse_closed_entry(store, item.kind, key, refused)
                astore.replace_task_units(store, item.task_id, links)
                tx.audit(
                    "task",
                    item.task_id,
                    "units",
                    _units_text(store, current),
                    _units_text(store, links),
                )
        else:
            current = astore.project_units(store, item.project_id)
            links = merged_units(current, t.units) if t.keep_supporting else list(t.units)
            problem = unit_links_problems(links)
            if problem:
                raise ValidationError({"units": f"「{item.name}」：{problem}"})
            if sorted(links) != sorted(current):
                refuse_closed_entry(store, item.kind, key, refused)
                project_store.set_units(store, item.project_id, links, audit=False)
                tx.audit(
                    "project",
                    item.project_id,
                    "units",
                    _units_text(store, current),
                    _units_text(store, links),
                    project_id=item.project_id,
                )
                astore.bump_project(store, item.project_id)
                touched = Changes(projects=frozenset({item.project_id}), reports=True)
    return touched


def _units_text(store: Store, links: list[tuple[int, str]]) -> str | None:
    names = {u.id: u.name for u in list_units(store)}
    order = {"牵头": 0, "责任": 1, "配合": 2}
    return (
        "；".join(
            f"{names.get(u, u)}（{r}）" for u, r in sorted(links, key=lambda x: (order[x[1]], x[0]))
        )
        or None
    )


# -- the year after ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CarryResult:
    carried: list[str]  # names of the entries copied
    skipped: list[str]  # unfinished but already on the new list
    due_reset: list[str]  # whose 时限 named the old year: set to 年底前


def unfinished(store: Store, year: int) -> list[astore.AnnualItem]:
    """Entries of ``year``'s list not finished: a task whose latest report is not 已完成 (or that
    never had one), a project not 竣工."""
    states = astore.latest_task_states(store)
    return [
        i
        for i in astore.list_items(store, year)
        if (i.kind == "任务" and states.get(i.task_id) != DONE_STATE)
        or (i.kind == "项目" and i.stage != "竣工")
    ]


def _refuse_closed_carry(store: Store, pending: list[astore.AnnualItem], to_year: int) -> None:
    """Refuse the whole carry, naming every entry whose task or project is of a closed plan."""
    closed = [
        (i, found)
        for i in pending
        if (found := astore.closed_plan_of_entry(store, i.kind, i.task_id or i.project_id))
    ]
    if not closed:
        return
    names = "、".join(f"{'重点任务' if i.kind == '任务' else '项目'}「{f[0]}」" for i, f in closed)
    plans = "、".join(dict.fromkeys(f"《{f[1]}》" for _, f in closed))
    raise UserError(
        f"未结转：{names}属于已关闭的规划{plans}，数据只读，不能结转到 {to_year} 年清单。"
        "未完成的任务和项目请随导入下一规划结转（“规划”页“导入下一规划…”），"
        "或先重新打开该规划；清单未作任何修改。"
    )


def carry_forward(store: Store, from_year: int, to_year: int) -> CarryResult:
    """Copy ``from_year``'s unfinished entries onto ``to_year``'s list (made when missing), each
    linked to the entry it continues, under the same heading with the same 预期成果. Their tasks,
    projects, units and reports are the same rows: the history goes with them."""
    from_year, to_year = check_year(from_year), check_year(to_year)
    if to_year <= from_year:
        raise UserError(f"只能从前一年结转到后一年（{from_year} → {to_year} 不行）。")
    carried, skipped, reset = [], [], []
    with astore.write(store) as tx:
        require_list(store, from_year)
        if astore.get_list(store, to_year) is None:
            astore.insert_list(store, to_year, astore.first_plan_id(store), default_title(to_year))
            tx.audit("annual_list", to_year, "创建", None, default_title(to_year))
        present = {i.key for i in astore.list_items(store, to_year)}
        pending = [old for old in unfinished(store, from_year) if old.key not in present]
        _refuse_closed_carry(store, pending, to_year)
        for old in unfinished(store, from_year):
            if old.key in present:
                skipped.append(old.name)
                continue
            due_text = old.due_text
            try:
                due = parse_due(due_text, to_year)
            except DueError:
                due = None
            if due is None or (due.day is not None and due.day.year < to_year):
                due_text = "年底前"
                reset.append(old.name)
            due = parse_due(due_text, to_year)
            values = {
                "seq": astore.next_seq(store, to_year),
                "heading": old.heading,
                "task_id": old.task_id,
                "project_id": old.project_id,
                "expected": old.expected,
                "due_text": due_text,
                "due_date": due.day.isoformat() if due.day else None,
                "target_stage": old.target_stage,
                "carried_from": old.id,
            }
            item_id = astore.insert_item(store, to_year, values)
            tx.audit(
                "annual_item",
                item_id,
                "结转",
                f"{from_year}年第 {old.seq} 项",
                f"{to_year}年 {old.code} {old.name}",
                project_id=old.project_id,
            )
            carried.append(old.name)
    return CarryResult(carried, skipped, reset)


# -- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    year: int
    counts: dict
    message: str


def apply_import(store: Store, preview) -> ImportResult:
    """Write a previewed list (``exchange.annual_list.read_list``) in one transaction: entries
    added, changed, reordered and taken off as the file has them. Refused whole, the database
    unchanged, when the file has any error or the list changed since the preview."""
    errors = preview.all_errors
    if errors:
        shown = "\n".join(e.message for e in errors[:10])
        more = f"\n……共 {len(errors)} 处错误。" if len(errors) > 10 else ""
        raise UserError(f"清单有 {len(errors)} 处错误，未导入，数据库未作任何修改：\n{shown}{more}")
    year = preview.year
    with astore.write(store, source="导入") as tx:
        lst = astore.get_list(store, year)
        items = astore.list_items(store, year) if lst else []
        if (lst is not None) != preview.list_exists or {
            i.id: i.version for i in items
        } != preview.versions:
            raise ConflictError(f"{year} 年清单在预览之后被修改过，请重新导入以查看最新的差异。")
        if lst is None:
            title = preview.title or default_title(year)
            astore.insert_list(store, year, astore.first_plan_id(store), title)
            tx.audit("annual_list", year, "创建", None, title)
            lst = astore.get_list(store, year)
        elif preview.title_change:
            astore.update_list(store, year, {"title": preview.title})
            tx.audit("annual_list", year, "title", lst.title, preview.title)
        removed = [iid for iid, _ in preview.removed]
        if removed:
            remove_items(store, removed)
        order = []
        for lr in preview.rows:
            item_id = lr.item_id
            if lr.new_task:
                code = astore.next_task_code(store, year)
                plan_id = _plan_for_new_task(store, lst, lr.name)
                task_id = astore.insert_task(store, plan_id, code, lr.name, None)
                tx.audit("task", task_id, "创建", None, f"{code} {lr.name}")
                lr.task_id = task_id
            if item_id is None:
                kind = "任务" if lr.task_id is not None else "项目"
                key = lr.task_id if kind == "任务" else lr.project_id
                (item_id,) = add_items(store, year, [(kind, key)], heading=lr.heading)
            item = astore.get_item(store, item_id)
            v = lr.values
            roles = v.get("roles", frozenset())
            named = {uid for uid, _ in v.get("units", [])}
            kept = [
                (uid, role) for uid, _, role in item.units if role not in roles and uid not in named
            ]
            apply_targets(
                store,
                tx,
                item,
                Targets(
                    expected=v.get("expected", item.expected),
                    due_text=v.get("due_text", item.due_text),
                    heading=lr.heading,
                    target_stage=v.get("stage", item.target_stage),
                    planned_investment=v.get("investment", item.planned_investment),
                    units=list(v.get("units", [])) + kept,
                    keep_supporting=False,
                ),
            )
            order.append(item_id)
        before = [i.id for i in astore.list_items(store, year)]
        if before != order:
            astore.set_seqs(store, order)
            if preview.reordered:
                tx.audit("annual_list", year, "order", before, order)
        counts = preview.counts()
        message = f"已导入「{preview.file_name}」：{preview.summary()}"
        store.log_event("import", message, str(preview.path))
    return ImportResult(year, counts, message)


# -- undo --------------------------------------------------------------------------------------


@dataclass
class ListUndo:
    """What one operation on a year's list changed: the state before and after it, over the
    tasks and projects it could touch."""

    year: int
    tasks: set[int]
    projects: set[str]
    before: dict
    after: dict
    new_tasks: set[int]


def run_undoable(
    store: Store,
    year: int,
    op,
    *,
    task_ids: set[int] | frozenset = frozenset(),
    project_ids: set[str] | frozenset = frozenset(),
    source: str = "手工",
) -> tuple[object, ListUndo]:
    """Run ``op()`` (a service call on ``year``'s list) in one transaction and keep what undoes
    it. ``task_ids`` and ``project_ids`` name the tasks and projects it may put on the list
    (the ones already on it are counted anyway); their units and targets are kept too."""
    with astore.write(store, source):
        items = astore.list_items(store, year)
        tasks = {i.task_id for i in items if i.task_id is not None} | set(task_ids)
        projects = {i.project_id for i in items if i.project_id is not None} | set(project_ids)
        last_task = astore.last_task_id(store)
        before = astore.list_state(store, year, tasks, projects)
        result = op()
        new_tasks = astore.task_ids_after(store, last_task)
        tasks |= new_tasks
        after = astore.list_state(store, year, tasks, projects)
    return result, ListUndo(year, tasks, projects, before, after, new_tasks)


def _refuse_closed_restore(store: Store, undo: ListUndo, now: dict, target: dict, doing: str):
    """An undo (redo) that would write a task or project of a plan closed since the step: its
    row, units or the year's 计划投资 — refused as the step itself would be now."""
    checks = [
        ("任务", undo.tasks, (("tasks", "id"), ("task_units", "task_id"))),
        ("项目", undo.projects, (("project_units", "project_id"), ("targets", "project_id"))),
    ]
    for kind, keys, parts in checks:
        for key in sorted(keys, key=str):
            found = astore.closed_plan_of_entry(store, kind, key)
            if found is None:
                continue
            for part, col in parts:
                if [r for r in now[part] if r[col] == key] != [
                    r for r in target[part] if r[col] == key
                ]:
                    what = "重点任务" if kind == "任务" else "项目"
                    raise UserError(
                        closed_entry_message(
                            f"{what}「{found[0]}」", found[1], f"不能{doing}对它的这一步修改"
                        )
                    )


def undo_list(store: Store, undo: ListUndo, *, redo: bool = False) -> Changes:
    """Undo (or redo) an operation on a year's list; refused when the list, its tasks or
    projects were changed since by someone else, or a task it added has been reported on."""
    expected, target = (undo.before, undo.after) if redo else (undo.after, undo.before)
    doing = "重做" if redo else "撤销"
    with astore.write(store) as tx:
        now = astore.list_state(store, undo.year, undo.tasks, undo.projects)
        if now != expected:
            raise ConflictError(
                f"{undo.year} 年清单在这一步之后已被他人（或另一窗口）修改，不能{doing}这一步，"
                "以免覆盖他人的修改。已重新载入最新内容。"
            )
        if not redo and undo.new_tasks and astore.reports_of(store, undo.new_tasks):
            raise ConflictError(f"这一步新增的任务已有进展报告，不能{doing}。")
        _refuse_closed_restore(store, undo, now, target, doing)
        astore.restore_list_state(store, undo.year, target, undo.tasks, undo.projects)
        tx.audit("annual_list", undo.year, doing, None, f"{doing}对 {undo.year} 年清单的修改")
    return Changes(projects=frozenset(undo.projects), reports=True)
