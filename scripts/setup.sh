#!/usr/bin/env bash
# Creates (or refreshes) both Python environments. Idempotent: a second run with
# unchanged requirements only checks stamps and returns.
#   .venv/       Python 3.11+  catalog, actions, channels, staff, tests   (requirements.txt + requirements-dev.txt)
#   .venv-rasa/  Python 3.10   rasa==3.6.21 only                   (requirements-rasa.txt + .lock)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

works() {  # works PYTHON MIN_MINOR MAX_MINOR
  "$1" -c "import sys; sys.exit(0 if (3,$2) <= sys.version_info[:2] <= (3,$3) else 1)" >/dev/null 2>&1
}

find_app_python() {
  for candidate in "${APP_PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && works "$candidate" 11 99; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

find_rasa_python() {
  for candidate in "${RASA_PYTHON:-}" python3.10; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && works "$candidate" 10 10; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in $(ls -d "$(pyenv root)"/versions/3.10.*/bin/python3.10 2>/dev/null | sort -V -r); do
      if works "$candidate" 10 10; then echo "$candidate"; return 0; fi
    done
  fi
  return 1
}

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

make_env() {  # make_env DIR PYTHON STAMP INSTALL_ARGS...
  local dir=$1 python=$2 stamp=$3; shift 3
  if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ] && [ -x "$dir/bin/python" ]; then
    return 0
  fi
  say "Cài đặt $dir bằng $python (vài phút lần đầu; chi tiết: var/log/setup$dir.log) …"
  rm -rf "$dir"
  mkdir -p var/log
  "$python" -m venv "$dir"
  if ! "$dir/bin/pip" install --disable-pip-version-check "$@" > "var/log/setup$dir.log" 2>&1; then
    grep -v "^WARNING: Location" "var/log/setup$dir.log" | tail -30 >&2
    echo "Cài đặt $dir thất bại (xem var/log/setup$dir.log)." >&2
    exit 1
  fi
  echo "$stamp" > "$dir/.stamp"
}

app_python=$(find_app_python) || {
  echo "Không tìm thấy Python 3.11 trở lên. Cài bằng: pyenv install 3.11 (hoặc apt install python3.11), rồi chạy lại." >&2
  echo "No Python 3.11+ found. Install one (e.g. 'pyenv install 3.11') and run again, or set APP_PYTHON=/path/to/python3.11." >&2
  exit 1
}
rasa_python=$(find_rasa_python) || {
  echo "Rasa 3.6 chỉ chạy trên Python 3.10, mà máy chưa có. Cài bằng: pyenv install 3.10.13 (hoặc apt install python3.10 python3.10-venv), rồi chạy lại." >&2
  echo "Rasa 3.6 needs Python 3.10. Install it (e.g. 'pyenv install 3.10.13') and run again, or set RASA_PYTHON=/path/to/python3.10." >&2
  exit 1
}
if ! [ -f .venv-rasa/.stamp ] || [ "$(cat .venv-rasa/.stamp)" != "$(stamp_of requirements-rasa.txt requirements-rasa.lock)" ]; then
  make_env .venv-rasa "$rasa_python" "$(stamp_of requirements-rasa.txt requirements-rasa.lock)" \
    -r requirements-rasa.txt -c requirements-rasa.lock
  .venv-rasa/bin/pip check || { echo "Môi trường Rasa bị xung đột thư viện (pip check)." >&2; rm -f .venv-rasa/.stamp; exit 1; }
fi

# A first start trains the model while the rest is installed: the training holds var/train.lock,
# which ops/launcher.py waits for before it starts Rasa (EARLY_TRAINING=0 leaves it to the launcher).
if [ ! -f models/gdnn.tar.gz ] && [ "${EARLY_TRAINING:-1}" = 1 ]; then
  mkdir -p var/log models
  exec 9>>var/train.lock
  if flock -n 9; then
    say "Bắt đầu huấn luyện mô hình trong lúc cài tiếp (chi tiết: var/log/train.log) …"
    PYTHONPATH="$PWD" RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONWARNINGS=ignore \
      nohup .venv-rasa/bin/rasa train --fixed-model-name gdnn --out models > var/log/train.log 2>&1 &
  fi
  exec 9>&-  # the training keeps the lock until it ends
fi

make_env .venv "$app_python" "$(stamp_of requirements.txt requirements-dev.txt)" -r requirements.txt -r requirements-dev.txt

# HAProxy: the load balancer in front of several Rasa replicas (RASA_REPLICAS > 1) and in their tests.
if ! command -v haproxy >/dev/null 2>&1 && ! [ -x /usr/sbin/haproxy ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Cài HAProxy (apt-get install haproxy; chi tiết: var/log/setup.haproxy.log) …"
    mkdir -p var/log
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy > var/log/setup.haproxy.log 2>&1 \
      || echo "Không cài được HAProxy; RASA_REPLICAS > 1 và kiểm thử bản sao sẽ báo lỗi. Cài bằng: sudo apt install haproxy" >&2
  else
    echo "Chưa có HAProxy: RASA_REPLICAS > 1 cần nó. Cài bằng: sudo apt install haproxy." >&2
  fi
fi
