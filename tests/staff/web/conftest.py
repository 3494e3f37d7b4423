"""The offices' service on a real port, on a real catalog (SQLite and PostgreSQL), with accounts:
officer A (school QN-VHBM), officer B (school QN-CDN) and an administrator."""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import openpyxl
import pytest
import uvicorn

from catalog import importer
from staff import accounts
from staff.web.app import create_app
from tests.catalog.conftest import NATIONAL_DIR, SAMPLE_DIR

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt install chromium` (make test does it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


SCHOOL_A = "QN-VHBM"
SCHOOL_B = "QN-MOHL"
PASSWORD = "mat-khau-thu-nghiem"


@dataclass
class Office:
    url: str
    catalog_url: str
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, who: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, follow_redirects=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerThread:
    """uvicorn serving an app in a thread: real HTTP on loopback, stopped cleanly."""

    def __init__(self, app):
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False, lifespan="off")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("office service did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def office(catalog_url):
    importer.import_catalog(NATIONAL_DIR, url=catalog_url)
    importer.import_catalog(SAMPLE_DIR, url=catalog_url, demo=True)
    accounts.add_user("canbo.a", PASSWORD, "school", [SCHOOL_A], url=catalog_url)
    accounts.add_user("canbo.b", PASSWORD, "school", [SCHOOL_B], url=catalog_url)
    accounts.add_user("quantri", PASSWORD, "admin", [], url=catalog_url)
    with ServerThread(create_app(catalog_url)) as url:
        service = Office(url, catalog_url)
        for name in ("canbo.a", "canbo.b", "quantri"):
            service.tokens[name] = accounts.issue_token(name, "tests", url=catalog_url)
        yield service


# --- editing workbooks the way an officer does in Excel ------------------------------------


def load_workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def save_workbook(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def set_cell(workbook, sheet: str, key: dict[str, str], column: str, value) -> None:
    """Sets `column` on the row whose cells match `key` (e.g. {"code": "6520227"})."""
    ws = workbook[sheet]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if all(str(row[header.index(k)].value) == v for k, v in key.items()):
            row[header.index(column)].value = value
            return
    raise AssertionError(f"no row {key} in {sheet}")


def delete_row(workbook, sheet: str, key: dict[str, str]) -> None:
    ws = workbook[sheet]
    header = [c.value for c in ws[1]]
    for index, row in enumerate(ws.iter_rows(min_row=2), start=2):
        if all(str(row[header.index(k)].value) == v for k, v in key.items()):
            ws.delete_rows(index)
            return
    raise AssertionError(f"no row {key} in {sheet}")


def append_row(workbook, sheet: str, values: dict) -> None:
    ws = workbook[sheet]
    header = [c.value for c in ws[1]]
    ws.append([values.get(h) for h in header])
