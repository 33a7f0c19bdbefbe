"""``desktop-app-cli report …``: files written, errors in Chinese."""

from __future__ import annotations

from desktop_app.cli import main


def test_report_commands(pdf, store, tmp_path, capsys):
    db = str(store.path)
    store.close()
    out = tmp_path / "总体.pdf"
    assert (
        main(
            [
                "--db",
                db,
                "report",
                "overall",
                str(out),
                "--paper",
                "A3",
                "--landscape",
                "--group",
                "district",
            ]
        )
        == 0
    )
    assert out.exists() and "已生成" in capsys.readouterr().out
    assert "成德同城化重大项目推进情况表" in pdf.text(out)[0]
    assert main(["--db", db, "report", "indicators", str(tmp_path / "i.pdf")]) == 0
    assert main(["--db", db, "report", "unit", str(tmp_path / "units"), "--unit", "all"]) == 0
    assert len(list((tmp_path / "units").glob("*.pdf"))) >= 5


def test_report_errors(store, tmp_path, capsys):
    db = str(store.path)
    store.close()
    assert (
        main(["--db", db, "report", "unit", str(tmp_path / "x.pdf"), "--unit", "不存在的局"]) == 1
    )
    assert "找不到单位「不存在的局」" in capsys.readouterr().err
    assert (
        main(["--db", db, "report", "overall", str(tmp_path / "x.pdf"), "--period", "2026-13"]) == 1
    )
    assert "不是填报周期" in capsys.readouterr().err
    assert main(["--db", db, "report", "unit", str(tmp_path / "x.pdf")]) == 1
    assert "需要指定单位" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_an_absurd_reply_period_is_refused(store, tmp_path, capsys):
    db = str(store.path)
    store.close()
    argv = ["--db", db, "report", "notice", str(tmp_path / "n.pdf"), "--unit", "广汉市"]
    assert main([*argv, "--reply-days", "10000000"]) == 1
    assert "请填写 0–365 天" in capsys.readouterr().err


def test_bad_report_input_is_refused_with_a_clear_message(store, tmp_path, capsys):
    import os
    import stat

    db = str(store.path)
    store.close()

    def refused(*args) -> str:
        capsys.readouterr()
        assert main(["--db", db, "report", *args]) == 1, args
        err = capsys.readouterr().err
        assert "Traceback" not in err
        return err

    out = str(tmp_path / "x.pdf")
    assert "「--unit」不适用于 overall" in refused("overall", out, "--unit", "不存在的局")
    assert "项目编码是空的" in refused("project", out, "--project", "")
    assert "2030-01 还没有开始" in refused("overall", out, "--period", "2030-01")
    assert not (tmp_path / "x.pdf").exists()
    locked = tmp_path / "只读.pdf"
    locked.write_bytes(b"%PDF-1.4 old")
    os.chmod(locked, stat.S_IREAD)
    err = refused("indicators", str(locked))
    assert "只读文件" in err and "Excel" not in err
    assert locked.read_bytes() == b"%PDF-1.4 old"
