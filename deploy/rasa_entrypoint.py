"""Entry point of the Rasa image (deploy/rasa.Dockerfile): endpoints from the settings, then `rasa run`.

In a container nothing runs ops/launcher.py, so this does its Rasa half: it writes
endpoints.yml from ACTION_ENDPOINT_URL, TRACKER_STORE_URL and REDIS_URL (Rasa cannot
take a whole URL for the lock store) and replaces itself with `rasa run` on
RASA_HOST:RASA_PORT. Standard library and `settings` only: it runs on the Python of
the rasa/rasa image.

Passwords are never written to the file: it says ${TRACKER_STORE_PASSWORD} and
${REDIS_PASSWORD}, unquoted, which Rasa 3.6 expands from its environment (it leaves a
quoted "${...}" as it is, and would then log in with those characters). A password may be
given either in that variable or inside the URL (the Zalo gateway needs it in
REDIS_URL); in the second case it is handed to Rasa in the variable.

    python deploy/rasa_entrypoint.py [more `rasa run` options, e.g. --debug]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import settings

APP = Path(__file__).resolve().parent.parent  # /app in the image
MODEL = APP / "models" / "gdnn.tar.gz"  # trained when the image is built
CREDENTIALS = APP / "credentials.yml"
ENDPOINTS = Path("/tmp/gdnn-endpoints.yml")  # written at every start; holds no secret


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def endpoints_yaml(config: settings.Settings) -> str:
    """Rasa's endpoints.yml for these settings: action server, tracker store, lock store."""
    action_url = config.action_endpoint_url or f"http://127.0.0.1:{config.actions_port}/webhook"
    lines = ["action_endpoint:", f"  url: {_quoted(action_url)}"]
    if config.tracker_store_url:
        parts = urlsplit(config.tracker_store_url)
        lines += [
            "tracker_store:",
            "  type: SQL",
            '  dialect: "postgresql"',
            f"  url: {_quoted(parts.hostname or '')}",
            f"  port: {parts.port or 5432}",
            f"  db: {_quoted(parts.path.lstrip('/'))}",
        ]
        if parts.username:
            lines.append(f"  username: {_quoted(unquote(parts.username))}")
        if parts.password or config.tracker_store_password:
            lines.append("  password: ${TRACKER_STORE_PASSWORD}")  # unquoted: Rasa expands only plain scalars
        query = parse_qsl(parts.query)
        if query:  # e.g. ?sslmode=require for a managed PostgreSQL
            lines.append("  query:")
            lines += [f"    {key}: {_quoted(value)}" for key, value in query]
    if config.redis_url:
        parts = urlsplit(config.redis_url)
        lines += [
            "lock_store:",
            "  type: redis",
            f"  url: {_quoted(parts.hostname or '')}",
            f"  port: {parts.port or 6379}",
            f"  db: {parts.path.lstrip('/') or 0}",
        ]
        if parts.password or config.redis_password:
            lines.append("  password: ${REDIS_PASSWORD}")
        if parts.scheme == "rediss":
            lines.append("  use_ssl: true")
    return "\n".join(lines) + "\n"


def rasa_environment(config: settings.Settings, environ: dict[str, str]) -> dict[str, str]:
    """The environment for Rasa: the passwords the endpoints refer to (from the variable or the URL)
    and the lifetime of a conversation's lock."""
    env = dict(environ)
    for url, password, name in (
        (config.tracker_store_url, config.tracker_store_password, "TRACKER_STORE_PASSWORD"),
        (config.redis_url, config.redis_password, "REDIS_PASSWORD"),
    ):
        in_url = urlsplit(url).password if url else None
        if not password and in_url:
            env[name] = unquote(in_url)
    # As the launcher: a replica that dies while answering keeps its conversation locked this long.
    env["TICKET_LOCK_LIFETIME"] = str(config.rasa_lock_lifetime)
    return env


def rasa_command(config: settings.Settings, endpoints: Path, extra: list[str]) -> list[str]:
    command = [
        "rasa",
        "run",
        "--enable-api",  # the staff web chat reads the tracker (what Rasa understood)
        "--interface",
        config.rasa_host,
        "--port",
        str(config.rasa_port),
        "--model",
        str(MODEL),
        "--credentials",
        str(CREDENTIALS),
        "--endpoints",
        str(endpoints),
    ]
    if config.rasa_token:
        command += ["--auth-token", config.rasa_token]
    return command + extra


def main(argv: list[str]) -> None:
    config = settings.get()
    if not config.rasa_token:
        print("[rasa] RASA_TOKEN trống: API của Rasa không cần mã; chỉ chấp nhận khi cổng 5005 không ra ngoài.", file=sys.stderr)
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
