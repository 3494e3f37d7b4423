"""The counsellors' web chat talks to Rasa through the service (never from the browser):
REST channel for the message, tracker API (`rasa run --enable-api`) for what Rasa
understood — intent, confidence, entities and the actions that answered."""

from __future__ import annotations

import os

import httpx

CHANNEL = "webchat"
MAX_MESSAGE_CHARS = 2000


class RasaUnavailable(Exception):
    pass


def rasa_url() -> str:
    return os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/")


def _params() -> dict:
    token = os.environ.get("RASA_TOKEN", "")
    return {"token": token} if token else {}


def send(sender: str, message: str) -> dict:
    """{"messages": [{"text", "buttons"}…], "details": {...}} for one user message."""
    message = message[:MAX_MESSAGE_CHARS]
    try:
        with httpx.Client(base_url=rasa_url(), timeout=60) as client:
            response = client.post("/webhooks/rest/webhook",
                                   json={"sender": sender, "message": message, "metadata": {"channel": CHANNEL}})
            response.raise_for_status()
            messages = [
                {"text": m.get("text") or "", "buttons": [
                    {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                    for b in m.get("buttons") or [] if isinstance(b, dict)
                ]}
                for m in response.json() if isinstance(m, dict)
            ]
            tracker = client.get(f"/conversations/{sender}/tracker", params={**_params(), "include_events": "AFTER_RESTART"})
            details = last_turn(tracker.json()) if tracker.status_code == 200 else {}
    except (httpx.HTTPError, ValueError) as error:
        raise RasaUnavailable from error
    return {"messages": messages, "details": details}


def last_turn(tracker: dict) -> dict:
    """What Rasa made of the latest user message and which actions answered it."""
    events = tracker.get("events") or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)
    if last_user is None:
        return {}
    parse = events[last_user].get("parse_data") or {}
    intent = parse.get("intent") or {}
    actions = [
        e.get("name") for e in events[last_user + 1:]
        if e.get("event") == "action" and e.get("name") not in ("action_listen", "action_extract_slots", None)
    ]
    return {
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 3),
        "ranking": [[r.get("name"), round(float(r.get("confidence") or 0.0), 3)] for r in (parse.get("intent_ranking") or [])[:3]],
        "entities": [{"entity": e.get("entity"), "value": e.get("value")} for e in parse.get("entities") or []],
        "actions": actions,
    }
