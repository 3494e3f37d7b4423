"""Entry point of the Rasa image (deploy/rasa.Dockerfile): endpoints from the settings, then `rasa run`.

In a container nothing runs ops/launcher.py, so this does its Rasa half with the same
code (bot/rasa_endpoints.py): it writes endpoints.yml from ACTION_ENDPOINT_URL,
TRACKER_STORE_URL and REDIS_URL and replaces itself with `python -m bot.rasa_run run`
on RASA_HOST:RASA_PORT, which adds the API token from RASA_AUTH_TOKEN (never on the
command line). Standard library and `settings` only: it runs on the Python of the
rasa/rasa image. It refuses to start without RASA_AUTH_TOKEN and ACTIONS_SECRET: in a
container nobody generates them, and Rasa's API must never run open.

    python deploy/rasa_entrypoint.py [more `rasa run` options, e.g. --debug]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import settings
from bot import rasa_endpoints

APP = Path(__file__).resolve().parent.parent  # /app in the image
MODEL = APP / "models" / "gdnn.tar.gz"  # trained when the image is built
CREDENTIALS = APP / "credentials.yml"
ENDPOINTS = Path("/tmp/gdnn-endpoints.yml")  # written at every start; holds no secret


def endpoints_yaml(config: settings.Settings) -> str:
    action_url = config.action_endpoint_url or f"http://127.0.0.1:{config.actions_port}/webhook"
    return rasa_endpoints.endpoints_yaml(config, action_url)


def rasa_environment(config: settings.Settings, environ: dict[str, str]) -> dict[str, str]:
    return rasa_endpoints.rasa_environment(config, environ)


def rasa_command(config: settings.Settings, endpoints: Path, extra: list[str]) -> list[str]:
    arguments = rasa_endpoints.rasa_arguments(
        config, config.rasa_host, config.rasa_port, str(MODEL), str(CREDENTIALS), str(endpoints)
    )
    return [sys.executable, "-m", "bot.rasa_run", *arguments, *extra]


def main(argv: list[str]) -> None:
    config = settings.get()
    missing = [
        name
        for name, value in (("RASA_AUTH_TOKEN", config.rasa_auth_token), ("ACTIONS_SECRET", config.actions_secret))
        if not value
    ]
    if missing:
        sys.exit(f"[rasa] Thiếu {', '.join(missing)}: đặt trong Secret/.env (docs/security.md). Rasa không chạy khi thiếu mã.")
    if not (config.tracker_store_url and config.redis_url):
        print(
            "[rasa] Thiếu TRACKER_STORE_URL hoặc REDIS_URL: hội thoại giữ trong bộ nhớ, chỉ đúng với MỘT bản Rasa.",
            file=sys.stderr,
        )
    ENDPOINTS.write_text(endpoints_yaml(config), encoding="utf-8")
    command = rasa_command(config, ENDPOINTS, argv)
    os.execvpe(command[0], command, rasa_environment(config, dict(os.environ)))


if __name__ == "__main__":
    main(sys.argv[1:])
