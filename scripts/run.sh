#!/usr/bin/env bash
# Builds and launches SSE Monitor on its embedded server. Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh app
export PATH="$HOME/.cargo/bin:$PATH"
cargo build -p sse-monitor
exec target/debug/sse-monitor "$@"
