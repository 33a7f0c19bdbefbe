"""The first load of the office's existing 台账: any sheet, columns found by their headers.

The header row is searched in the first rows (title rows and two-row merged headers are common);
columns are mapped by header synonyms, and the user may correct the mapping (saved as a
setting for the next file). Rows are matched to projects by code, else by normalised name; new
projects are created and existing ones updated, after the same kind of preview as a return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..domain.errors import UserError
from ..domain.fields import MISSING, STAGES
from ..domain.parsing import (
    ParseError,
    clean_text,
    is_blank,
    normalize_text,
    parse_choice,
    parse_date,
    parse_money,
    parse_percent,
)
from ..domain.unit_names import UnitNames
from ..domain.validation import length_problem, project_problems
from ..services.progress import Progress, no_progress
from ..store import Store
from ..store.projects import list_projects
from ..store.units import list_units, merged_into
from .columns import column_letter
from .return_import import (
    NOTE_WORDS,
    CellError,
    file_sha256,
    find_header,
    open_values,
    percent_styled,
    sheet_rows,
)
from .workbook_safety import ExcelError, check_workbook

MAPPING_SETTING = "register_import_mapping"


@dataclass(frozen=True, slots=True)
class RegisterField:
    key: str
    label: str
    kind: str  # text / money / date / percent / stage / unit / units / progress
    synonyms: tuple[str, ...]


REGISTER_FIELDS: tuple[RegisterField, ...] = (
    RegisterField("code", "项目编码", "text", ("项目编码", "编码", "项目代码", "项目编号", "编号")),
    RegisterField("name", "项目名称", "text", ("项目名称", "名称", "项目")),
    RegisterField("category", "类别", "text", ("类别", "项目类别", "行业", "项目类型")),
    # (Not 建设性质: 新建/续建/改扩建 says what is built, not how far it has got.)
    RegisterField("stage", "建设阶段", "stage", ("建设阶段", "阶段", "项目阶段")),
    RegisterField(
        "district", "所在区县", "unit", ("所在区县", "区县", "所在地", "建设地点", "属地")
    ),
    RegisterField(
        "lead_unit",
        "牵头单位",
        "unit",
        ("牵头单位", "牵头部门", "责任主体", "主责单位", "主责部门"),
    ),
    RegisterField("responsible", "责任单位", "units", ("责任单位", "责任部门")),
    RegisterField("supporting", "配合单位", "units", ("配合单位", "配合部门")),
    RegisterField(
        "total_investment", "总投资", "money", ("总投资", "计划总投资", "估算总投资", "投资额")
    ),
    # A bare 开工/完工 is the planned one: the sub-header under "计划工期" (or "建设年限").
    RegisterField(
        "planned_start",
        "计划开工",
        "date",
        ("计划开工时间", "计划开工", "开工时间", "开工年月", "开工", "开工日期"),
    ),
    RegisterField(
        "planned_end",
        "计划完工",
        "date",
        (
            "计划完工时间",
            "计划完工",
            "计划竣工时间",
            "完工时间",
            "竣工时间",
            "完工年月",
            "竣工年月",
            "完工",
            "竣工",
            "完工日期",
        ),
    ),
    RegisterField("actual_start", "实际开工", "date", ("实际开工时间", "实际开工")),
    RegisterField("actual_end", "实际完工", "date", ("实际完工时间", "实际完工", "实际竣工时间")),
    RegisterField(
        "percent_complete", "完成百分比", "percent", ("完成百分比", "形象进度（%）", "完成比例")
    ),
    RegisterField("investment_to_date", "累计完成投资", "money", ("累计完成投资", "累计投资")),
    # A 形象进度 column of a 台账 mixes percentages (75%) and stage words (竣工, 已开工): each is
    # read as what it says; descriptions (主体完工) are listed in a note, not imported.
    RegisterField(
        "progress", "形象进度（百分比或阶段）", "progress", ("形象进度", "工程进度", "项目进度")
    ),
    RegisterField(
        "scope",
        "建设内容",
        "text",
        ("建设内容", "建设规模及内容", "建设内容及规模", "主要建设内容"),
    ),
    RegisterField("notes", "备注", "text", ("备注",)),
)
FIELDS_BY_KEY = {f.key: f for f in REGISTER_FIELDS}
# Row values that are no column of their own: the districts after the first in 所在区县.
EXTRA_LABELS = {"other_districts": "其他所在区县（作为配合单位）"}
_TOTAL_ROWS = {"合计", "小计", "总计", "共计"}
_UNIT_IN_HEADER = re.compile(r"[（(](亿元|万元|元)[）)]")
_UNIT_ALONE = re.compile(r"[（(]?(?:单位[:：])?(亿元|万元|元)[）)]?")


def _squeeze(value: object) -> str:
    return "".join(normalize_text(value).split()) if not is_blank(value) else ""


def header_unit(text: object) -> str:
    """The money unit a header names: 总投资（亿元） → 亿元; 万元 when none."""
    match = _UNIT_IN_HEADER.search(str(text or ""))
    return match.group(1) if match else "万元"


def register_key(text: object) -> str | None:
    """The register field a header names (synonyms, units in brackets ignored)."""
    if is_blank(text):
        return None
    clean = _UNIT_IN_HEADER.sub("", "".join(normalize_text(text).split()))
    clean = clean.replace("(", "（").replace(")", "）").rstrip("*＊")
    for f in REGISTER_FIELDS:
        if clean in f.synonyms:
            return f.key
    # A group title read with its sub-header: 计划工期/建设年限 + 开工 → 计划开工, 实际工期 + 竣工 → 实际完工.
    if clean.endswith(("开工", "开工时间", "开工年月", "开工日期")):
        return "actual_start" if "实际" in clean else "planned_start"
    if clean.endswith(("完工", "竣工", "完工时间", "竣工时间", "完工年月", "竣工年月", "完工日期")):
        return "actual_end" if "实际" in clean else "planned_end"
    return None


def name_key(name: str) -> str:
    """A project name normalised for matching: no spaces or punctuation, half-width."""
    return re.sub(r"[\s\W_]+", "", normalize_text(name))


_BRACKETED = re.compile(r"[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]")
_SECTION = re.compile(r"(?:[\u4e00-\u9fff]{2}[市区县]?|[东南西北中一二三四五六七八九十]+)段$")
_SUFFIXES = ("工程", "项目", "建设", "线")


def similar_key(name: str) -> str:
    """A project name reduced to what two writings of one project share: half-width, without
    what is in brackets, spaces and punctuation, a section (德阳段, 北段) and the suffixes 工程,
    项目, 建设 and 线. 「天府大道北延线（德阳段）」 and 「天府大道北延线」 give the same key."""
    text = _BRACKETED.sub("", normalize_text(name))
    text = re.sub(r"[\s\W_]+", "", text)
    text = _SECTION.sub("", text) or text
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                changed = True
    return text


@dataclass(slots=True)
class RegisterRow:
    row: int
    project_id: str | None  # None: a new project
    code: str | None
    name: str
    values: dict = field(default_factory=dict)  # field -> parsed value
    changes: dict = field(default_factory=dict)  # field -> (old, new), existing projects only
    errors: list[CellError] = field(default_factory=list)
    # Existing projects whose names are close to this new row's (code, name): the user chooses.
    similar: list[tuple[str, str]] = field(default_factory=list)
    chosen: str | None = None  # "new", or the code of the project chosen to merge into
    merged_into: str = ""  # "code name" of the project the user chose to merge the row into


@dataclass(slots=True)
class RegisterPreview:
    path: Path
    file_name: str
    sha256: str
    sheet: str
    mapping: dict[int, str]  # column index -> field key
    headers: dict[int, str]  # column index -> header text as written
    rows: list[RegisterRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was read differently than it may seem
    unmapped: list[str] = field(default_factory=list)  # headers of the columns not imported

    @property
    def all_errors(self) -> list[CellError]:
        return self.errors + [e for r in self.rows for e in r.errors]

    def counts(self) -> dict[str, int]:
        ok = [r for r in self.rows if not r.errors]
        return {
            "created": sum(1 for r in ok if r.project_id is None),
            "updated": sum(1 for r in ok if r.project_id and r.changes),
            "unchanged": sum(1 for r in ok if r.project_id and not r.changes),
            "refused": sum(1 for r in self.rows if r.errors),
        }


def read_register(
    store: Store,
    path: Path,
    *,
    mapping: dict[str, str | None] | None = None,
    choices: dict[int, str | None] | None = None,
    progress: Progress = no_progress,
) -> RegisterPreview:
    """Parse a 台账 and diff it against the register (read only).

    ``mapping`` corrects the automatic one: ``header text -> field key`` (``None`` ignores the
    column); the saved mapping (setting ``register_import_mapping``) applies when not given.
    ``choices`` answers the rows whose names are close to an existing project's: ``sheet row ->
    code`` merges the row into that project, ``sheet row -> None`` makes it a new project.
    Without an answer such a row is refused with the candidates named.
    """
    path = Path(path)
    check_workbook(path)
    progress(0, 3, "读取文件")
    # The saved mapping, with this import's corrections on top (not instead of it).
    saved = {**(store.get_setting(MAPPING_SETTING, {}) or {}), **(mapping or {})}
    book = open_values(path)
    try:
        chosen = None
        others = []
        for sheet in book.sheet_names:
            if sheet.startswith("_"):
                continue
            others.append(sheet)
            rows = sheet_rows(book, sheet, path.name)
            header, cols = find_header(rows, _key_with(saved))
            rank = ("name" in cols, len(cols))
            if chosen is None or rank > chosen[0]:
                chosen = (rank, sheet, rows, header, cols)
    finally:
        book.close()
    if chosen is None or not chosen[4]:
        raise UserError(
            f"「{path.name}」中找不到表头：前 15 行里没有「项目名称」「总投资」「牵头单位」等列标题。"
            "请确认这是项目台账，表头写在前 15 行内。"
        )
    _, sheet, rows, header, cols = chosen
    start = header + 1
    # A second header row (two-row merged headers) is skipped when it names any field or a
    # money unit ("总投资" over "亿元") and holds no numbers.
    if (
        start < len(rows)
        and any(register_key(v) or _UNIT_ALONE.fullmatch(_squeeze(v)) for v in rows[start])
        and not any(isinstance(v, (int, float, date)) for v in rows[start])
    ):
        start += 1
    # Every titled column is listed (mapped or not), so that the user can map the others.
    headers = {}
    top_row = rows[header]
    below_row = rows[header + 1] if start > header + 1 else []
    # A title row over the header (one cell, merged across) names no column.
    title_only = sum(1 for v in top_row if not is_blank(v)) == 1 and bool(below_row)
    for c in range(max(len(top_row), len(below_row))):
        top = top_row[c] if c < len(top_row) else ""
        below = below_row[c] if c < len(below_row) else ""
        use_below = not is_blank(below) and (
            (c in cols.values() and not _key_with(saved)(top)) or title_only
        )
        text = clean_text(below if use_below or is_blank(top) else top)
        if use_below and not is_blank(top) and not title_only:
            # Under a group title the pair names the column ("计划工期开工", "实际工期开工"): two
            # columns never share a name on the 列对应 page, and a correction made there finds
            # its own column again.
            text = f"{normalize_text(top)}{normalize_text(below)}"
        unit = _UNIT_ALONE.fullmatch(_squeeze(below)) if not is_blank(below) else None
        if text and unit and not _UNIT_IN_HEADER.search(str(text)):
            text = f"{text}（{unit.group(1)}）"  # the unit written under the header
        if text:
            headers[c] = str(text)
    preview = RegisterPreview(
        path, path.name, file_sha256(path), sheet, {c: k for k, c in cols.items()}, headers
    )
    others = [s for s in others if s != sheet]
    if others:
        preview.notes.append(
            f"只导入工作表「{sheet}」；{'、'.join(f'「{s}」' for s in others)}未导入"
            "（一次导入一张表：其他表请另存为单独的文件后再导入）。"
        )
    _drop_serial_codes(preview, rows[start:])
    unknown = [h for h in (mapping or {}) if h not in {clean_text(t) for t in headers.values()}]
    if unknown:
        preview.notes.append(
            f"指定的列对应中，表头{'、'.join(f'「{h}」' for h in unknown)}在工作表「{sheet}」中没有找到，未使用。"
        )
    if "name" not in cols:
        preview.errors.append(
            CellError(
                sheet,
                "",
                "项目名称",
                "",
                f"「{path.name}」的工作表「{sheet}」中找不到「项目名称」列。"
                "请在「列对应」中把项目名称所在的列指定为「项目名称」。",
            )
        )
        return preview
    _note_unmapped(preview)
    progress(1, 3, "校验数据")
    _parse(store, preview, rows[start:], start, _percent_cells(preview, rows, start), choices or {})
    progress(3, 3, "完成")
    return preview


def _note_unmapped(preview: RegisterPreview) -> None:
    """Every titled column not mapped to a field is named: nothing is dropped without a word."""
    preview.unmapped = [h for c, h in sorted(preview.headers.items()) if c not in preview.mapping]
    if preview.unmapped:
        shown = "、".join(
            f"「{h}」（{column_letter(c)} 列）"
            for c, h in sorted(preview.headers.items())
            if c not in preview.mapping
        )
        preview.notes.append(
            f"以下列未导入：{shown}。如需导入，请在「列对应」中指定对应的字段"
            "（命令行用 --map 表头=字段）。"
        )


def _drop_serial_codes(preview: RegisterPreview, rows: list[list]) -> None:
    """A 编号 column holding 1, 2, 3 … is a row number, not a project code: matching by it would
    give a re-sorted register's values to the wrong projects."""
    column = next((c for c, k in preview.mapping.items() if k == "code"), None)
    if column is None:
        return
    values = [row[column] for row in rows if column < len(row) and not is_blank(row[column])]
    if values and all(
        isinstance(v, int) or (isinstance(v, float) and v.is_integer()) or str(v).strip().isdigit()
        for v in values
    ):
        del preview.mapping[column]
        preview.notes.append(
            f"「{preview.headers.get(column, '编号')}」列只有数字序号，不作为项目编码使用，按项目名称对应。"
        )


# Rows of a register that are not projects: group titles (一、交通基础设施 / （一）…), totals with
# counts (小计(2个)), notes and signatures.
_NOT_A_PROJECT = re.compile(
    r"[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+[部类批]"
    r"|其中\s*[:：]?|" + NOTE_WORDS
)


def _key_with(saved: dict[str, str | None]):
    def key_of(text: object) -> str | None:
        if is_blank(text):
            return None
        for form in (clean_text(text), normalize_text(text)):
            if form in saved:
                return saved[form]
        return register_key(text)

    return key_of


def _percent_cells(preview: RegisterPreview, rows: list[list], start: int) -> set[str]:
    """The 完成百分比 cells holding a number in a percent format (0.45 shown as 45%)."""
    columns = [c for c, k in preview.mapping.items() if k in ("percent_complete", "progress")]
    refs = {
        f"{column_letter(column)}{r + 1}"
        for column in columns
        for r in range(start, len(rows))
        if column < len(rows[r]) and isinstance(rows[r][column], float)
    }
    return percent_styled(preview.path, preview.sheet, refs) if refs else set()


def _parse(
    store: Store,
    preview: RegisterPreview,
    rows: list[list],
    offset: int,
    percent_cells: set,
    choices: dict[int, str | None],
) -> None:
    projects = list_projects(store)
    by_code = {p.code: p for p in projects}
    by_name = {name_key(p.name): p for p in projects}
    by_similar: dict[str, list] = {}
    for p in projects:
        by_similar.setdefault(similar_key(p.name), []).append(p)
    all_units = list_units(store)
    # A unit merged into another stands for it (the 台账 may be older than the merge); one
    # merely stopped is refused by _parse_value.
    by_id = {u.id: u for u in all_units}
    merged = merged_into(store)
    names = UnitNames(all_units)

    def find_unit(typed: str):
        unit = names.find(typed)
        if unit is not None and merged.get(unit.id) in by_id:
            return by_id[merged[unit.id]]
        return unit

    seen: dict[str, int] = {}
    new_codes: dict[str, int] = {}  # code typed for a new project -> its row
    read_rows: set[int] = set()
    progress_text: list[str] = []  # cells of a 形象进度 column that are descriptions
    districts: list[str] = []  # rows whose 所在区县 names several districts
    for i, row in enumerate(rows):
        excel_row = offset + i + 1
        cells = {key: (row[c] if c < len(row) else "") for c, key in preview.mapping.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        name = normalize_text(cells.get("name")) if not is_blank(cells.get("name")) else ""
        code = normalize_text(cells.get("code")) if not is_blank(cells.get("code")) else None
        if isinstance(cells.get("code"), float) and cells["code"].is_integer():
            code = str(int(cells["code"]))
        if not name or name_key(name) in _TOTAL_ROWS:
            continue  # subtotal, total and note rows
        if not code and _NOT_A_PROJECT.match(name):
            continue  # a group title, a total with a count, a note or a signature
        read_rows.add(excel_row)
        existing = by_code.get(code) if code else None
        existing = existing or by_name.get(name_key(name))
        # A new project keeps its name as written (full-width brackets and all); matching
        # above used the normalised form.
        typed = cells.get("name")
        typed = clean_text(typed) if isinstance(typed, str) else None
        shown = " ".join(typed.split()) if typed else name
        similar = [] if existing else by_similar.get(similar_key(name), [])
        matched = existing
        if not existing and choices.get(excel_row) is not None:
            existing = by_code.get(choices[excel_row])  # the user chose to merge
        result = RegisterRow(excel_row, existing.id if existing else None, code, shown)
        if matched and excel_row in choices and choices[excel_row] != matched.code:
            result.errors.append(
                _error(
                    preview,
                    excel_row,
                    "name",
                    name,
                    f"已按{'编码' if code and matched.code == code else '名称'}对应到项目 "
                    f"{matched.code}「{matched.name}」，不需要也不能另行指定"
                    f"{'合并到 ' + choices[excel_row] if choices[excel_row] else '作为新项目'}",
                )
            )
        result.similar = [(p.code, p.name) for p in similar]
        if excel_row in choices:
            result.chosen = choices[excel_row] or "new"
            if existing and choices[excel_row] is not None:
                result.merged_into = f"{existing.code} {existing.name}"
            if choices[excel_row] is not None and choices[excel_row] not in by_code:
                result.errors.append(
                    _error(
                        preview,
                        excel_row,
                        "name",
                        name,
                        f"指定合并到的项目编码「{choices[excel_row]}」在项目库中不存在，请核对编码",
                    )
                )
        elif similar:
            listed = "、".join(f"{p.code}「{p.name}」" for p in similar)
            result.errors.append(
                _error(
                    preview,
                    excel_row,
                    "name",
                    name,
                    f"与已有项目 {listed} 相近，可能是同一项目。请选择合并到已有项目"
                    f"（命令行：--match {excel_row}={similar[0].code}）或作为新项目"
                    f"（命令行：--new {excel_row}）",
                )
            )
        if too_long := length_problem("name", shown):
            result.errors.append(_error(preview, excel_row, "name", f"{shown[:30]}…", too_long))
        ident = existing.id if existing else name_key(name)
        if ident in seen:
            result.errors.append(
                _error(
                    preview,
                    excel_row,
                    "name",
                    name,
                    f"与第 {seen[ident]} 行是同一项目，请合并为一行",
                )
            )
        seen[ident] = excel_row
        for c, key in preview.mapping.items():
            raw = row[c] if c < len(row) else ""
            if is_blank(raw) or key in ("code", "name"):
                continue
            ref = f"{column_letter(c)}{excel_row}"
            if isinstance(raw, ExcelError):  # a failed formula, or one saved without its result
                result.errors.append(_error(preview, excel_row, key, raw, raw.reason, col=c))
                continue
            try:
                if key == "percent_complete":
                    value = parse_percent(raw, percent_format=ref in percent_cells)
                elif key == "progress":
                    percent, stage = _progress_value(raw, ref in percent_cells)
                    if percent is None and stage is None:
                        progress_text.append(f"{ref}「{clean_text(raw)}」")
                        continue
                    # A column of its own says it better: only what it leaves open is taken.
                    if percent is not None and "percent_complete" not in result.values:
                        result.values.setdefault("_percent", percent)
                    if stage is not None:
                        result.values.setdefault("_stage", stage)
                    continue
                else:
                    value = _parse_value(
                        FIELDS_BY_KEY[key], raw, preview.headers.get(c, ""), find_unit
                    )
            except ParseError as exc:
                result.errors.append(_error(preview, excel_row, key, raw, exc.reason, col=c))
                continue
            if key == "district" and len(value) > 1:
                others = "、".join(by_id[u].name for u in value[1:])
                districts.append(
                    f"第 {excel_row} 行「{clean_text(raw)}」：所在区县记为「{by_id[value[0]].name}」，"
                    f"{others}作为配合单位关联"
                )
                result.values["other_districts"] = value[1:]
                value = value[0]
            elif key == "district":
                value = value[0]
            result.values[key] = value
        _take_progress(result.values)
        if code and not existing:
            result.values["code"] = code
            if code in new_codes:
                result.errors.append(
                    _error(
                        preview,
                        excel_row,
                        "code",
                        code,
                        f"与第 {new_codes[code]} 行的新项目编码相同，请改用不同的编码",
                    )
                )
            new_codes.setdefault(code, excel_row)
        # Rules across fields (计划完工 not before 计划开工 …), on the project as it would be:
        # found here rather than when the rows are written.
        dates = {
            k: getattr(existing, k, None) if existing else None
            for k in ("planned_start", "planned_end", "actual_start", "actual_end")
        }
        dates.update({k: v for k, v in result.values.items() if k in dates})
        for key, reason in project_problems(dates).items():
            if key in result.values:
                label = FIELDS_BY_KEY[key].label
                reason = reason[len(label) :] if reason.startswith(label) else "：" + reason
                result.errors.append(_error(preview, excel_row, key, result.values[key], reason))
        if existing:
            result.changes = _changes(existing, result.values)
        preview.rows.append(result)
    unused = sorted(r for r in choices if r not in read_rows)
    if unused:
        preview.notes.append(
            f"指定的对应中，第 {'、'.join(str(r) for r in unused)} 行不是项目行，未使用。"
        )
    if districts:
        preview.notes.append("所在区县写了多个：" + "；".join(districts) + "。")
    if progress_text:
        shown = "、".join(progress_text[:10]) + (
            f" 等 {len(progress_text)} 处" if len(progress_text) > 10 else ""
        )
        preview.notes.append(
            f"形象进度中的文字说明未导入（只读取百分比和建设阶段）：{shown}。"
            "文字进展请在月度填报中填写。"
        )


_STAGE_WORDS = {
    "续建": "在建",
    "新开工": "在建",
    "已开工": "在建",
    "开工": "在建",
    "施工中": "在建",
    "建成": "竣工",
    "已竣工": "竣工",
    "已完工": "竣工",
    "完工": "竣工",
    "竣工验收": "竣工",
    "谋划": "储备",
    "前期工作": "前期",
}


def _stage_word(text: str) -> str | None:
    text = "".join(normalize_text(text).split())
    if text in STAGES:
        return text
    return _STAGE_WORDS.get(text)


def _progress_value(raw: object, percent_format: bool) -> tuple[float | None, str | None]:
    """A 形象进度 cell: ``(percent, stage)``, either or neither (a description)."""
    if isinstance(raw, str):
        stage = _stage_word(raw)
        if stage is not None:
            return (100.0 if stage == "竣工" else None), stage
        text = normalize_text(raw)
        if not re.fullmatch(r"[\d.]+\s*%?", text):
            return None, None
    return parse_percent(raw, percent_format=percent_format), None


def _take_progress(values: dict) -> None:
    """What a 形象进度 column gave, where the row's own 完成百分比 and 建设阶段 columns are silent."""
    percent = values.pop("_percent", None)
    stage = values.pop("_stage", None)
    if percent is not None and "percent_complete" not in values:
        values["percent_complete"] = percent
    if stage is not None and "stage" not in values:
        values["stage"] = stage


def _error(
    preview, excel_row: int, key: str, raw, reason: str, col: int | None = None
) -> CellError:
    c = col if col is not None else next((i for i, k in preview.mapping.items() if k == key), 0)
    ref = f"{column_letter(c)}{excel_row}"
    label = FIELDS_BY_KEY[key].label
    shown = raw.isoformat() if isinstance(raw, date) else str(raw)
    return CellError(preview.sheet, ref, label, shown, f"{preview.sheet}!{ref} {label}{reason}")


def _parse_value(f: RegisterField, raw: object, header: str, units: dict) -> object:
    if f.kind == "money":
        return parse_money(raw, unit=header_unit(header))
    if f.kind == "date":
        return parse_date(raw, month_end=f.key.endswith("_end"))
    if f.kind == "percent":
        return parse_percent(raw)
    if f.kind == "stage":
        text = normalize_text(raw)
        if text == MISSING:
            return None
        return parse_choice(_stage_word(text) or text, STAGES)
    if f.kind in ("unit", "units"):
        names = [n for n in re.split(r"[、，,；;/\s]+", normalize_text(raw)) if n]
        found = []
        for n in names:
            unit = units(n)
            if unit is None:
                raise ParseError(f"「{n}」不是已登记的单位，请先在「单位管理」中添加或改为标准名称")
            if not unit.active:
                raise ParseError(f"「{n}」已停用，请改为现在负责的单位")
            if unit.id not in found:
                found.append(unit.id)
        # 所在区县 keeps every district named (the caller takes the first as the location).
        return found if f.kind == "units" or f.key == "district" else found[0]
    text = clean_text(int(raw) if isinstance(raw, float) and raw.is_integer() else raw)
    if too_long := length_problem(f.key, text):
        raise ParseError(too_long)
    return text


_DIRECT = (
    "category",
    "stage",
    "total_investment",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "percent_complete",
    "investment_to_date",
    "scope",
    "notes",
)


def _changes(p, values: dict) -> dict:
    out = {}
    for key in _DIRECT:
        if key in values:
            old = getattr(p, key)
            new = values[key]
            if isinstance(old, float) and isinstance(new, (int, float)):
                if abs(old - new) < 1e-6:
                    continue
            elif old == new:
                continue
            out[key] = (old, new)
    if "district" in values and p.district_id != values["district"]:
        out["district_id"] = (p.district_id, values["district"])
    if unit_links(values):
        current = {(u.unit_id, u.role) for u in p.units}
        merged = merged_links(p.units, values)
        if set(merged) != current:
            out["units"] = ("、".join(u.name for u in p.units) or None, merged)
    return out


def project_fields(values: dict) -> dict:
    """Parsed row values as project table fields (for create/update)."""
    fields = {k: values[k] for k in _DIRECT if k in values}
    if "district" in values:
        fields["district_id"] = values["district"]
    if "code" in values:
        fields["code"] = values["code"]
    return fields


def merged_links(current, values: dict) -> list[tuple[int, str]]:
    """A project's unit links after a row of the 台账: the roles the row names (牵头, 责任,
    配合) as the row gives them; the others as they were (a file with only a 牵头单位 column
    keeps the project's 责任 and 配合 units)."""
    given = unit_links(values)
    roles = {
        role
        for role, key in (("牵头", "lead_unit"), ("责任", "responsible"), ("配合", "supporting"))
        if key in values
    }
    named = {uid for uid, _ in given}
    kept = [(u.unit_id, u.role) for u in current if u.role not in roles and u.unit_id not in named]
    return given + kept


def unit_links(values: dict) -> list[tuple[int, str]]:
    links: list[tuple[int, str]] = []
    if "lead_unit" in values:
        links.append((values["lead_unit"], "牵头"))
    for role, key in (
        ("责任", "responsible"),
        ("配合", "supporting"),
        ("配合", "other_districts"),
    ):
        for uid in values.get(key, []):
            if uid not in {u for u, _ in links}:
                links.append((uid, role))
    return links
