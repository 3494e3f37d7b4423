"""GET /metrics of one process, on its own port (settings/ports.py), in a daemon thread.

Why a port of its own rather than a route of each web service: the notifier and the polling
Telegram gateway have no web server, the staff service and the handbook answer the public
or officers, and the chat ports must not grow a page that tells outsiders how busy the bot
is. So the metrics listen on METRICS_HOST (127.0.0.1 by default: only this machine). A
process told to listen anywhere else (a container network) must have METRICS_TOKEN, and then
every scrape must bring `Authorization: Bearer <METRICS_TOKEN>`; without the token it refuses
to start rather than serve the figures openly.

A port that cannot be bound (taken by another copy) costs the metrics, never the service: one
log line, and the process goes on.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

import settings

log = logging.getLogger("metrics")

NO_TOKEN = (
    "METRICS_HOST={host} không phải địa chỉ nội bộ (loopback) mà thiếu METRICS_TOKEN: số đo không được mở cho mọi người. "
    "Đặt METRICS_TOKEN (Prometheus gửi kèm `Authorization: Bearer …`), hoặc để METRICS_HOST=127.0.0.1."
)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # one line per scrape every 15 s would drown the service's own log


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def metrics_app(token: str):
    """The prometheus-client WSGI app, behind `Bearer token` when a token is set."""
    exposition = make_wsgi_app()
    expected = f"Bearer {token}".encode()

    def app(environ, start_response):
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        if token and not hmac.compare_digest(environ.get("HTTP_AUTHORIZATION", "").encode(), expected):
            start_response("401 Unauthorized", [("Content-Type", "text/plain"), ("WWW-Authenticate", "Bearer")])
            return [b"unauthorized\n"]
        return exposition(environ, start_response)

    return app


def serve_metrics(port: int, what: str) -> _Server | None:
    """Serve /metrics on METRICS_HOST:`port` from a daemon thread; 0 = no metrics endpoint."""
    config = settings.get()
    if port <= 0:
        return None
    host = config.metrics_host
    if not is_loopback(host) and not config.metrics_token:
        raise SystemExit(NO_TOKEN.format(host=host))
    try:
        server = make_server(host, port, metrics_app(config.metrics_token), _Server, handler_class=_QuietHandler)
    except OSError as error:
        log.error("Không mở được số đo của %s ở %s:%s (%s); dịch vụ vẫn chạy, không có số đo.", what, host, port, error)
        return None
    threading.Thread(target=server.serve_forever, name=f"metrics-{port}", daemon=True).start()
    log.info("Metrics of %s on http://%s:%s/metrics", what, host, port)
    return server
