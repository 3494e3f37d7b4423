"""Every environment variable the project reads, typed, with its default, read once per process.

Why one place: settings scattered over many modules drift apart (two services
once shared a default port). Each process calls `settings.get()`; the first
call reads the environment, later calls return the same frozen object. Tests
that change a variable call `settings.reload()`.

Standard library only: the Rasa environment (Python 3.10) may import it too.
The README's table of variables is checked against `VARIABLES` by a test;
`python -m settings` prints that table.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from settings import generated
from settings.ports import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent


def _var(env: str, default, doc: str, *, secret: bool = False, group: str = ""):
    return field(default=default, repr=not secret, metadata={"env": env, "doc": doc, "secret": secret, "group": group})


@dataclass(frozen=True)
class Settings:
    # --- catalog -------------------------------------------------------------------------
    catalog_database_url: str = _var(
        "CATALOG_DATABASE_URL",
        "",
        "Cơ sở dữ liệu danh mục; trống = SQLite `var/catalog.sqlite3`. Chạy thật: `postgresql+psycopg://người_dùng@máy/csdl`.",
        secret=True,
        group="Danh mục",
    )
    catalog_import_max_bytes: int = _var(
        "CATALOG_IMPORT_MAX_BYTES", 30 * 1024 * 1024, "Cỡ tệp lớn nhất khi `catalog import` (byte).", group="Danh mục"
    )

    # --- bot (Rasa, action server) ---------------------------------------------------------
    rasa_host: str = _var("RASA_HOST", DEFAULTS["RASA_HOST"], "Địa chỉ Rasa lắng nghe.", group="Bot")
    rasa_port: int = _var("RASA_PORT", DEFAULTS["RASA_PORT"], "Cổng của Rasa (kênh REST, API).", group="Bot")
    actions_host: str = _var("ACTIONS_HOST", DEFAULTS["ACTIONS_HOST"], "Địa chỉ máy chủ hành động lắng nghe.", group="Bot")
    actions_port: int = _var("ACTIONS_PORT", DEFAULTS["ACTIONS_PORT"], "Cổng của máy chủ hành động.", group="Bot")
    action_endpoint_url: str = _var(
        "ACTION_ENDPOINT_URL",
        "",
        "Địa chỉ Rasa gọi máy chủ hành động; trống = `http://127.0.0.1:ACTIONS_PORT/webhook`.",
        group="Bot",
    )
    rasa_url: str = _var(
        "RASA_URL",
        "",
        "Địa chỉ Rasa cho các cổng kênh, trang tư vấn và kiểm tra hội thoại; trống = `http://127.0.0.1:RASA_PORT`.",
        group="Bot",
    )
    rasa_auth_token: str = _var(
        "RASA_AUTH_TOKEN",
        "",
        "Mã truy cập API HTTP của Rasa (kênh chat REST không cần); trống = `make serve` tự tạo một mã trong "
        "`var/secrets/rasa-auth-token` (quyền 0600) và trao cho trang tư vấn, kiểm tra hội thoại.",
        secret=True,
        group="Bot",
    )
    rasa_cors_origins: str = _var(
        "RASA_CORS_ORIGINS",
        "",
        "Các trang web (origin, cách nhau bằng dấu phẩy) được gọi Rasa từ trình duyệt; trống = không trang nào "
        "(khung chat của người tư vấn đi qua trang cán bộ, không cần).",
        group="Bot",
    )
    actions_secret: str = _var(
        "ACTIONS_SECRET",
        "",
        "Mã bí mật Rasa gửi kèm mỗi lần gọi máy chủ hành động; trống = `make serve` tự tạo trong "
        "`var/secrets/actions-secret`. Chạy thật nhiều máy: đặt cùng một giá trị cho Rasa và máy chủ hành động.",
        secret=True,
        group="Bot",
    )
    rasa_timeout: float = _var("RASA_TIMEOUT", 30.0, "Số giây các cổng kênh chờ Rasa trả lời.", group="Bot")
    tracker_store_url: str = _var(
        "TRACKER_STORE_URL",
        "",
        "Kho hội thoại của Rasa: PostgreSQL (`postgresql://người_dùng@máy:5432/csdl`) hoặc tệp SQLite "
        "(`sqlite:///đường/dẫn.db`); trống = tệp SQLite `var/conversations.sqlite3` (hội thoại còn sau khi "
        "khởi động lại); `memory` = trong bộ nhớ (mất khi Rasa dừng).",
        secret=True,
        group="Bot",
    )
    tracker_store_password: str = _var(
        "TRACKER_STORE_PASSWORD", "", "Mật khẩu của kho hội thoại (Rasa đọc).", secret=True, group="Bot"
    )
    redis_url: str = _var(
        "REDIS_URL",
        "",
        "Redis cho khóa hội thoại của Rasa và trạng thái của kênh Telegram, Zalo (chống trùng, hàng đợi gửi, giới hạn tốc độ).",
        secret=True,  # may carry a password
        group="Bot",
    )
    redis_password: str = _var("REDIS_PASSWORD", "", "Mật khẩu Redis (Rasa đọc).", secret=True, group="Bot")
    rasa_replicas: int = _var(
        "RASA_REPLICAS",
        1,
        "Số bản sao Rasa (mỗi bản sao một máy chủ hành động) sau HAProxy ở RASA_HOST:RASA_PORT; hơn 1 cần "
        "TRACKER_STORE_URL và REDIS_URL để bản sao nào cũng tiếp tục được mọi hội thoại.",
        group="Bot",
    )
    rasa_replica_host: str = _var(
        "RASA_REPLICA_HOST", DEFAULTS["RASA_REPLICA_HOST"], "Địa chỉ các bản sao Rasa lắng nghe (chỉ HAProxy gọi).", group="Bot"
    )
    rasa_replica_port: int = _var(
        "RASA_REPLICA_PORT",
        DEFAULTS["RASA_REPLICA_PORT"],
        "Cổng của bản sao Rasa đầu tiên; bản sao thứ i dùng cổng này + i, máy chủ hành động của nó ACTIONS_PORT + i.",
        group="Bot",
    )
    rasa_lock_lifetime: int = _var(
        "RASA_LOCK_LIFETIME",
        20,
        "Số giây một hội thoại bị khóa khi Rasa đang trả lời; bản sao chết giữa chừng thì lượt kế tiếp chờ tối đa chừng này. "
        "Phải dài hơn lượt chờ và xử lý lâu nhất lúc tải cao (vé khóa hết hạn khi đang chờ thì lượt đó kẹt), ngắn hơn RASA_TIMEOUT.",
        group="Bot",
    )
    counsellor_contact: str = _var(
        "COUNSELLOR_CONTACT", "", "Số điện thoại / Zalo của người tư vấn mà bot đưa ra khi chưa hiểu.", group="Bot"
    )

    # --- counselling records -----------------------------------------------------------------
    gaps_low_confidence: float = _var(
        "GAPS_LOW_CONFIDENCE", 0.6, 'Dưới độ tin cậy này câu hỏi được ghi vào "câu hỏi chưa trả lời".', group="Tư vấn"
    )
    handoff_callback_time: str = _var(
        "HANDOFF_CALLBACK_TIME", "trong 2 ngày làm việc", "Thời hạn gọi lại mà bot hứa với học sinh.", group="Tư vấn"
    )
    privacy_retention_days: int = _var(
        "PRIVACY_RETENTION_DAYS", 180, "Số ngày giữ câu hỏi chưa trả lời và yêu cầu gọi lại.", group="Tư vấn"
    )
    privacy_secret: str = _var(
        "PRIVACY_SECRET",
        "gdnn-default-secret-change-me",
        "Khóa băm mã người gửi; **đặt giá trị riêng khi chạy thật**.",
        secret=True,
        group="Tư vấn",
    )

    # --- staff web service -------------------------------------------------------------------
    office_host: str = _var(
        "OFFICE_HOST", DEFAULTS["OFFICE_HOST"], "Địa chỉ trang web cho cán bộ lắng nghe.", group="Trang cán bộ"
    )
    office_port: int = _var("OFFICE_PORT", DEFAULTS["OFFICE_PORT"], "Cổng trang web cho cán bộ.", group="Trang cán bộ")
    office_disabled: bool = _var(
        "OFFICE_DISABLED", False, "`1` = `make run`/`make serve` không bật trang cán bộ.", group="Trang cán bộ"
    )
    office_session_hours: float = _var("OFFICE_SESSION_HOURS", 8.0, "Phiên đăng nhập kéo dài (giờ).", group="Trang cán bộ")
    office_token_days: float = _var("OFFICE_TOKEN_DAYS", 365.0, "Hạn của mã truy cập API (ngày).", group="Trang cán bộ")
    office_login_max_failures: int = _var(
        "OFFICE_LOGIN_MAX_FAILURES",
        5,
        "Số lần đăng nhập sai cho một tên từ một địa chỉ trước khi tạm chặn tên đó từ địa chỉ đó (nơi khác vẫn đăng nhập được).",
        group="Trang cán bộ",
    )
    office_login_max_failures_per_address: int = _var(
        "OFFICE_LOGIN_MAX_FAILURES_PER_ADDRESS",
        20,
        "Số lần đăng nhập sai từ một địa chỉ (mọi tên) trước khi tạm chặn mọi tên từ địa chỉ đó.",
        group="Trang cán bộ",
    )
    office_login_max_delay_seconds: float = _var(
        "OFFICE_LOGIN_MAX_DELAY_SECONDS",
        10.0,
        "Chờ lâu nhất (giây) trước mỗi lần đăng nhập vào một tên đã bị đoán sai nhiều lần từ nhiều địa chỉ (chờ, không khóa).",
        group="Trang cán bộ",
    )
    office_login_window_minutes: float = _var(
        "OFFICE_LOGIN_WINDOW_MINUTES",
        15.0,
        "Lần đăng nhập sai được tính trong bao lâu, cũng là thời gian tạm chặn (phút).",
        group="Trang cán bộ",
    )
    office_max_upload_bytes: int = _var(
        "OFFICE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, "Cỡ tệp tải lên lớn nhất (byte).", group="Trang cán bộ"
    )
    office_max_upload_rows: int = _var(
        "OFFICE_MAX_UPLOAD_ROWS", 5000, "Số dòng lớn nhất của một tệp tải lên.", group="Trang cán bộ"
    )
    office_trust_proxy: bool = _var(
        "OFFICE_TRUST_PROXY",
        False,
        "`1` = lấy địa chỉ người dùng từ mục cuối của `X-Forwarded-For` (chỉ khi đứng sau đúng một proxy của mình).",
        group="Trang cán bộ",
    )
    office_cookie_secure: str = _var(
        "OFFICE_COOKIE_SECURE", "auto", "`1`/`0`/`auto`: cookie chỉ qua HTTPS (`auto` = theo yêu cầu).", group="Trang cán bộ"
    )

    # --- public handbook (portal) -------------------------------------------------------------
    portal_host: str = _var(
        "PORTAL_HOST", DEFAULTS["PORTAL_HOST"], "Địa chỉ trang cẩm nang công khai lắng nghe.", group="Cẩm nang"
    )
    portal_port: int = _var("PORTAL_PORT", DEFAULTS["PORTAL_PORT"], "Cổng trang cẩm nang công khai.", group="Cẩm nang")
    portal_disabled: bool = _var(
        "PORTAL_DISABLED", False, "`1` = `make run`/`make serve` không bật trang cẩm nang.", group="Cẩm nang"
    )
    portal_public_url: str = _var(
        "PORTAL_PUBLIC_URL",
        "",
        "Địa chỉ công khai của trang cẩm nang (in trong PDF, đoạn mã nhúng); trống = `http://127.0.0.1:PORTAL_PORT`.",
        group="Cẩm nang",
    )
    portal_telegram_link: str = _var(
        "PORTAL_TELEGRAM_LINK",
        "",
        "Liên kết mở bot trên Telegram (`https://t.me/ten_bot`, có thể kèm `?start=…`), in thành mã QR trong cẩm nang.",
        group="Cẩm nang",
    )
    portal_zalo_link: str = _var(
        "PORTAL_ZALO_LINK",
        "",
        "Liên kết Zalo OA của bot (`https://zalo.me/…`), in thành mã QR trong cẩm nang.",
        group="Cẩm nang",
    )
    portal_embed_origins: str = _var(
        "PORTAL_EMBED_ORIGINS",
        "",
        "Các trang web (origin, cách nhau bằng dấu phẩy, ví dụ `https://truong.edu.vn`) được nhúng khung chat; "
        "trống = không trang nào.",
        group="Cẩm nang",
    )
    portal_chat_per_minute: int = _var(
        "PORTAL_CHAT_PER_MINUTE",
        20,
        "Số tin một người xem được gửi qua khung chat trong một phút (mỗi địa chỉ được gấp 5 lần).",
        group="Cẩm nang",
    )
    portal_trust_proxy: bool = _var(
        "PORTAL_TRUST_PROXY",
        False,
        "`1` = lấy địa chỉ người xem từ mục cuối của `X-Forwarded-For` (chỉ khi đứng sau đúng một proxy của mình).",
        group="Cẩm nang",
    )
    portal_refresh_seconds: float = _var(
        "PORTAL_REFRESH_SECONDS",
        2.0,
        "Cứ chừng này giây trang cẩm nang xem danh mục có đổi không (trang, PDF làm lại theo phiên bản danh mục).",
        group="Cẩm nang",
    )

    # --- Telegram ------------------------------------------------------------------------
    telegram_bot_token: str = _var(
        "TELEGRAM_BOT_TOKEN", "", "Mã bot từ BotFather; có thì `make serve` bật kênh Telegram.", secret=True, group="Telegram"
    )
    telegram_api_url: str = _var(
        "TELEGRAM_API_URL", "https://api.telegram.org", "Máy chủ Bot API (kiểm thử dùng bản giả).", group="Telegram"
    )
    telegram_mode: str = _var("TELEGRAM_MODE", "polling", "`polling` hoặc `webhook`.", group="Telegram")
    telegram_webhook_url: str = _var("TELEGRAM_WEBHOOK_URL", "", "Địa chỉ HTTPS công khai cho chế độ webhook.", group="Telegram")
    telegram_webhook_secret: str = _var(
        "TELEGRAM_WEBHOOK_SECRET", "", "Mã bí mật Telegram gửi kèm mỗi webhook.", secret=True, group="Telegram"
    )
    telegram_webhook_listen: str = _var(
        "TELEGRAM_WEBHOOK_LISTEN",
        DEFAULTS["TELEGRAM_WEBHOOK_LISTEN"],
        "Địa chỉ cổng webhook Telegram lắng nghe.",
        group="Telegram",
    )
    telegram_webhook_port: int = _var(
        "TELEGRAM_WEBHOOK_PORT", DEFAULTS["TELEGRAM_WEBHOOK_PORT"], "Cổng webhook Telegram.", group="Telegram"
    )
    telegram_poll_timeout: int = _var("TELEGRAM_POLL_TIMEOUT", 30, "Thời gian chờ mỗi lần hỏi tin mới (giây).", group="Telegram")
    telegram_typing_delay_seconds: float = _var(
        "TELEGRAM_TYPING_DELAY_SECONDS", 0.5, 'Hiện "đang nhập…" khi Rasa trả lời chậm hơn số giây này.', group="Telegram"
    )
    telegram_state_dir: str = _var(
        "TELEGRAM_STATE_DIR",
        "",
        "Thư mục giữ tin đã xử lý và dữ liệu nút bấm khi không có REDIS_URL; trống = `var/telegram`.",
        group="Telegram",
    )
    telegram_rate_limit_per_minute: int = _var(
        "TELEGRAM_RATE_LIMIT_PER_MINUTE", 20, "Số tin mỗi người được gửi trong một phút (0 = không giới hạn).", group="Telegram"
    )

    # --- Zalo ----------------------------------------------------------------------------
    zalo_app_id: str = _var("ZALO_APP_ID", "", "ID ứng dụng Zalo; có thì `make serve` bật kênh Zalo.", group="Zalo")
    zalo_oa_secret_key: str = _var("ZALO_OA_SECRET_KEY", "", "Khóa bí mật OA (kiểm chữ ký webhook).", secret=True, group="Zalo")
    zalo_app_secret_key: str = _var(
        "ZALO_APP_SECRET_KEY", "", "Khóa bí mật ứng dụng (làm mới access token).", secret=True, group="Zalo"
    )
    zalo_access_token: str = _var("ZALO_ACCESS_TOKEN", "", "Access token ban đầu của OA.", secret=True, group="Zalo")
    zalo_refresh_token: str = _var("ZALO_REFRESH_TOKEN", "", "Refresh token ban đầu của OA.", secret=True, group="Zalo")
    zalo_oa_api_url: str = _var("ZALO_OA_API_URL", "https://openapi.zalo.me", "Máy chủ OA API.", group="Zalo")
    zalo_oauth_url: str = _var("ZALO_OAUTH_URL", "https://oauth.zaloapp.com", "Máy chủ OAuth của Zalo.", group="Zalo")
    zalo_listen: str = _var("ZALO_LISTEN", DEFAULTS["ZALO_LISTEN"], "Địa chỉ cổng webhook Zalo lắng nghe.", group="Zalo")
    zalo_port: int = _var("ZALO_PORT", DEFAULTS["ZALO_PORT"], "Cổng webhook Zalo.", group="Zalo")
    zalo_signature_window_seconds: float = _var(
        "ZALO_SIGNATURE_WINDOW_SECONDS", 600.0, "Webhook cũ hơn số giây này bị từ chối.", group="Zalo"
    )
    zalo_state_dir: str = _var(
        "ZALO_STATE_DIR",
        "",
        "Thư mục giữ token (và tin đã xử lý, hàng đợi gửi khi không có REDIS_URL); trống = `var/zalo`.",
        group="Zalo",
    )
    zalo_send_backoff_seconds: float = _var(
        "ZALO_SEND_BACKOFF_SECONDS", 0.5, "Chờ trước lần gửi lại đầu tiên; sau đó gấp đôi mỗi lần.", group="Zalo"
    )
    zalo_send_backoff_max_seconds: float = _var(
        "ZALO_SEND_BACKOFF_MAX_SECONDS", 30.0, "Chờ lâu nhất giữa hai lần gửi lại.", group="Zalo"
    )
    zalo_send_timeout_seconds: float = _var(
        "ZALO_SEND_TIMEOUT_SECONDS",
        60.0,
        "Chờ OA API trả lời một lần gửi; quá hạn thì không rõ tin đã đến chưa nên không gửi lại.",
        group="Zalo",
    )
    zalo_outbox_max_age_seconds: float = _var(
        "ZALO_OUTBOX_MAX_AGE_SECONDS", 3600.0, "Tin chưa gửi được thì thử lại trong chừng này giây rồi bỏ.", group="Zalo"
    )
    zalo_rate_limit_per_minute: int = _var(
        "ZALO_RATE_LIMIT_PER_MINUTE", 20, "Số tin mỗi người được gửi trong một phút (0 = không giới hạn).", group="Zalo"
    )

    # --- reminders (notifier) ----------------------------------------------------------------
    notifier_disabled: bool = _var(
        "NOTIFIER_DISABLED", False, "`1` = `make run`/`make serve` không bật tiến trình gửi nhắc lịch.", group="Nhắc lịch"
    )
    notifier_interval_seconds: float = _var(
        "NOTIFIER_INTERVAL_SECONDS",
        30.0,
        "Cứ chừng này giây tiến trình nhắc lịch xem có nhắc nào đến giờ gửi.",
        group="Nhắc lịch",
    )
    notifier_telegram_per_second: float = _var(
        "NOTIFIER_TELEGRAM_PER_SECOND",
        25.0,
        "Số tin nhắc gửi qua Telegram tối đa mỗi giây, mọi người cộng lại (Telegram cho khoảng 30).",
        group="Nhắc lịch",
    )
    notifier_telegram_chat_seconds: float = _var(
        "NOTIFIER_TELEGRAM_CHAT_SECONDS",
        1.0,
        "Hai tin nhắc tới cùng một người Telegram cách nhau ít nhất chừng này giây.",
        group="Nhắc lịch",
    )
    notifier_zalo_window_hours: float = _var(
        "NOTIFIER_ZALO_WINDOW_HOURS",
        48.0,
        "Zalo OA chỉ gửi tin miễn phí trong chừng này giờ sau tin nhắn gần nhất của người dùng "
        "(docs/security.md, mục Nhắc lịch; nguồn không thống nhất 48 giờ hay 7 ngày, mặc định chọn mức chặt hơn).",
        group="Nhắc lịch",
    )
    notifier_send_timeout_seconds: float = _var(
        "NOTIFIER_SEND_TIMEOUT_SECONDS", 30.0, "Chờ Telegram/Zalo trả lời một tin nhắc chừng này giây.", group="Nhắc lịch"
    )

    # --- metrics (Prometheus) ------------------------------------------------------------------
    metrics_host: str = _var(
        "METRICS_HOST",
        DEFAULTS["METRICS_HOST"],
        "Địa chỉ các cổng số đo `/metrics` lắng nghe; khác loopback thì bắt buộc có METRICS_TOKEN.",
        group="Số đo",
    )
    metrics_token: str = _var(
        "METRICS_TOKEN",
        "",
        "Mã Prometheus gửi kèm (`Authorization: Bearer …`) khi đọc `/metrics`; trống = không cần mã (chỉ khi nghe ở loopback).",
        secret=True,
        group="Số đo",
    )
    actions_metrics_port: int = _var(
        "ACTIONS_METRICS_PORT",
        DEFAULTS["ACTIONS_METRICS_PORT"],
        "Cổng số đo `/metrics` của máy chủ hành động (bản sao thứ i: cổng này + i); 0 = tắt.",
        group="Số đo",
    )
    telegram_metrics_port: int = _var(
        "TELEGRAM_METRICS_PORT",
        DEFAULTS["TELEGRAM_METRICS_PORT"],
        "Cổng số đo `/metrics` của cổng kênh Telegram; 0 = tắt.",
        group="Số đo",
    )
    zalo_metrics_port: int = _var(
        "ZALO_METRICS_PORT", DEFAULTS["ZALO_METRICS_PORT"], "Cổng số đo `/metrics` của cổng kênh Zalo; 0 = tắt.", group="Số đo"
    )
    office_metrics_port: int = _var(
        "OFFICE_METRICS_PORT", DEFAULTS["OFFICE_METRICS_PORT"], "Cổng số đo `/metrics` của trang cán bộ; 0 = tắt.", group="Số đo"
    )
    portal_metrics_port: int = _var(
        "PORTAL_METRICS_PORT",
        DEFAULTS["PORTAL_METRICS_PORT"],
        "Cổng số đo `/metrics` của cẩm nang công khai; 0 = tắt.",
        group="Số đo",
    )
    notifier_metrics_port: int = _var(
        "NOTIFIER_METRICS_PORT",
        DEFAULTS["NOTIFIER_METRICS_PORT"],
        "Cổng số đo `/metrics` của tiến trình gửi nhắc lịch; 0 = tắt.",
        group="Số đo",
    )
    haproxy_metrics_port: int = _var(
        "HAPROXY_METRICS_PORT",
        DEFAULTS["HAPROXY_METRICS_PORT"],
        "Cổng số đo `/metrics` của HAProxy trước các bản sao Rasa (RASA_REPLICAS > 1); 0 = tắt.",
        group="Số đo",
    )

    # --- values derived from the ones above -------------------------------------------------
    @property
    def rasa_base_url(self) -> str:
        return (self.rasa_url or f"http://127.0.0.1:{self.rasa_port}").rstrip("/")

    @property
    def rasa_api_token(self) -> str:
        """RASA_AUTH_TOKEN, or the one the launcher generated for this checkout."""
        return self.rasa_auth_token or generated.read("rasa-auth-token")

    @property
    def actions_api_secret(self) -> str:
        """ACTIONS_SECRET, or the one the launcher generated for this checkout."""
        return self.actions_secret or generated.read("actions-secret")

    @property
    def rasa_tracker_store_url(self) -> str:
        """Where Rasa keeps conversations: TRACKER_STORE_URL, else an SQLite file under var/ so the
        embedded default keeps them across a restart; "" for `memory` (Rasa's in-memory store)."""
        if self.tracker_store_url.strip().lower() == "memory":
            return ""
        return self.tracker_store_url or f"sqlite:///{ROOT / 'var' / 'conversations.sqlite3'}"

    @property
    def cors_origins(self) -> list[str]:
        return [origin.strip() for origin in self.rasa_cors_origins.split(",") if origin.strip()]

    @property
    def portal_base_url(self) -> str:
        return (self.portal_public_url or f"http://127.0.0.1:{self.portal_port}").rstrip("/")

    @property
    def portal_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.portal_embed_origins.split(",") if o.strip()]

    @property
    def telegram_state_path(self) -> Path:
        return Path(self.telegram_state_dir) if self.telegram_state_dir else ROOT / "var" / "telegram"

    @property
    def zalo_state_path(self) -> Path:
        return Path(self.zalo_state_dir) if self.zalo_state_dir else ROOT / "var" / "zalo"


VARIABLES = tuple(dataclasses.fields(Settings))


def _parse(kind: str, raw: str, name: str):
    """The typed value of a variable; surrounding spaces (pasted values) are dropped here, once."""
    raw = raw.strip()
    try:
        if kind == "bool":
            return raw.lower() in ("1", "true", "yes", "co", "có")
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise SystemExit(f"Biến môi trường {name}={raw!r} không hợp lệ: cần một số.") from None
    return raw


def _read(environ) -> Settings:
    values = {}
    for variable in VARIABLES:
        name = variable.metadata["env"]
        if name in environ and environ[name].strip() != "":
            values[variable.name] = _parse(str(variable.type), environ[name], name)
    return Settings(**values)


@lru_cache(maxsize=1)
def get() -> Settings:
    """This process's settings (read from the environment on the first call)."""
    return _read(os.environ)


def reload() -> Settings:
    """Read the environment again (tests that change a variable)."""
    get.cache_clear()
    return get()
