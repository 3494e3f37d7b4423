"""Rasa's endpoints.yml and environment from the settings, for the launcher and the Rasa image alike.

Why one module: `make serve` (ops/launcher.py) and the container entry point
(deploy/rasa_entrypoint.py) must give Rasa the same endpoints, or production drifts
from what the tests run. Standard library and `settings` only: it runs on the
Python of the rasa/rasa image too.

Every user message also goes to the action server's `POST /turns` through the event broker
bot/nlu/turn_broker.py (the counselling records, sent in the background after the reply):
its URL is the action endpoint's with `/turns` in place of the last path segment, so each
replica of `make serve` (RASA_REPLICAS > 1) records through its own action server.

No secret is ever written to the file. It says ${ACTIONS_SECRET},
${TRACKER_STORE_PASSWORD} and ${REDIS_PASSWORD}, unquoted, which Rasa 3.6 expands from
its environment (it leaves a quoted "${...}" as it is, and would then send those
characters). A password may be given in its variable or inside the URL (the Zalo
gateway needs it in REDIS_URL); in the second case it is handed to Rasa in the variable.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

import settings


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def turns_url(action_url: str) -> str:
    """The action server's /turns beside its webhook: http://host:5055/webhook → http://host:5055/turns."""
    parts = urlsplit(action_url)
    base = parts.path.rstrip("/").rpartition("/")[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/turns", "", ""))


def endpoints_yaml(config: settings.Settings, action_url: str) -> str:
    """Action server (called with the shared secret), the turn records' event broker, tracker
    store, lock store."""
    lines = [
        "action_endpoint:",
        f"  url: {_quoted(action_url)}",
        "  headers:",
        "    Authorization: Bearer ${ACTIONS_SECRET}",  # checked by the action server (actions/__main__.py)
        "event_broker:",  # one record per user message, sent after the reply (bot/nlu/turn_broker.py)
        "  type: bot.nlu.turn_broker.TurnBroker",
        f"  url: {_quoted(turns_url(action_url))}",
        "  token: ${ACTIONS_SECRET}",  # sent as the same Bearer header
    ]
    return "\n".join(lines + _tracker_store(config) + _lock_store(config)) + "\n"


# Rasa's SQL store that keeps each conversation's last saved tracker, and Rasa's in-memory
# store; both mask and forget what the student asks (bot/nlu/tracker_store.py)
TRACKER_STORE_CLASS = "bot.nlu.tracker_store.KeepingSQLTrackerStore"
MEMORY_TRACKER_STORE_CLASS = "bot.nlu.tracker_store.ForgettingInMemoryTrackerStore"
# Rasa's lock stores whose ticket lock does not hang a turn whose ticket expired (bot/nlu/lock_store.py)
MEMORY_LOCK_STORE_CLASS = "bot.nlu.lock_store.InMemoryAliveLockStore"
REDIS_LOCK_STORE_CLASS = "bot.nlu.lock_store.RedisAliveLockStore"


def _lock_store(config: settings.Settings) -> list[str]:
    """Redis with REDIS_URL (replicas share each conversation's lock), else Rasa's memory."""
    if not config.redis_url:
        return ["lock_store:", f"  type: {MEMORY_LOCK_STORE_CLASS}"]
    parts = urlsplit(config.redis_url)
    lines = [
        "lock_store:",
        f"  type: {REDIS_LOCK_STORE_CLASS}",
        f"  url: {_quoted(parts.hostname or '')}",
        f"  port: {parts.port or 6379}",
        f"  db: {parts.path.lstrip('/') or 0}",
    ]
    if parts.password or config.redis_password:
        lines.append("  password: ${REDIS_PASSWORD}")
    if parts.scheme == "rediss":
        lines.append("  use_ssl: true")
    return lines


def _tracker_store(config: settings.Settings) -> list[str]:
    """PostgreSQL (production) or an SQLite file (`sqlite:///path`, the embedded default under
    var/); TRACKER_STORE_URL=memory keeps conversations in Rasa's memory."""
    url = config.rasa_tracker_store_url
    if not url:
        return ["tracker_store:", f"  type: {MEMORY_TRACKER_STORE_CLASS}"]
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        return [
            "tracker_store:",
            f"  type: {TRACKER_STORE_CLASS}",
            '  dialect: "sqlite"',
            f"  db: {_quoted(unquote(parts.path[1:]))}",
        ]
    lines = [
        "tracker_store:",
        f"  type: {TRACKER_STORE_CLASS}",
        '  dialect: "postgresql"',
        f"  url: {_quoted(parts.hostname or '')}",
        f"  port: {parts.port or 5432}",
        f"  db: {_quoted(parts.path.lstrip('/'))}",
    ]
    if parts.username:
        lines.append(f"  username: {_quoted(unquote(parts.username))}")
    if parts.password or config.tracker_store_password:
        lines.append("  password: ${TRACKER_STORE_PASSWORD}")
    query = parse_qsl(parts.query)
    if query:  # e.g. ?sslmode=require for a managed PostgreSQL
        lines.append("  query:")
        lines += [f"    {key}: {_quoted(value)}" for key, value in query]
    return lines


def rasa_environment(config: settings.Settings, environ: dict[str, str]) -> dict[str, str]:
    """Rasa's environment: the secrets the endpoints and bot/rasa_run.py refer to, and the
    lifetime of a conversation's lock."""
    env = dict(environ)
    for url, password, name in (
        (config.tracker_store_url, config.tracker_store_password, "TRACKER_STORE_PASSWORD"),
        (config.redis_url, config.redis_password, "REDIS_PASSWORD"),
    ):
        in_url = urlsplit(url).password if url else None
        if not password and in_url:
            env[name] = unquote(in_url)
    env["ACTIONS_SECRET"] = config.actions_api_secret
    env["RASA_AUTH_TOKEN"] = config.rasa_api_token
    # Rasa's ticket lock outlives a replica that dies while answering: keep that wait short.
    env["TICKET_LOCK_LIFETIME"] = str(config.rasa_lock_lifetime)
    return env


def rasa_arguments(config: settings.Settings, host: str, port: int, model: str, credentials: str, endpoints: str) -> list[str]:
    """`rasa run` options (after `python -m bot.rasa_run`): the HTTP API on, CORS only for the
    configured origins. The API token is not among them: bot/rasa_run.py reads it from the
    environment, so it never shows in the process list."""
    arguments = [
        "run",
        "--enable-api",  # the staff web chat reads the tracker (what Rasa understood)
        "--interface",
        host,
        "--port",
        str(port),
        "--model",
        model,
        "--credentials",
        credentials,
        "--endpoints",
        endpoints,
    ]
    if config.cors_origins:
        arguments += ["--cors", *config.cors_origins]
    return arguments
