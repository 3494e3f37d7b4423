#!/usr/bin/env bash
# The browser the web-page tests drive (Playwright over Debian's Chromium; it cannot download its
# own here). Only `make test` runs this: installing Chromium (a few hundred MB through apt) is not
# part of `make run`'s first start, which never opens a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! command -v "${CHROMIUM_PATH:-chromium}" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Cài Chromium cho kiểm thử trang web (apt-get install chromium; chi tiết: var/log/setup.chromium.log) …"
    mkdir -p var/log
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium > var/log/setup.chromium.log 2>&1 \
      || echo "Không cài được Chromium; các kiểm thử trang web sẽ báo lỗi. Cài bằng: sudo apt install chromium" >&2
  else
    echo "Chưa có Chromium: các kiểm thử trang web cần nó. Cài bằng: sudo apt install chromium (hoặc đặt CHROMIUM_PATH)." >&2
  fi
fi
