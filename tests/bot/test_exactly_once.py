"""bot.nlu.rasa_patches (exactly once) against the real bot: a turn that reaches Rasa twice
with the same turn_id (a client's or the load balancer's resend) is answered again from the
tracker, and runs, and is stored, only once."""

from __future__ import annotations

import uuid

import httpx

from tests.bot_servers import user_texts


def post(base: str, sender: str, message: str, turn_id: str | None) -> list[dict]:
    metadata = {"channel": "test", **({"turn_id": turn_id} if turn_id else {})}
    response = httpx.post(
        f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": message, "metadata": metadata}, timeout=60
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_resent_turn_gets_the_same_answer_and_runs_once(bot_url):
    sender, turn = f"once-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    first = post(bot_url, sender, "Trường nào dạy logistics ở Hải Phòng ạ", turn)
    assert "Sao Biển" in first[0]["text"]
    again = post(bot_url, sender, "Trường nào dạy logistics ở Hải Phòng ạ", turn)
    assert again == first
    assert user_texts(bot_url, sender) == ["Trường nào dạy logistics ở Hải Phòng ạ"]

    follow_up = post(bot_url, sender, "trường đó có ký túc xá không", uuid.uuid4().hex)
    assert "ký túc xá" in follow_up[0]["text"]
    assert post(bot_url, sender, "trường đó có ký túc xá không", None)  # no turn_id: a new turn
    assert user_texts(bot_url, sender) == [
        "Trường nào dạy logistics ở Hải Phòng ạ",
        "trường đó có ký túc xá không",
        "trường đó có ký túc xá không",
    ]
