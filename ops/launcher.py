"""`make run` / `make serve`: load the catalog, train if needed, start the action server and
Rasa, and (with --chat) open a chat in the terminal. Ctrl-C (or SIGTERM) stops everything it
started. A child that stops unexpectedly is started again with backoff, and one that keeps
crashing stops the launcher with a non-zero exit (ops/supervisor.py).

Runs in .venv (Python 3.11+) and starts Rasa from .venv-rasa (Python 3.10): the two
talk over HTTP, as in production. Production settings come from environment
variables (see README), written into var/endpoints.yml at start. With
RASA_REPLICAS=N (and the shared tracker and lock stores), N Rasa servers, each with
its own action server, run behind HAProxy on RASA_HOST:RASA_PORT.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import string
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

import settings
from bot import rasa_endpoints
from ops.supervisor import Child, KeepsCrashing, Supervisor
from settings import generated

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
MODEL = ROOT / "models" / "gdnn.tar.gz"
HAPROXY_TEMPLATE = Path(__file__).resolve().parent / "templates" / "haproxy.cfg"


def rasa_env() -> dict:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "PYTHONWARNINGS": "ignore",
        }
    )
    return rasa_endpoints.rasa_environment(settings.get(), env)


def ensure_secrets() -> None:
    """Rasa's API token and the action server's secret: the operator's, or made up once for this
    checkout (var/secrets/, mode 0600) so that nothing ever runs open."""
    config = settings.get()
    if not config.rasa_auth_token:
        generated.ensure("rasa-auth-token")
    if not config.actions_secret:
        generated.ensure("actions-secret")


def api_token() -> dict:
    """Query parameters for Rasa's HTTP API (Rasa takes its token only as `?token=`)."""
    return {"token": settings.get().rasa_api_token}


def say(message: str) -> None:
    print(f"[bot] {message}", flush=True)


def endpoints_yaml(action_url: str) -> str:
    """Endpoints from the settings: action server, tracker store (PostgreSQL or SQLite), lock store (Redis)."""
    return rasa_endpoints.endpoints_yaml(settings.get(), action_url)


def prepare_catalog() -> None:
    result = subprocess.run([sys.executable, "-m", "catalog", "load-sample"], cwd=ROOT)
    if result.returncode != 0:
        sys.exit("Không nạp được danh mục mẫu.")
    # Conversation records past the retention limit go at every start (and with
    # `python -m counselling privacy purge` from cron on a server that runs for months).
    subprocess.run([sys.executable, "-m", "counselling", "privacy", "purge"], cwd=ROOT, stdout=subprocess.DEVNULL)


# What a model is trained from: newer than all of these, it is current (Rasa's own fingerprint
# decides whenever training does run).
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "bot/nlu")
TRAIN_LOCK = VAR / "train.lock"  # held by a training started early by scripts/setup.sh


def model_is_current() -> bool:
    if not MODEL.exists():
        return False
    built = MODEL.stat().st_mtime
    for name in TRAINING_INPUTS:
        path = ROOT / name
        paths = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        if any(p.stat().st_mtime >= built for p in paths):
            return False
    return True


def train_if_needed() -> None:
    """Rasa fingerprints data and config: an unchanged project is not retrained. A first
    `make run` starts training in scripts/setup.sh as soon as the Rasa environment exists,
    while the rest is installed; this waits for it (var/train.lock) and then finds the model
    current."""
    VAR.mkdir(parents=True, exist_ok=True)
    with open(TRAIN_LOCK, "a") as lock:  # released when the file closes
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("Đang chờ lượt huấn luyện mô hình đã bắt đầu lúc cài đặt (var/log/train.log)…")
            fcntl.flock(lock, fcntl.LOCK_EX)
        _train()


def _train() -> None:
    if model_is_current():
        say(f"Mô hình: {MODEL.relative_to(ROOT)} (mới hơn dữ liệu và cấu hình, không cần huấn luyện lại)")
        return
    say("Kiểm tra mô hình (chỉ huấn luyện lại khi dữ liệu hoặc cấu hình thay đổi; vài phút nếu phải huấn luyện)…")
    log_path = VAR / "log" / "train.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        result = subprocess.run(
            [str(RASA), "train", "--fixed-model-name", "gdnn", "--out", "models"],
            cwd=ROOT,
            env=rasa_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if result.returncode != 0 or not MODEL.exists():
        print("\n".join(log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]), file=sys.stderr)
        sys.exit(f"Huấn luyện mô hình thất bại; xem {log_path}.")
    say(f"Mô hình: {MODEL.relative_to(ROOT)} (chi tiết huấn luyện: {log_path.relative_to(ROOT)})")


def wait_ready(url: str, process: subprocess.Popen, what: str, timeout: float = 240, params: dict | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{what} dừng bất ngờ (mã {process.returncode}); xem var/log/.")
        try:
            if httpx.get(url, params=params, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    sys.exit(f"{what} không sẵn sàng sau {timeout:.0f} giây.")


def start_actions(port: int, log: Path, metrics_port: int | None = None) -> Child:
    """The action server (actions/__main__.py): ACTIONS_HOST, and only for callers with the secret.
    Its metrics on `metrics_port` (ACTIONS_METRICS_PORT + replica index; 0 = none)."""
    if metrics_port is None:
        metrics_port = settings.get().actions_metrics_port
    return Child(
        f"Máy chủ hành động (cổng {port})",
        [sys.executable, "-m", "actions", "--port", str(port), "--metrics-port", str(metrics_port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        log=log,
    )


def start_rasa(host: str, port: int, endpoints: Path, log: Path) -> Child:
    """Rasa through bot/rasa_run.py, which adds the API token from the environment."""
    arguments = rasa_endpoints.rasa_arguments(settings.get(), host, port, str(MODEL), "credentials.yml", str(endpoints))
    return Child(f"Rasa (cổng {port})", [str(RASA_PYTHON), "-m", "bot.rasa_run", *arguments], cwd=ROOT, env=rasa_env(), log=log)


def start_servers(
    rasa_port: int | None = None,
    actions_port: int | None = None,
    log_dir: Path = VAR / "log",
    *,
    replicas: int | None = None,
    replica_port: int | None = None,
) -> list[subprocess.Popen]:
    """Action server, then Rasa; returns once both answer (the tests use other ports and logs).
    With more than one replica: every pair, then HAProxy in front of them on the Rasa port."""
    ensure_secrets()
    config = settings.get()
    rasa_port, actions_port = rasa_port or config.rasa_port, actions_port or config.actions_port
    replicas = replicas or config.rasa_replicas
    log_dir.mkdir(parents=True, exist_ok=True)
    if replicas > 1:
        return _start_replicas(replicas, rasa_port, actions_port, replica_port or config.rasa_replica_port, log_dir)
    action_url = config.action_endpoint_url or f"http://127.0.0.1:{actions_port}/webhook"
    endpoints = log_dir / "endpoints.yml"
    endpoints.write_text(endpoints_yaml(action_url), encoding="utf-8")
    actions = start_actions(actions_port, log_dir / "actions.log")
    rasa = start_rasa(config.rasa_host, rasa_port, endpoints, log_dir / "rasa.log")
    processes = [actions, rasa]
    try:
        say(f"Máy chủ hành động: http://127.0.0.1:{actions_port} (log: {log_dir}/actions.log)")
        wait_ready(f"http://127.0.0.1:{actions_port}/health", actions, "Máy chủ hành động")
        say(f"Rasa (kênh REST): http://127.0.0.1:{rasa_port}/webhooks/rest/webhook (log: {log_dir}/rasa.log); khoảng 1 phút…")
        wait_ready(f"http://127.0.0.1:{rasa_port}/status", rasa, "Rasa", params=api_token())
    except BaseException:
        stop(processes)
        raise
    say("Bot đã sẵn sàng.")
    return processes


def replica_endpoints(log_dir: Path, index: int) -> Path:
    return log_dir / f"endpoints-{index}.yml"


def _start_replicas(count: int, rasa_port: int, actions_port: int, replica_port: int, log_dir: Path) -> list[subprocess.Popen]:
    config = settings.get()
    if not (config.tracker_store_url and config.redis_url):
        sys.exit(
            "RASA_REPLICAS > 1 cần TRACKER_STORE_URL (PostgreSQL) và REDIS_URL: hội thoại phải nằm ở kho chung "
            "để bản sao nào cũng tiếp tục được."
        )
    haproxy = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")
    if haproxy is None:
        sys.exit("Chưa có HAProxy; `make setup` cài nó (apt-get install haproxy).")
    processes: list[subprocess.Popen] = []
    try:
        for i in range(count):
            endpoints = replica_endpoints(log_dir, i)
            endpoints.write_text(endpoints_yaml(f"http://127.0.0.1:{actions_port + i}/webhook"), encoding="utf-8")
            metrics_port = config.actions_metrics_port + i if config.actions_metrics_port else 0
            processes.append(start_actions(actions_port + i, log_dir / f"actions-{i}.log", metrics_port))
            processes.append(start_rasa(config.rasa_replica_host, replica_port + i, endpoints, log_dir / f"rasa-{i}.log"))
        say(
            f"{count} bản sao Rasa ở cổng {replica_port}–{replica_port + count - 1} (log: {log_dir}/rasa-*.log); khoảng 1–2 phút…"
        )
        for i in range(count):
            wait_ready(f"http://127.0.0.1:{actions_port + i}/health", processes[2 * i], f"Máy chủ hành động {i}")
            wait_ready(f"http://127.0.0.1:{replica_port + i}/status", processes[2 * i + 1], f"Rasa {i}", params=api_token())
        config_file = write_haproxy_config(log_dir, f"{config.rasa_host}:{rasa_port}", replica_port, count)
        balancer = Child("HAProxy", [haproxy, "-f", str(config_file), "-db"], cwd=ROOT, env=None, log=log_dir / "haproxy.log")
        processes.append(balancer)
        wait_ready(f"http://127.0.0.1:{rasa_port}/", balancer, "HAProxy")
    except BaseException:
        stop(processes)
        raise
    say(f"Bot đã sẵn sàng: HAProxy ở http://127.0.0.1:{rasa_port} chia hội thoại cho {count} bản sao.")
    return processes


def write_haproxy_config(log_dir: Path, bind: str, replica_port: int, count: int) -> Path:
    """var/log/haproxy.cfg from the template: one checked server per replica."""
    config = settings.get()
    servers = "\n".join(f"    server rasa{i} 127.0.0.1:{replica_port + i} check" for i in range(count))
    text = string.Template(HAPROXY_TEMPLATE.read_text(encoding="utf-8")).substitute(
        bind=bind,
        servers=servers,
        socket=str(log_dir / "haproxy.sock"),
        metrics_bind=f"127.0.0.1:{config.haproxy_metrics_port}",  # loopback only: HAProxy holds no token
    )
    path = log_dir / "haproxy.cfg"
    path.write_text(text, encoding="utf-8")
    return path


def start_channels(log_dir: Path = VAR / "log") -> list[subprocess.Popen]:
    """The gateways whose settings are present: Telegram (TELEGRAM_BOT_TOKEN), Zalo (ZALO_APP_ID);
    the reminder notifier unless NOTIFIER_DISABLED=1; and the staff web service (admissions
    offices, counsellors) unless OFFICE_DISABLED=1."""
    config = settings.get()
    enabled = [
        ("telegram", "bot.channels.telegram_gateway", config.telegram_bot_token),
        ("zalo", "bot.channels.zalo_gateway", config.zalo_app_id),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_URL": config.rasa_base_url}
    processes = []
    for name, module, configured in enabled:
        if not configured:
            continue
        processes.append(Child(f"Kênh {name}", [sys.executable, "-m", module], cwd=ROOT, env=env, log=log_dir / f"{name}.log"))
        say(f"Kênh {name} đã bật (log: {log_dir}/{name}.log)")
    if not config.notifier_disabled:
        processes.append(
            Child("Tiến trình gửi nhắc lịch", [sys.executable, "-m", "notifier"], cwd=ROOT, env=env, log=log_dir / "notifier.log")
        )
        say(f"Tiến trình gửi nhắc lịch đã bật (log: {log_dir}/notifier.log)")
    if not config.office_disabled:
        # the web chat's details panel reads the tracker through Rasa's API; the gateways need no token
        office_env = {**env, "RASA_AUTH_TOKEN": config.rasa_api_token}
        processes.append(
            Child(
                "Trang web cho phòng tuyển sinh",
                [sys.executable, "-m", "staff", "serve"],
                cwd=ROOT,
                env=office_env,
                log=log_dir / "office.log",
            )
        )
        address = f"http://{config.office_host}:{config.office_port}"
        say(
            f"Trang web cho phòng tuyển sinh và người tư vấn: {address} (tài khoản: "
            f".venv/bin/python -m staff users add …; log: {log_dir}/office.log)"
        )
    if not config.portal_disabled:  # the public handbook (portal), unless PORTAL_DISABLED=1
        processes.append(
            Child("Cẩm nang công khai", [sys.executable, "-m", "portal", "serve"], cwd=ROOT, env=env, log=log_dir / "portal.log")
        )
        say(
            f"Cẩm nang chọn nghề – chọn trường (trang công khai): http://{config.portal_host}:{config.portal_port}/ "
            f"(log: {log_dir}/portal.log)"
        )
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    """In reverse order of starting: gateways and HAProxy, then each Rasa before its action
    server, so the turn records Rasa still holds (bot/nlu/turn_broker.py, sent when it
    stops) reach the action server."""
    for process in reversed(processes):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def chat() -> None:
    """A terminal chat over the REST channel; type a button's number to press it."""
    url = f"{settings.get().rasa_base_url}/webhooks/rest/webhook"
    sender = f"terminal-{os.getpid()}"
    buttons: list[dict] = []
    print("\nGõ tin nhắn rồi Enter (gõ số để bấm nút, Ctrl-C để thoát).")
    while True:
        try:
            message = input("\nbạn> ").strip()
        except EOFError:
            return
        if message.isdigit() and 1 <= int(message) <= len(buttons):
            message = buttons[int(message) - 1]["payload"]
        try:
            replies = httpx.post(url, json={"sender": sender, "message": message}, timeout=60).json()
        except httpx.HTTPError as error:
            print(f"(không gửi được: {error})")
            continue
        buttons = []
        for reply in replies:
            if reply.get("text"):
                print(f"bot> {reply['text']}")
            for button in reply.get("buttons", []):
                buttons.append(button)
                print(f"   [{len(buttons)}] {button['title']}")


def serve(supervisor: Supervisor, with_chat: bool = False) -> int:
    """Keep the started processes running until Ctrl-C or SIGTERM (0), or until one keeps
    crashing (1, with the reason on stderr); then stop them all."""
    failure: list[KeepsCrashing] = []

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    def watch_beside_the_chat() -> None:
        try:
            supervisor.watch()
        except KeepsCrashing as error:
            failure.append(error)
            signal.raise_signal(signal.SIGINT)  # ends the chat's input() in the main thread

    signal.signal(signal.SIGTERM, interrupt)
    watcher = threading.Thread(target=watch_beside_the_chat, name="supervisor", daemon=True)
    try:
        if with_chat:
            watcher.start()
            chat()
        else:
            say("Nhấn Ctrl-C để dừng.")
            supervisor.watch()
    except KeepsCrashing as error:
        failure.append(error)
    except KeyboardInterrupt:
        pass
    finally:
        supervisor.stopping.set()
        if watcher.is_alive():
            watcher.join(timeout=5)  # no restart may race the stop below
        say("Đang dừng…")
        stop(supervisor.children)
    if failure:
        print(f"[bot] {failure[0]}", file=sys.stderr, flush=True)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Khởi động bot")
    parser.add_argument("--chat", action="store_true", help="mở khung chat trong terminal")
    args = parser.parse_args()
    prepare_catalog()
    train_if_needed()
    processes = start_servers() + start_channels()
    return serve(Supervisor(processes, say), with_chat=args.chat and sys.stdin.isatty())


if __name__ == "__main__":
    sys.exit(main())
