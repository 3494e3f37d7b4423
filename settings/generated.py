"""Secrets the launcher makes up when the operator set none, kept in `var/secrets/` (mode 0600).

Why: Rasa's API and the action server must never run open, yet `make run` has to work on
a bare machine with no configuration. The launcher writes a random secret once per
checkout; every process of that checkout reads the same file, so the staff web chat and
the conversation checks can call Rasa's API and Rasa can call the action server. In
production the operator sets the variables instead (docs/security.md).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent.parent / "var" / "secrets"


def read(name: str) -> str:
    try:
        return (DIRECTORY / name).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def ensure(name: str) -> str:
    """The secret `name`, created (random, readable by this user only) if it does not exist yet."""
    existing = read(name)
    if existing:
        return existing
    DIRECTORY.mkdir(parents=True, exist_ok=True)
    os.chmod(DIRECTORY, 0o700)
    value = secrets.token_urlsafe(32)
    path = DIRECTORY / name
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of this checkout made it first
        return read(name)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value
