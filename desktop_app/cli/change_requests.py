"""变更申请 commands: list the planning changes units asked for in their returns, accept or
return them."""

from __future__ import annotations

import argparse

from ..exchange.columns import BY_KEY
from ..store.change_requests import ChangeRequest, list_change_requests
from .core import open_store, print_json

STATUSES = ("待审核", "已采纳", "已退回", "全部")


def _shown(value: object) -> str:
    from ..domain.money import plain_number

    if value is None or value == "":
        return "（空）"
    if isinstance(value, float):
        return plain_number(value)
    return str(value)


def _label(r: ChangeRequest) -> str:
    label = BY_KEY[r.field].header
    return f"{r.year}年{label}" if r.field == "annual_plan" and r.year else label


def _json(r: ChangeRequest) -> dict:
    return {
        "id": r.id,
        "project_code": r.code,
        "project_name": r.name,
        "field": r.field,
        "label": _label(r),
        "old": r.old,
        "new": r.new,
        "status": r.status,
        "decided": r.decided,
        "reason": r.reason,
        "unit": r.unit,
        "period": r.period,
        "file_name": r.file_name,
        "cell": r.cell,
        "imported_at": r.imported_at,
        "decided_at": r.decided_at,
        "decided_by": r.decided_by,
    }


def cmd_change_requests(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        rows = list_change_requests(store, None if args.status == "全部" else args.status)
    if args.json:
        print_json([_json(r) for r in rows])
        return 0
    for r in rows:
        extra = ""
        if r.status == "已采纳":
            extra = f"  → 采纳为 {_shown(r.decided)}"
        elif r.status == "已退回":
            extra = f"  理由：{r.reason}"
        print(
            f"{r.id:>5}  {r.status}  {r.code} {r.name}  {_label(r)}：{_shown(r.old)} → "
            f"{_shown(r.new)}  （{r.unit or '未知单位'}，{r.file_name} {r.cell or ''}）{extra}"
        )
    which = "" if args.status == "全部" else f"{args.status}的"
    print(f"共 {len(rows)} 条{which}变更申请。")
    return 0


def cmd_change_accept(args: argparse.Namespace) -> int:
    from ..services.change_requests import accept_change_request
    from ..store.change_requests import get_change_request

    with open_store(args) as store:
        accept_change_request(store, args.id, args.value)
        r = get_change_request(store, args.id)
    if args.json:
        print_json(_json(r))
    else:
        print(f"已采纳变更申请 {r.id}：{r.code} {_label(r)} 改为 {_shown(r.decided)}。")
    return 0


def cmd_change_reject(args: argparse.Namespace) -> int:
    from ..services.change_requests import reject_change_request

    with open_store(args) as store:
        reject_change_request(store, args.id, args.reason)
    print(f"已退回变更申请 {args.id}，项目库中的计划不变。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("change-requests", help="列出单位报送的计划信息变更申请")
    p.add_argument(
        "--status", choices=STATUSES, default="待审核", help="按状态列出（默认：待审核）"
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_change_requests)

    p = sub.add_parser("change-accept", help="采纳一条变更申请，修改项目的计划信息")
    p.add_argument("id", type=int, metavar="ID", help="变更申请编号（见 change-requests）")
    p.add_argument("--value", metavar="值", help="按办公室更正的值采纳（不写则采纳单位申请的值）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_change_accept)

    p = sub.add_parser("change-reject", help="退回一条变更申请（计划不变，记录理由）")
    p.add_argument("id", type=int, metavar="ID", help="变更申请编号（见 change-requests）")
    p.add_argument("--reason", required=True, metavar="理由", help="退回的理由")
    p.set_defaults(func=cmd_change_reject)
