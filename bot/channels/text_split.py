"""Split long replies for platforms with a message length limit (Telegram 4,096, Zalo 2,000):
at paragraph breaks first, then line breaks, then sentence ends, then spaces, and only
as a last resort in the middle of a word."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def split_text(text: str, limit: int) -> list[str]:
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for separator in ("\n\n", "\n", _SENTENCE_END, " "):
        parts = _split_on(text, separator)
        if len(parts) > 1:
            return _pack(parts, limit, separator)
    return [text[i : i + limit] for i in range(0, len(text), limit)]


def _split_on(text: str, separator) -> list[str]:
    if isinstance(separator, str):
        return [p for p in text.split(separator) if p.strip()]
    return [p for p in separator.split(text) if p.strip()]


def _pack(parts: list[str], limit: int, separator) -> list[str]:
    glue = separator if isinstance(separator, str) else " "
    chunks: list[str] = []
    current = ""
    for part in parts:
        if len(part) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.extend(split_text(part, limit))
            continue
        candidate = f"{current}{glue}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = part
    if current:
        chunks.append(current)
    return [c.strip() for c in chunks if c.strip()]
