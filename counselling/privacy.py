"""Personal data rules for what students write: masking before storage, the pseudonymous
sender key, validation of a contact number, and how long anything is kept.

Students are minors and Vietnam's personal-data rules (Nghị định 13/2023/NĐ-CP) apply:
questions the bot could not answer are stored only with phone numbers, e-mail
addresses and ID numbers masked, and with a keyed hash instead of the chat id.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import settings

DEFAULT_RETENTION_DAYS = 180

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Digit runs, possibly broken by spaces, dots or dashes: "0912 345 678", "+84 912.345.678", "001203004567".
_DIGIT_RUN = re.compile(r"(?<![\w])\+?\d(?:[\d .\-]{6,}\d)(?![\w])")
ZALO_OR_PHONE = re.compile(r"^(?:\+?84|0)(?:3|5|7|8|9)\d{8}$")


def retention_days() -> int:
    return settings.get().privacy_retention_days


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _mask_digits(match: re.Match) -> str:
    digits = _digits(match.group(0))
    if len(digits) in (9, 12) and not digits.startswith(("0", "84")):
        return "[số giấy tờ]"
    if len(digits) == 12 and digits.startswith("0"):
        return "[số giấy tờ]"  # căn cước công dân: 12 digits, starting with the province code 0xx
    if 9 <= len(digits) <= 12:
        return "[số điện thoại]"
    return match.group(0) if len(digits) < 9 else "[dãy số]"


def mask(text: str) -> str:
    """Phone numbers, e-mail addresses, ID-card numbers (9 or 12 digits) and other long digit runs."""
    text = EMAIL.sub("[email]", text)
    return _DIGIT_RUN.sub(_mask_digits, text)


def normalise_phone(value: str) -> str | None:
    """A Vietnamese mobile number (also used for Zalo) as 0xxxxxxxxx, or None."""
    raw = value.strip()
    if not raw or re.search(r"[^\d\s.+\-()]", raw):
        return None
    digits = ("+" if raw.startswith("+") else "") + _digits(raw)
    if not ZALO_OR_PHONE.match(digits):
        return None
    digits = digits.lstrip("+")
    return "0" + digits[2:] if digits.startswith("84") else digits


def sender_key(sender_id: str) -> str:
    """A keyed hash of the chat id: lets a student delete what they left, without storing the id."""
    secret = settings.get().privacy_secret.encode()
    return hmac.new(secret, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
