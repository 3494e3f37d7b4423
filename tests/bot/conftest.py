from __future__ import annotations

import pytest

from tests.bot_servers import Chat


@pytest.fixture
def chat(bot_url):
    return Chat(bot_url)
