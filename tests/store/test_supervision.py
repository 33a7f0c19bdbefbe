"""督办 records: created with audit, replied, closed; bad input refused; old copies refused."""

from datetime import date

import pytest

from desktop_app.domain.errors import ConflictError, ValidationError
from desktop_app.domain.supervision import escalated_level, is_overdue
from desktop_app.store.supervision import (
    create_supervision,
    get_supervision,
    list_supervisions,
    update_supervision,
)
from desktop_app.store.units import get_unit


def test_create_reply_close(store, make_project):
    pid = make_project(name="督办项目", lead="市交通运输局")
    unit = get_unit(store, "市交通运输局").id
    sid = create_supervision(
        store,
        pid,
        unit_id=unit,
        issued_date=date(2026, 11, 1),
        reply_by=date(2026, 11, 11),
        reason="计划 2026-10-31 完工，已逾期 1 天",
    )
    s = get_supervision(store, sid)
    assert (s.unit, s.status, s.level, s.project_name) == ("市交通运输局", "已发", "蓝", "督办项目")
    update_supervision(
        store,
        sid,
        {"status": "已回复", "reply_text": "已加派人手", "replied_date": date(2026, 11, 9)},
        expected_version=s.version,
    )
    update_supervision(store, sid, {"status": "已办结", "closed_date": date(2026, 11, 20)})
    assert get_supervision(store, sid).status == "已办结"
    assert list_supervisions(store, unit_id=unit, open_only=True) == []
    fields = [
        r["field"] for r in store.query("SELECT field FROM audit_log WHERE entity='supervision'")
    ]
    assert "督办" in fields and "status" in fields and "reply_text" in fields


def test_bad_dates_and_stale_version_refused(store, make_project):
    pid = make_project()
    with pytest.raises(ValidationError, match="回复期限 2026-10-01 早于发出日期 2026-11-01"):
        create_supervision(
            store,
            pid,
            unit_id=None,
            issued_date=date(2026, 11, 1),
            reply_by=date(2026, 10, 1),
            reason="滞后",
        )
    sid = create_supervision(
        store,
        pid,
        unit_id=None,
        issued_date=date(2026, 11, 1),
        reply_by=date(2026, 11, 11),
        reason="滞后",
    )
    v = get_supervision(store, sid).version
    update_supervision(store, sid, {"level": "黄"}, expected_version=v)
    with pytest.raises(ConflictError):
        update_supervision(store, sid, {"level": "红"}, expected_version=v)


@pytest.mark.parametrize(
    "today, status, level",
    [
        (date(2026, 11, 11), "已发", "蓝"),
        (date(2026, 11, 12), "已发", "黄"),
        (date(2026, 11, 26), "已发", "黄"),
        (date(2026, 11, 27), "已发", "红"),
        (date(2026, 12, 31), "已回复", "蓝"),
    ],
)
def test_escalation(today, status, level):
    assert escalated_level("蓝", status, date(2026, 11, 11), today) == level


def test_overdue():
    assert not is_overdue("已发", date(2026, 11, 11), date(2026, 11, 11))
    assert is_overdue("已发", date(2026, 11, 11), date(2026, 11, 12))
    assert not is_overdue("已办结", date(2026, 11, 11), date(2026, 12, 12))
