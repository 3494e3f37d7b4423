"""Issue 22, bot side: the handbook's PDF is sent as a Telegram document, fetched from the
public handbook; one that cannot be fetched (or comes from elsewhere) leaves the link alone."""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

from bot.channels.telegram_gateway import Settings, TelegramGateway
from tests.bot.channels.conftest import TELEGRAM_TOKEN
from tests.bot.channels.fake_telegram import FakeTelegram

PDF = b"%PDF-1.7\n% a handbook\n%%EOF\n"


def pdf_server() -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            found = self.path == "/quang-ninh.pdf"
            body = PDF if found else b"not found"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/pdf" if found else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_the_handbook_pdf_goes_as_a_document_and_only_from_the_handbook(tmp_path, set_env):
    fake, portal = FakeTelegram(TELEGRAM_TOKEN), pdf_server()
    base = f"http://127.0.0.1:{portal.server_address[1]}"
    set_env(
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_URL=fake.url,
        TELEGRAM_STATE_DIR=str(tmp_path),
        PORTAL_PUBLIC_URL=base,
    )
    gateway = TelegramGateway(Settings.from_env())
    application = gateway.build()

    async def deliver_all():
        async with application:
            context = SimpleNamespace(bot=application.bot)
            document = {"url": f"{base}/quang-ninh.pdf", "filename": "cam-nang-quang-ninh.pdf"}
            await gateway.deliver(context, 42, [{"text": f"Cẩm nang: {base}/quang-ninh"}, {"custom": {"document": document}}])
            await gateway.deliver(context, 42, [{"custom": {"document": {"url": f"{base}/lang-son.pdf"}}}])  # 404
            await gateway.deliver(context, 42, [{"custom": {"document": {"url": "http://elsewhere.example/x.pdf"}}}])
        await gateway.rasa.close()
        await gateway.store.close()

    try:
        asyncio.run(deliver_all())
        assert [m["text"] for m in fake.messages_to(42)] == [f"Cẩm nang: {base}/quang-ninh"]
        assert [(d["chat_id"], d["filename"], d["bytes"]) for d in fake.documents] == [(42, "cam-nang-quang-ninh.pdf", PDF)]
    finally:
        portal.shutdown()
        fake.close()
