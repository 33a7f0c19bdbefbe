"""Names of the things users see: field labels, stages, roles and unit kinds, in one place."""

from __future__ import annotations

STAGES: tuple[str, ...] = ("储备", "前期", "在建", "竣工")
ROLES: tuple[str, ...] = ("牵头", "责任", "配合")
UNIT_KINDS: tuple[str, ...] = ("区县", "功能区", "市级部门", "其他")
DISTRICTS: tuple[str, ...] = ("旌阳区", "罗江区", "广汉市", "什邡市", "绵竹市", "中江县")
MILESTONE_NAMES: tuple[str, ...] = (
    "立项",
    "可研批复",
    "用地",
    "环评",
    "开工",
    "主体完工",
    "竣工验收",
    "投运",
)

MISSING = "待填报"
SIDES: tuple[str, ...] = ("成都", "德阳", "两地共建")

# The longest text a field may hold, in characters. Names and codes are short in practice (the
# longest project name of the plan has 32 characters); the limits leave room for any real one
# and keep a pasted page or a file's worth of text out of names, lists and printed sheets.
# The texts of a monthly report keep the 500 the template states; the long texts of a project
# get 5,000 (a few pages). Excel holds at most 32,767 characters in a cell: no limit comes near.
NAME_LIMIT = 200
SHORT_LIMIT = 100
CODE_LIMIT = 50
REPORT_TEXT_LIMIT = 500
LONG_TEXT_LIMIT = 5000
TEXT_LIMITS: dict[str, int] = {
    "code": CODE_LIMIT,
    "name": NAME_LIMIT,
    "category": SHORT_LIMIT,
    "short_name": SHORT_LIMIT,
    "contact_person": SHORT_LIMIT,
    "contact_phone": SHORT_LIMIT,
    "milestone": SHORT_LIMIT,
    "scope": LONG_TEXT_LIMIT,
    "source_text": LONG_TEXT_LIMIT,
    "notes": LONG_TEXT_LIMIT,
    "progress_text": REPORT_TEXT_LIMIT,
    "problems": REPORT_TEXT_LIMIT,
    "next_steps": REPORT_TEXT_LIMIT,
}

# Project fields a user edits, with their Chinese labels (used by the editor, exports, audit views).
PROJECT_FIELD_LABELS: dict[str, str] = {
    "code": "项目编码",
    "name": "项目名称",
    "section_id": "专栏",
    "category": "类别",
    "stage": "建设阶段",
    "district_id": "所在区县",
    "scope": "建设内容",
    "total_investment": "总投资（万元）",
    "planned_start": "计划开工",
    "planned_end": "计划完工",
    "actual_start": "实际开工",
    "actual_end": "实际完工",
    "percent_complete": "完成百分比",
    "investment_to_date": "累计完成投资（万元）",
    "notes": "备注",
    "side": "所属",
    "source_text": "规划原文",
    "deleted": "已删除",
    "units": "责任单位",
    "milestones": "关键节点",
    "annual_targets": "年度目标",
}

REPORT_FIELD_LABELS: dict[str, str] = {
    "percent_complete": "完成百分比",
    "investment_to_date": "累计完成投资（万元）",
    "investment_this_year": "本年完成投资（万元）",
    "progress_text": "形象进度",
    "problems": "存在问题",
    "next_steps": "下步计划",
}

UNIT_FIELD_LABELS: dict[str, str] = {
    "name": "单位名称",
    "short_name": "简称",
    "kind": "单位类别",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "active": "启用",
}


def label(field: str) -> str:
    """The Chinese label of a field name from any of the tables above (the name itself if unknown)."""
    return (
        PROJECT_FIELD_LABELS.get(field)
        or REPORT_FIELD_LABELS.get(field)
        or UNIT_FIELD_LABELS.get(field)
        or field
    )
