"""`python -m bot.rasa_run run …`: Rasa's own command line, with the API token from RASA_AUTH_TOKEN.

Why not `rasa run --auth-token …`: a command line is readable by every user of the
machine (`ps`), an environment only by the process's owner. Rasa's HTTP API (trackers
with students' messages, model replacement, event injection) must never run without a
token, so this refuses to start `--enable-api` without one. Runs in .venv-rasa.
"""

from __future__ import annotations

import os
import sys

NO_TOKEN = (
    "Thiếu RASA_AUTH_TOKEN: API của Rasa không được chạy khi không có mã truy cập "
    "(make serve tự tạo mã trong var/secrets/; khi chạy thật hãy đặt biến này)."
)


def arguments_with_token(arguments: list[str], token: str) -> list[str]:
    if "--enable-api" in arguments and not token:
        raise SystemExit(NO_TOKEN)
    return [*arguments, "--auth-token", token] if token else list(arguments)


def main() -> None:
    arguments = arguments_with_token(sys.argv[1:], os.environ.get("RASA_AUTH_TOKEN", "").strip())
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *arguments]
    rasa_main()


if __name__ == "__main__":
    main()
