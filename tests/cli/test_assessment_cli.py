"""assessment command: the ranked scores as text and JSON, the three files, the rules file."""

import json

import docx
import openpyxl
from pypdf import PdfReader

from desktop_app.cli import main


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_assessment_as_text_json_and_files(assessment_year, tmp_path, capsys):
    db = str(assessment_year.path)
    assessment_year.close()
    base = ("--db", db, "assessment", "--year", "2026", "--date", "2026-12-06")
    code, out, _ = run(capsys, *base)
    assert code == 0
    assert "（2026 年考核规则尚未设置，按默认规则计算。）" in out
    assert "1\t旌阳区\t16.36\t8.00\t12.50\t13.34\t10.71\t3.33\t0\t0\t64.24" in out
    assert "—\t广汉市" in out and "无考核记录" in out
    assert "计入填报 11 期" in out

    code, out, _ = run(capsys, *base, "--json")
    data = json.loads(out)
    jy = data["classes"]["区县"][0]
    assert (jy["unit"], jy["total"], jy["rank"]) == ("旌阳区", 64.24, 1)
    timeliness = jy["items"][0]
    assert (timeliness["numerator"], timeliness["denominator"]) == (9, 11)
    assert len(timeliness["records"]) == 11

    xlsx = tmp_path / "考核.xlsx"
    assert run(capsys, *base, str(xlsx))[0] == 0
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["考核得分", "得分依据", "加减分", "考核规则"]
    rows = [list(r) for r in wb["考核得分"].iter_rows(min_row=4, values_only=True)]
    jy_row = next(r for r in rows if r[1] == "旌阳区")
    assert jy_row[:5] == [1, "旌阳区", "区县", 81.8, 16.36] and jy_row[-2] == 64.24
    records = [r for r in wb["得分依据"].iter_rows(min_row=2, values_only=True) if r[0] == "旌阳区"]
    assert any("截止 2026-04-05，晚 3 天" in r[6] for r in records)

    pdf = tmp_path / "考核.pdf"
    assert run(capsys, *base, str(pdf))[0] == 0
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "2026年度成德同城化工作考核得分表" in text and "旌阳区" in text

    word = tmp_path / "考核情况报告.docx"
    assert run(capsys, *base, str(word))[0] == 0
    body = "\n".join(p.text for p in docx.Document(word).paragraphs)
    assert "关于2026年度成德同城化工作考核情况的报告" in body
    assert "报送及时率20分" in body

    code, _, err = run(capsys, *base, str(tmp_path / "考核.csv"))
    assert code == 1 and "可保存为 .xlsx（Excel）、.pdf 或 .docx（Word）" in err


def test_rules_file_through_the_command(assessment_year, tmp_path, capsys):
    db = str(assessment_year.path)
    assessment_year.close()
    rules = tmp_path / "规则.json"
    assert (
        run(capsys, "--db", db, "assessment", "--year", "2026", "--rules-export", str(rules))[0]
        == 0
    )
    data = json.loads(rules.read_text(encoding="utf-8"))
    data["考核项目"][0]["权重"] = 30
    rules.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(
        capsys, "--db", db, "assessment", "--year", "2027", "--rules-import", str(rules)
    )
    assert code == 1 and "权重合计为 110 分，应为 100 分" in err
    data["考核项目"][1]["权重"] = 0
    rules.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(
        capsys, "--db", db, "assessment", "--year", "2027", "--rules-import", str(rules)
    )
    assert code == 0 and "保存为 2027 年考核规则（5 项，合计 100 分）" in out
