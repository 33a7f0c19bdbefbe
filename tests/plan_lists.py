"""A filled plan list (规划清单) for the next plan, written the way a clerk fills the template."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from desktop_app.services.plans import save_template

NEXT_PLAN = {
    "规划编号": "CD-2026",
    "规划名称": "德阳市推进成德同城化发展“十五五”规划",
    "文号": "德府发〔2026〕8号",
    "起始年份": 2026,
    "终止年份": 2030,
}
SECTIONS = [
    ["1", "章", 1, "发展基础", None],
    ["2", "章", 2, "交通同城", None],
    ["2.1", "节", 1, "轨道上的都市圈", "2"],
    ["专栏1", "专栏", 1, "交通重大项目", "2.1"],
    ["3", "章", 3, "产业协作", None],
]
INDICATORS = [
    [1, "经济实力", "地区生产总值占全省比重", "%", None, "≥5.5", 2030, "预期性"],
    [2, "同城便利", "成德轨道交通线路", "条", None, ">4", None, "预期性"],
]
PROJECTS = [
    [
        "ZL01-101",
        "成德市域铁路S11线延伸段",
        "专栏1",
        "轨道交通",
        "前期",
        "广汉市",
        "市交通运输局",
        "广汉、旌阳区",
        "新建线路约20公里",
        1200000,
        "2027-03-01",
        "2030-12-31",
        "建成成德市域铁路S11线延伸段。",
    ],
    [
        "ZL01-102",
        "德阳北站综合交通枢纽",
        "2.1",
        "交通枢纽",
        None,
        "旌阳区",
        "旌阳区",
        None,
        None,
        None,
        None,
        None,
        "加快建设德阳北站综合交通枢纽。",
    ],
]
TASKS = [
    [
        "RW2026-01",
        "2.1",
        1,
        "推进轨道交通公交化运营",
        "推动成德市域铁路公交化运营。",
        "市交通运输局",
    ],
    ["RW2026-02", "3", 0, "共建产业协作平台", None, None],
]


def write_next_plan(path: Path, *, projects=PROJECTS, tasks=TASKS, edit=None) -> Path:
    save_template(path)
    wb = load_workbook(path)
    ws = wb["规划"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in NEXT_PLAN:
            row[1].value = NEXT_PLAN[row[0].value]
    for name, rows in (
        ("章节", SECTIONS),
        ("主要指标", INDICATORS),
        ("重大项目", projects),
        ("重点任务", tasks),
    ):
        for r in rows:
            wb[name].append(r)
    if edit:
        edit(wb)
    wb.save(path)
    return path
