"""The Zalo OA tokens in one JSON file, replaced atomically and readable only by the gateway.

Why a file of its own and so careful: Zalo's refresh token is single-use; losing the
new one (a crash between two writes, a half-written file) means re-authorising the OA
by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


class TokenFile:
    """{"access_token", "refresh_token", "expires_at"} in one JSON file, written atomically."""

    def __init__(self, path: Path):
        self.path = path

    def load(self) -> dict | None:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def save(self, tokens: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(tokens, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)
