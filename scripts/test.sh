#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: formatting, clippy, unit and
# integration tests, the GUI end-to-end tests under Xvfb, and the packaging test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$SECONDS
bash scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PATH"

echo "==> cargo fmt --check"
cargo fmt --all --check
echo "==> no two files of a crate use each other"
python3 scripts/check-module-cycles.py
echo "==> docs/architecture.md names every module and its modules section is current"
python3 scripts/check-architecture.py
echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The app as the tests build it, with the GUI tests' hooks (a release build has none).
cargo clippy -p sse-monitor --all-targets --locked --features test-hooks -- -D warnings
echo "==> packaging: .deb and .rpm built, installed, run and removed"
bash scripts/package-test.sh
echo "==> tests (GUI tests in a virtual X display; secrets in a throwaway GNOME Keyring)"
echo "==> the window's code: types checked (tsc), its logic under Node"
node_modules/.bin/tsc -p ui
node --test ui/tests
dbus-run-session -- bash scripts/with-keyring.sh \
  xvfb-run -a -s "-screen 0 1400x1000x24" cargo nextest run --workspace --locked --no-fail-fast --features sse-monitor/test-hooks
echo "==> all checks passed in $((SECONDS - started)) s"
