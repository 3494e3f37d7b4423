"""The one table of listeners: every process that accepts connections, its address and port.

Defaults bind to loopback: a service is reachable from outside only when an
operator sets its host variable (e.g. `0.0.0.0` in a container). No two
default ports are equal (a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Listener:
    name: str
    host_var: str
    port_var: str
    default_host: str
    default_port: int
    who: str  # who may reach it, in Vietnamese (README and docs/security.md)


LISTENERS = (
    Listener(
        "Rasa",
        "RASA_HOST",
        "RASA_PORT",
        "127.0.0.1",
        5005,
        "kênh chat REST (mở) cho cổng kênh và trang tư vấn; API HTTP của Rasa chỉ với RASA_AUTH_TOKEN",
    ),
    Listener(
        "Máy chủ hành động",
        "ACTIONS_HOST",
        "ACTIONS_PORT",
        "127.0.0.1",
        5055,
        "chỉ Rasa, kèm ACTIONS_SECRET; với RASA_REPLICAS=N, máy chủ của bản sao thứ i ở cổng này + i",
    ),
    Listener(
        "Bản sao Rasa (RASA_REPLICAS > 1)",
        "RASA_REPLICA_HOST",
        "RASA_REPLICA_PORT",
        "127.0.0.1",
        5010,
        "chỉ HAProxy (nghe ở RASA_HOST:RASA_PORT); bản sao thứ i ở cổng này + i",
    ),
    Listener(
        "Trang cán bộ (staff)",
        "OFFICE_HOST",
        "OFFICE_PORT",
        "127.0.0.1",
        8090,
        "phòng tuyển sinh, người tư vấn, quản trị (đăng nhập)",
    ),
    Listener(
        "Cẩm nang công khai (portal)",
        "PORTAL_HOST",
        "PORTAL_PORT",
        "127.0.0.1",
        8092,
        "mọi người (trang công khai, chỉ đọc; khung chat có giới hạn tốc độ)",
    ),
    Listener("Cổng Zalo", "ZALO_LISTEN", "ZALO_PORT", "127.0.0.1", 8091, "máy chủ Zalo (webhook có chữ ký)"),
    Listener(
        "Cổng Telegram (chế độ webhook)",
        "TELEGRAM_WEBHOOK_LISTEN",
        "TELEGRAM_WEBHOOK_PORT",
        "127.0.0.1",
        8443,
        "máy chủ Telegram (webhook có mã bí mật)",
    ),
    Listener(
        "Số đo: Máy chủ hành động",
        "METRICS_HOST",
        "ACTIONS_METRICS_PORT",
        "127.0.0.1",
        9101,
        "Prometheus; với RASA_REPLICAS=N, máy chủ hành động thứ i ở cổng này + i; ngoài loopback chỉ với METRICS_TOKEN",
    ),
    Listener(
        "Số đo: Cổng Telegram",
        "METRICS_HOST",
        "TELEGRAM_METRICS_PORT",
        "127.0.0.1",
        9111,
        "Prometheus; ngoài loopback chỉ với METRICS_TOKEN",
    ),
    Listener(
        "Số đo: Cổng Zalo",
        "METRICS_HOST",
        "ZALO_METRICS_PORT",
        "127.0.0.1",
        9112,
        "Prometheus; ngoài loopback chỉ với METRICS_TOKEN",
    ),
    Listener(
        "Số đo: Trang cán bộ (staff)",
        "METRICS_HOST",
        "OFFICE_METRICS_PORT",
        "127.0.0.1",
        9113,
        "Prometheus; ngoài loopback chỉ với METRICS_TOKEN",
    ),
    Listener(
        "Số đo: Cẩm nang công khai (portal)",
        "METRICS_HOST",
        "PORTAL_METRICS_PORT",
        "127.0.0.1",
        9114,
        "Prometheus; ngoài loopback chỉ với METRICS_TOKEN",
    ),
    Listener(
        "Số đo: Tiến trình gửi nhắc lịch (notifier)",
        "METRICS_HOST",
        "NOTIFIER_METRICS_PORT",
        "127.0.0.1",
        9115,
        "Prometheus; ngoài loopback chỉ với METRICS_TOKEN",
    ),
    Listener(
        "Số đo: HAProxy (RASA_REPLICAS > 1)",
        "METRICS_HOST",
        "HAPROXY_METRICS_PORT",
        "127.0.0.1",
        9120,
        "Prometheus (số đo của HAProxy về các bản sao Rasa); ngoài loopback chỉ với METRICS_TOKEN",
    ),
)

DEFAULTS = {listener.host_var: listener.default_host for listener in LISTENERS} | {
    listener.port_var: listener.default_port for listener in LISTENERS
}
