"""One reminder to one Zalo user through the OA customer-service API (shared/research/channels.md §1).

The access token is the Zalo gateway's: read from its token file (the gateway refreshes it;
the refresh token is single-use, so a second refresher would break the gateway), else the
configured one. A refused token is "not delivered" and tried on a later round.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.channels.token_file import TokenFile
from bot.channels.zalo_gateway import zalo_messages
from notifier.delivery import Outcome, Result
from notifier.wording import Message

OUTSIDE_WINDOW = -230  # "no interaction in 7 days" (channels.md: hoangnd25's table, not official)
NOT_FOLLOWER = -213
NOT_DELIVERED_ERRORS = (-32, -216, -220)  # rate limit, invalid/expired token


class ZaloSender:
    def __init__(self, api_url: str, configured_token: str, token_file: Path, http: httpx.AsyncClient):
        self.url = f"{api_url.rstrip('/')}/v3.0/oa/message/cs"
        self.configured_token = configured_token
        self.tokens = TokenFile(token_file)
        self.http = http

    def token(self) -> str:
        return (self.tokens.load() or {}).get("access_token") or self.configured_token

    async def send(self, user_id: str, message: Message) -> Result:
        parts = zalo_messages(message.text, [b for b in message.buttons if b.get("payload")])
        for index, part in enumerate(parts):
            result = await self._one(user_id, part)
            if result.outcome is not Outcome.DELIVERED:
                # a later part after a delivered first one: the reminder arrived, in part
                return Result(Outcome.UNKNOWN, result.reason) if index else result
        return Result(Outcome.DELIVERED)

    async def _one(self, user_id: str, part: dict) -> Result:
        try:
            response = await self.http.post(
                self.url, headers={"access_token": self.token()}, json={"recipient": {"user_id": user_id}, "message": part}
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteError, httpx.WriteTimeout) as error:
            return Result(Outcome.NOT_DELIVERED, f"OA API not reached ({type(error).__name__})")
        except httpx.HTTPError as error:
            return Result(Outcome.UNKNOWN, f"no answer from the OA API ({type(error).__name__})")
        if response.status_code == 504:
            return Result(Outcome.UNKNOWN, "HTTP 504")
        if response.status_code == 429 or response.status_code >= 500:
            return Result(Outcome.NOT_DELIVERED, f"HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            return Result(Outcome.UNKNOWN if response.status_code == 200 else Outcome.REFUSED, "no JSON answer")
        error = data.get("error") if isinstance(data, dict) else None
        if error == 0:
            return Result(Outcome.DELIVERED)
        if error in NOT_DELIVERED_ERRORS:
            return Result(Outcome.NOT_DELIVERED, f"error {error}")
        if error == OUTSIDE_WINDOW:
            return Result(Outcome.REFUSED, "zalo_window")
        if error == NOT_FOLLOWER:
            return Result(Outcome.BLOCKED, f"error {error}")
        return Result(Outcome.REFUSED, f"error {error}")
