"""新增项目建议 commands: list the proposals units sent in their returns, accept or reject them."""

from __future__ import annotations

import argparse

from ..domain.errors import UserError
from ..domain.fields import PROJECT_FIELD_LABELS
from ..exchange.columns import BY_KEY
from ..store.projects import get_project
from ..store.proposals import ProjectProposal, list_proposals
from .core import open_store, print_json

STATUSES = ("待审核", "已采纳", "已驳回", "全部")


def _settable() -> tuple[str, ...]:
    """What ``proposal-accept --set`` may change, by field name or its Chinese label: what the
    acceptance takes, less the references to rows (专栏, 所在区县) and the plan's own text."""
    from ..services.proposals import ACCEPT_FIELDS

    return tuple(f for f in ACCEPT_FIELDS if f not in ("section_id", "district_id", "source_text"))


def _label(key: str) -> str:
    return BY_KEY["annual_plan"].header if key == "annual_plan" else PROJECT_FIELD_LABELS[key]


def _proposal_json(p: ProjectProposal) -> dict:
    return {
        "id": p.id,
        "name": p.name,
        "status": p.status,
        "unit": p.unit,
        "file_name": p.file_name,
        "period": p.period,
        "imported_at": p.imported_at,
        "handled_at": p.handled_at,
        "handled_by": p.handled_by,
        "reason": p.reason,
        "project_code": p.project_code,
        "payload": p.payload,
    }


def cmd_proposals(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        rows = list_proposals(store, None if args.status == "全部" else args.status)
    if args.json:
        print_json([_proposal_json(p) for p in rows])
        return 0
    for p in rows:
        extra = ""
        if p.status == "已采纳" and p.project_code:
            extra = f"  → {p.project_code}"
        elif p.status == "已驳回" and p.reason:
            extra = f"  理由：{p.reason}"
        print(
            f"{p.id:>5}  {p.status}  {p.unit or '未知单位'}  {p.name}"
            f"  （{p.file_name}，{p.period or p.imported_at[:10]}）{extra}"
        )
    which = "" if args.status == "全部" else f"{args.status}的"
    print(f"共 {len(rows)} 条{which}新增项目建议。")
    return 0


def _settings(pairs: list[str]) -> dict[str, str]:
    settable = _settable()
    by_name = {k: k for k in settable} | {_label(k): k for k in settable}
    # 总投资 for 总投资（万元）: the unit is always 万元.
    by_name |= {_label(k).split("（")[0]: k for k in settable}
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        key = by_name.get(name.strip())
        if not sep or key is None:
            raise UserError(
                f"无法理解 --set {pair}：请写成 字段=值，字段可以是 "
                f"{'、'.join(_label(k) for k in settable)}。"
            )
        out[key] = value.strip()
    return out


def cmd_proposal_accept(args: argparse.Namespace) -> int:
    from ..services.proposals import accept_proposal

    fields = _settings(args.set or [])
    with open_store(args) as store:
        project_id = accept_proposal(store, args.id, fields or None)[0]
        code = get_project(store, project_id).code
    if args.json:
        print_json({"status": "accepted", "proposal": args.id, "project": code, "id": project_id})
    else:
        print(f"已采纳新增项目建议 {args.id}，建立项目 {code}。")
    return 0


def cmd_proposal_reject(args: argparse.Namespace) -> int:
    from ..services.proposals import reject_proposal

    with open_store(args) as store:
        reject_proposal(store, args.id, args.reason)
    print(f"已驳回新增项目建议 {args.id}。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("proposals", help="列出单位报送的新增项目建议")
    p.add_argument(
        "--status", choices=STATUSES, default="待审核", help="按状态列出（默认：待审核）"
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_proposals)

    p = sub.add_parser("proposal-accept", help="采纳一条新增项目建议，建立项目")
    p.add_argument("id", type=int, metavar="ID", help="建议编号（见 proposals）")
    p.add_argument(
        "--set",
        action="append",
        metavar="字段=值",
        help="采纳前更正或补充，如 --set 总投资（万元）=5000 --set 项目编码=XM-0200；可多次使用",
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_proposal_accept)

    p = sub.add_parser("proposal-reject", help="驳回一条新增项目建议")
    p.add_argument("id", type=int, metavar="ID", help="建议编号（见 proposals）")
    p.add_argument("--reason", required=True, help="驳回理由（会记入变更记录）")
    p.set_defaults(func=cmd_proposal_reject)
