"""新增项目建议: accept a unit's proposal as a real project, or reject it with a reason.

A proposal is a row of a return naming a project the register does not have; its payload is the
row as typed, keyed by the template's column headers. Accepting maps it to project fields (the
office may correct them first), checks them by the editor's rules, creates the project through
the editor's path and marks the proposal 已采纳, all in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..domain.errors import UserError, ValidationError
from ..domain.fields import PROJECT_FIELD_LABELS
from ..domain.model import AnnualTarget
from ..domain.parsing import ParseError, clean_text, is_blank, normalize_text, parse_money
from ..domain.validation import project_problems, unit_links_problems
from ..exchange.columns import BY_KEY
from ..store import Store
from ..store import projects as project_store
from ..store import proposals as proposal_store
from ..store.proposals import ProjectProposal
from ..store.units import find_unit
from .changes import Changes
from .editing import parse_field

# Project fields a proposal fills, from the column of the same name when the return has one.
# (建设内容 and 总投资 are template columns since the template's second version; older returns
# carry them only if the unit added such columns.)
_MAPPED_FIELDS: tuple[str, ...] = (
    "name",
    "scope",
    "stage",
    "total_investment",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "percent_complete",
    "investment_to_date",
)
# What an office may set when accepting: the project's fields plus the year's 计划投资.
ACCEPT_FIELDS: tuple[str, ...] = (*project_store.EDITABLE_FIELDS, "annual_plan")
_TYPED_FIELDS = {
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "total_investment",
    "investment_to_date",
    "percent_complete",
}
_UNIT_SEPARATORS = re.compile(r"[、，,;；/\s]+")


def _header(key: str) -> str:
    return BY_KEY[key].header if key in BY_KEY else PROJECT_FIELD_LABELS[key]


def _payload_value(payload: dict, key: str) -> object:
    """The payload's value for a field, by its column header or the field's label."""
    for name in (_header(key), PROJECT_FIELD_LABELS.get(key)):
        if name and not is_blank(payload.get(name)):
            return payload[name]
    return None


@dataclass(frozen=True)
class ProposalDraft:
    """A proposal mapped to a new project, values as typed (the office corrects them before)."""

    proposal: ProjectProposal
    fields: dict[str, object]  # project field -> value as typed; a free code is generated
    annual_plan: object  # 年度计划投资 as typed, for ``year``
    year: int
    units: list[tuple[int, str]]
    notes: list[str]  # what could not be carried over (unit names not in the list)

    @property
    def values(self) -> dict[str, object]:
        """``fields`` with ``annual_plan``: what ``accept_proposal`` takes."""
        return {**self.fields, "annual_plan": self.annual_plan}


def draft_project(store: Store, proposal_id: int) -> ProposalDraft:
    """The project a proposal would become: fields from its payload, its units, a new code."""
    proposal = proposal_store.get_proposal(store, proposal_id)
    payload = proposal.payload
    fields: dict[str, object] = {"code": project_store.next_code(store), "name": proposal.name}
    for key in _MAPPED_FIELDS[1:]:
        value = _payload_value(payload, key)
        if value is not None:
            fields[key] = value
    if proposal.unit_kind == "区县":
        fields["district_id"] = proposal.unit_id  # a district proposes what lies in it
    units, notes = _draft_units(store, proposal)
    period = proposal.period or proposal.imported_at
    return ProposalDraft(
        proposal=proposal,
        fields=fields,
        annual_plan=_payload_value(payload, "annual_plan"),
        year=int(period[:4]),
        units=units,
        notes=notes,
    )


def _draft_units(store: Store, proposal: ProjectProposal) -> tuple[list[tuple[int, str]], list]:
    """牵头 as the payload names it; the proposing unit and the units listed as 责任."""
    notes = []
    lead = None
    lead_text = _payload_value(proposal.payload, "lead_unit")
    if lead_text is not None:
        unit = find_unit(store, normalize_text(lead_text))
        if unit is None:
            notes.append(f"牵头单位「{normalize_text(lead_text)}」不在单位名单中，未关联。")
        else:
            lead = unit.id
    responsible: list[int] = []
    if proposal.unit_id is not None and proposal.unit_id != lead:
        responsible.append(proposal.unit_id)
    listed = _payload_value(proposal.payload, "responsible_units")
    for name in _UNIT_SEPARATORS.split(normalize_text(listed)) if listed is not None else ():
        if not name:
            continue
        unit = find_unit(store, name)
        if unit is None:
            notes.append(f"责任单位「{name}」不在单位名单中，未关联。")
        elif unit.id != lead and unit.id not in responsible:
            responsible.append(unit.id)
    links = [(lead, "牵头")] if lead is not None else []
    return links + [(uid, "责任") for uid in responsible], notes


def _prepare(
    store: Store, draft: ProposalDraft, fields: dict | None, units: list[tuple[int, str]] | None
) -> tuple[dict, list[AnnualTarget], list[tuple[int, str]]]:
    """The project values, annual target and unit links to create; ``ValidationError`` if any
    is unacceptable (the editor's rules, plus: no live project of the same name)."""
    given = draft.values | dict(fields or {})
    unknown = set(given) - set(ACCEPT_FIELDS)
    if unknown:
        raise ValueError(f"unknown proposal fields: {sorted(unknown)}")
    problems: dict[str, str] = {}
    values: dict[str, object] = {}
    for key, raw in given.items():
        if key == "annual_plan":
            continue
        if key == "stage" and isinstance(raw, str):
            raw = normalize_text(raw)
        if key in _TYPED_FIELDS or isinstance(raw, str) or raw is None:
            try:
                values[key] = parse_field(key, raw)
            except ValidationError as exc:
                problems.update(exc.problems)
        else:
            values[key] = raw
    values.setdefault("stage", "储备")
    values["code"] = values.get("code")
    values["name"] = values.get("name")
    for key, reason in project_problems(values).items():
        problems.setdefault(key, reason)
    code = values["code"]
    if code and project_store.code_taken(store, code):
        problems["code"] = f"项目编码「{code}」已被其他项目使用"
    name = values["name"]
    same = proposal_store.project_named(store, name) if name else None
    if same:
        problems["name"] = (
            f"项目库中已有同名项目「{same}」。如是同一项目，请驳回此建议；否则请修改项目名称"
        )
    targets = []
    try:
        plan = parse_money(given.get("annual_plan"))
    except ParseError as exc:
        problems["annual_plan"] = f"{draft.year}年计划投资：{exc.reason}"
    else:
        if plan is not None:
            targets.append(AnnualTarget(draft.year, plan))
    links = draft.units if units is None else list(units)
    problem = unit_links_problems(links)
    if problem:
        problems["units"] = problem
    if problems:
        raise ValidationError(problems, subject=f"新增项目建议「{draft.proposal.name}」")
    return values, targets, links


def acceptance_problems(
    store: Store,
    draft: ProposalDraft,
    fields: dict | None = None,
    units: list[tuple[int, str]] | None = None,
) -> dict[str, str]:
    """What would stop ``accept_proposal`` with these values, as ``field -> reason``."""
    try:
        _prepare(store, draft, fields, units)
    except ValidationError as exc:
        return exc.problems
    return {}


def _require_pending(proposal: ProjectProposal, action: str) -> None:
    if proposal.status == "待审核":
        return
    when = (proposal.handled_at or "").replace("T", " ")[:16]
    by = f"由 {proposal.handled_by} " if proposal.handled_by else ""
    if proposal.status == "已采纳":
        made = f"（项目编码 {proposal.project_code}）" if proposal.project_code else ""
        raise UserError(
            f"新增项目建议「{proposal.name}」已于 {when} {by}采纳{made}，不能再{action}。"
        )
    why = f"（理由：{proposal.reason}）" if proposal.reason else ""
    raise UserError(
        f"新增项目建议「{proposal.name}」已于 {when} {by}驳回{why}，不能再{action}。"
        "如需重新审核，请在「已驳回」中将其恢复为待审核。"
    )


def _origin(proposal: ProjectProposal) -> str:
    where = "，".join(x for x in (proposal.file_name, proposal.period) if x)
    return f"{proposal.unit or '未知单位'}报送的新增项目建议（{where}）"


def accept_proposal(
    store: Store,
    proposal_id: int,
    fields: dict | None = None,
    *,
    units: list[tuple[int, str]] | None = None,
) -> tuple[str, Changes]:
    """Create the project a pending proposal names and mark it 已采纳; returns the project id.

    ``fields`` (project field -> value as typed, and ``annual_plan``) and ``units`` replace
    what ``draft_project`` made of the payload; what is not given is taken from it.
    """
    with store.write():
        draft = draft_project(store, proposal_id)
        _require_pending(draft.proposal, "采纳")
        values, targets, links = _prepare(store, draft, fields, units)
        project_id = project_store.create_project(
            store, values, units=links, annual_targets=targets
        )
        proposal_store.set_status(
            store, proposal_id, "已采纳", project_id=project_id, origin=_origin(draft.proposal)
        )
    return project_id, Changes(projects=frozenset({project_id}))


def reject_proposal(store: Store, proposal_id: int, reason: str) -> Changes:
    """Mark a pending proposal 已驳回; the reason is kept in the audit log."""
    text = clean_text(reason)
    with store.write():
        proposal = proposal_store.get_proposal(store, proposal_id)
        _require_pending(proposal, "驳回")
        if not text:
            raise ValidationError(
                {"reason": "请填写驳回理由"}, subject=f"新增项目建议「{proposal.name}」"
            )
        proposal_store.set_status(store, proposal_id, "已驳回", reason=text)
    return Changes()


def reopen_proposal(store: Store, proposal_id: int) -> Changes:
    """Put a handled proposal back to 待审核 (the undo of accepting or rejecting it).

    An accepted proposal's project is deleted again (kept with its history, as any deletion).
    """
    with store.write():
        proposal = proposal_store.get_proposal(store, proposal_id)
        if proposal.status == "待审核":
            return Changes()
        if proposal.status == "已采纳" and proposal.project_id:
            project_store.set_deleted(store, proposal.project_id, True)
        proposal_store.set_status(store, proposal_id, "待审核")
    if proposal.project_id:
        return Changes(projects=frozenset({proposal.project_id}))
    return Changes()


def reaccept_proposal(store: Store, proposal_id: int, project_id: str) -> Changes:
    """Accept a proposal again as the project it was accepted as before (the redo of accepting)."""
    with store.write():
        proposal = proposal_store.get_proposal(store, proposal_id)
        _require_pending(proposal, "采纳")
        project_store.set_deleted(store, project_id, False)
        proposal_store.set_status(
            store, proposal_id, "已采纳", project_id=project_id, origin=_origin(proposal)
        )
    return Changes(projects=frozenset({project_id}))


def pending_count(store: Store) -> int:
    return proposal_store.count_proposals(store, "待审核")
