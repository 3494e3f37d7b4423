"""The public handbook on a real port (uvicorn on loopback), on a real SQLite catalog holding the
national data and the sample catalog (marked as sample, as `make run` loads it)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import settings
from catalog import db, importer
from catalog.migrate import migrate
from portal.app import create_app
from tests.catalog.conftest import NATIONAL_DIR, SAMPLE_DIR
from tests.staff.web.conftest import CHROMIUM, CHROMIUM_ARGS, ServerThread

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ARTIFACTS"]


@dataclass
class Portal:
    url: str
    catalog_url: str
    sample_dir: Path  # a copy of the sample catalog a test may edit and import again

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120, follow_redirects=False)


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portal")
    url = f"sqlite:///{folder / 'catalog.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CATALOG_DATABASE_URL", url)
        patch.setenv("PORTAL_REFRESH_SECONDS", "0.2")
        patch.setenv("PORTAL_EMBED_ORIGINS", "https://truong-mau.edu.vn")
        patch.setenv("PORTAL_TELEGRAM_LINK", "https://t.me/cam_nang_mau_bot")
        patch.setenv("PORTAL_ZALO_LINK", "https://zalo.me/0000000000")
        settings.reload()
        migrate(url)
        importer.import_catalog(NATIONAL_DIR, url=url)
        importer.import_catalog(SAMPLE_DIR, url=url, demo=True)
        sample = folder / "sample"
        shutil.copytree(SAMPLE_DIR, sample)
        with ServerThread(create_app()) as address:
            yield Portal(address, url, sample)
        db.get_engine(url).dispose()
    settings.reload()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt install chromium` (make test does it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
