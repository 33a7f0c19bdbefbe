"""The fill-in template's columns in one place: headers, kinds, widths, and which ones units edit.

The template writer, the return reader, the error report and the register import all read
these definitions, so a header renamed here is renamed everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.fields import CODE_LIMIT, LONG_TEXT_LIMIT, NAME_LIMIT, REPORT_TEXT_LIMIT, STAGES


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the field name in the store
    header: str  # the Chinese header in the workbook
    kind: str  # text / date / percent / money / stage
    editable: bool
    width: float
    synonyms: tuple[str, ...] = ()
    max_length: int | None = None
    wrap: bool = True  # text wraps in its cell (long reference text stays on one line)


DATA_SHEET = "项目进展"
GUIDE_SHEET = "填报说明"
LISTS_SHEET = "_lists"
META_SHEET = "_meta"
STAGE_LIST_NAME = "建设阶段列表"
TITLE_ROWS = 2  # a title row and a note row above the header
HEADER_ROW = TITLE_ROWS + 1
FIRST_DATA_ROW = HEADER_ROW + 1
TEMPLATE_FORMAT = 2  # 2: 建设内容 and 总投资 columns, document properties
# The protection password is a published convenience, not security: the metadata's own checks
# (project ids, versions) are what keep a return honest.
SHEET_PASSWORD = "cdtch"
TEXT_LIMIT = REPORT_TEXT_LIMIT

TEMPLATE_COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        "项目编码",
        "text",
        False,
        14,
        ("编码", "项目代码", "项目编号", "编号"),
        CODE_LIMIT,
    ),
    Column("name", "项目名称", "text", False, 36, ("名称", "项目"), NAME_LIMIT),
    # 建设内容 and 总投资: shown for reference on listed projects, typed for proposed ones.
    Column(
        "scope",
        "建设内容",
        "text",
        False,
        30,
        ("主要建设内容", "建设规模及内容", "建设规模和内容", "建设规模及主要内容"),
        LONG_TEXT_LIMIT,
        wrap=False,
    ),
    Column("lead_unit", "牵头单位", "text", False, 16, ("牵头部门",), NAME_LIMIT),
    Column("responsible_units", "责任单位", "text", False, 20, ("责任部门",), REPORT_TEXT_LIMIT),
    Column("planned_start", "计划开工", "date", False, 12, ("计划开工时间", "计划开工日期")),
    Column("planned_end", "计划完工", "date", False, 12, ("计划完工时间", "计划竣工时间")),
    Column("total_investment", "总投资（万元）", "money", False, 14, ("总投资", "项目总投资")),
    Column("annual_plan", "年度计划投资（万元）", "money", False, 14, ("年度计划投资",)),
    Column("stage", "建设阶段", "stage", True, 10, ("阶段", "项目阶段")),
    Column("actual_start", "实际开工", "date", True, 12, ("实际开工时间", "实际开工日期")),
    Column("actual_end", "实际完工", "date", True, 12, ("实际完工时间", "实际竣工时间")),
    Column(
        "percent_complete",
        "完成百分比",
        "percent",
        True,
        11,
        ("形象进度（%）", "形象进度%", "完成百分比（%）", "完成比例", "进度百分比"),
    ),
    Column(
        "investment_to_date",
        "累计完成投资（万元）",
        "money",
        True,
        14,
        ("累计完成投资", "累计投资"),
    ),
    Column(
        "investment_this_year",
        "本年完成投资（万元）",
        "money",
        True,
        14,
        ("本年完成投资", "年度完成投资", "今年完成投资"),
    ),
    Column("progress_text", "形象进度", "text", True, 36, ("进展情况", "工作进展"), TEXT_LIMIT),
    Column("problems", "存在问题", "text", True, 28, ("问题", "困难问题"), TEXT_LIMIT),
    Column("next_steps", "下步计划", "text", True, 28, ("下一步计划", "下步工作"), TEXT_LIMIT),
)

EDITABLE_KEYS: tuple[str, ...] = tuple(c.key for c in TEMPLATE_COLUMNS if c.editable)
# Editable fields stored on the project itself (the rest go to the period's progress report).
PROJECT_KEYS: tuple[str, ...] = ("stage", "actual_start", "actual_end")
REPORT_KEYS: tuple[str, ...] = (
    "percent_complete",
    "investment_to_date",
    "investment_this_year",
    "progress_text",
    "problems",
    "next_steps",
)
STAGE_CHOICES = STAGES
BY_KEY = {c.key: c for c in TEMPLATE_COLUMNS}


# Each header and synonym -> the position of the first column it names.
_HEADER_INDEX: dict[str, int] = {}
for _i, _column in enumerate(TEMPLATE_COLUMNS):
    for _name in (_column.header, *_column.synonyms):
        _HEADER_INDEX.setdefault(_name, _i)


def header_key(text: object) -> str | None:
    """The column key a header cell names (exact header or a synonym), ignoring spaces and a
    trailing required-field star; the first column in template order wins."""
    if text is None:
        return None
    clean = "".join(str(text).split()).replace("(", "（").replace(")", "）")
    found = _HEADER_INDEX.get(clean)
    starless = _HEADER_INDEX.get(clean.rstrip("*＊"))
    if starless is not None and (found is None or starless < found):
        found = starless
    return None if found is None else TEMPLATE_COLUMNS[found].key


def column_letter(index: int) -> str:
    """Excel column letters for a 0-based index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
