"""Counselling requests: created, routed, claimed, closed, deleted by the student (counselling/handoff.py)."""

from __future__ import annotations

import pytest

from catalog.migrate import migrate
from counselling import handoff


def new(url, sender="s", school=None, province="Quảng Ninh", question="học phí bao nhiêu, gọi 0912345678"):
    return handoff.create_request(
        sender_id=sender,
        channel="telegram",
        contact="0912 345 678",
        question=question,
        institution_code=school,
        province=province,
        url=url,
    )


def test_requests_are_routed_claimed_and_closed(catalog_url):
    migrate(catalog_url)
    first = new(catalog_url, school="QN-VHBM")
    new(catalog_url, school="HP-CNSB", province="Hải Phòng")
    school_counsellor = ("QN-VHBM",)  # a counsellor tied to one school sees its requests only
    province_counsellor = None  # the province's counsellors see every request
    mine = handoff.list_requests(school_counsellor, url=catalog_url)
    assert [r["id"] for r in mine] == [first]
    assert mine[0]["contact"] == "0912345678" and "[số điện thoại]" in mine[0]["question"]
    assert len(handoff.list_requests(province_counsellor, url=catalog_url)) == 2

    with pytest.raises(handoff.HandoffError):  # not routed to this counsellor
        handoff.claim(first + 1, "tuvan.vhbm", school_counsellor, url=catalog_url)
    assert handoff.claim(first, "tuvan.vhbm", school_counsellor, url=catalog_url)["status"] == "claimed"
    with pytest.raises(handoff.HandoffError):
        handoff.claim(first, "tuvan.so", province_counsellor, url=catalog_url)
    closed = handoff.close(first, "tuvan.vhbm", "đã gọi, hẹn đến trường", school_counsellor, url=catalog_url)
    assert closed["status"] == "closed" and closed["note"] == "đã gọi, hẹn đến trường"
    assert handoff.open_count(province_counsellor, url=catalog_url) == 1


def test_invalid_numbers_are_refused_and_students_can_delete(catalog_url):
    migrate(catalog_url)
    with pytest.raises(handoff.HandoffError):
        handoff.create_request(
            sender_id="s", channel="zalo", contact="12345", question="", institution_code=None, province=None, url=catalog_url
        )
    new(catalog_url, sender="a")
    new(catalog_url, sender="b")
    assert handoff.delete_for_sender("a", url=catalog_url)["counselling_requests"] == 1
    assert [r["contact"] for r in handoff.list_requests(url=catalog_url)] == ["0912345678"]
