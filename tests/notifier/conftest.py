"""The notifier against the fake Telegram and Zalo servers, on a real catalog (SQLite and
PostgreSQL) with the sample data, and a clock the test moves (no sleeping for days)."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog import db, importer
from catalog.cli import NATIONAL_DIR, SAMPLE_DIR
from catalog.vietnam_time import VIETNAM
from tests.bot.channels.fake_telegram import FakeTelegram
from tests.bot.channels.fake_zalo import FakeZalo

TOKEN = "123456:TEST-notifier-token-abcdef"


class MovableClock:
    """The notifier's `now`: set to a Vietnam wall-clock time, moved by the test."""

    def __init__(self, moment: dt.datetime):
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def set(self, day: dt.date, hour: int, minute: int = 0) -> None:
        self.moment = dt.datetime.combine(day, dt.time(hour, minute), VIETNAM).astimezone(dt.timezone.utc)


@pytest.fixture
def sample(catalog_url):
    importer.import_catalog(NATIONAL_DIR, url=catalog_url)
    importer.import_catalog(SAMPLE_DIR, url=catalog_url, demo=True)
    yield catalog_url
    db.get_engine(catalog_url).dispose()


@pytest.fixture
def fake_telegram():
    fake = FakeTelegram(TOKEN)
    yield fake
    fake.release()
    fake.close()


@pytest.fixture
def fake_zalo():
    fake = FakeZalo()
    yield fake
    fake.close()


@pytest.fixture
def channels(sample, fake_telegram, fake_zalo, set_env, tmp_path):
    set_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake_telegram.url,
        ZALO_APP_ID="1234567890123456789",
        ZALO_OA_API_URL=fake_zalo.url,
        ZALO_ACCESS_TOKEN="token-1",
        ZALO_STATE_DIR=str(tmp_path / "zalo"),
    )
    return fake_telegram, fake_zalo


@pytest.fixture
def clock():
    return MovableClock(dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc))
