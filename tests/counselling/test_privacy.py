"""Masking before storage and contact-number validation (catalog/privacy.py)."""

from __future__ import annotations

import pytest

import settings
from counselling import privacy


@pytest.mark.parametrize(
    "message, kept, gone, tag",
    [
        ("sdt em la 0912 345 678 nha", "sdt em la", "0912", "[số điện thoại]"),
        ("gọi +84 912.345.678 giúp em", "gọi", "912", "[số điện thoại]"),
        ("zalo 0868-123-456", "zalo", "0868", "[số điện thoại]"),
        ("căn cước 001203004567", "căn cước", "001203004567", "[số giấy tờ]"),
        ("cmnd 123456789", "cmnd", "123456789", "[số giấy tờ]"),
        ("mail em.hoc@gmail.com nhé", "nhé", "gmail", "[email]"),
    ],
)
def test_personal_data_is_masked(message, kept, gone, tag):
    masked = privacy.mask(message)
    assert kept in masked and gone not in masked and tag in masked


@pytest.mark.parametrize("message", ["học phí 9800000 đồng", "năm 2027", "lớp 9", "ngành 6520227", ""])
def test_ordinary_numbers_stay(message):
    assert privacy.mask(message) == message


@pytest.mark.parametrize(
    "given, expected",
    [
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0356-123-456", "0356123456"),
        ("0212345678", None),
        ("091234567", None),
        ("09123456789", None),
        ("abc0912345678", None),
        ("", None),
        ("0912 345 678; DROP TABLE", None),
    ],
)
def test_contact_numbers_are_validated(given, expected):
    assert privacy.normalise_phone(given) == expected


def test_sender_key_is_keyed_and_stable(monkeypatch):
    first = privacy.sender_key("telegram-123")
    assert first == privacy.sender_key("telegram-123") and "123" not in first
    monkeypatch.setenv("PRIVACY_SECRET", "another secret")
    settings.reload()
    assert privacy.sender_key("telegram-123") != first
