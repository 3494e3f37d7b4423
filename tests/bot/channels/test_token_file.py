"""bot/channels/token_file.py: the single-use Zalo refresh token is never half-written nor readable by others."""

from __future__ import annotations

from bot.channels.token_file import TokenFile


def test_token_file_is_replaced_atomically_and_private(tmp_path):
    store = TokenFile(tmp_path / "tokens.json")
    assert store.load() is None
    store.save({"access_token": "a", "refresh_token": "r", "expires_at": 1.0})
    assert store.load() == {"access_token": "a", "refresh_token": "r", "expires_at": 1.0}
    assert (tmp_path / "tokens.json").stat().st_mode & 0o077 == 0
    assert not (tmp_path / "tokens.tmp").exists()
