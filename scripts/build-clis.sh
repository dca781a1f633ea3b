#!/usr/bin/env bash
# Run by `tauri build` before bundling (beforeBuildCommand): builds the sse-server and sse-sub
# CLIs with the same profile as the app and puts them where tauri.conf.json's deb/rpm `files`
# expect them, so the packages ship them in /usr/bin.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "${TAURI_ENV_DEBUG:-false}" = "true" ]; then profile=dev; dir=debug; else profile=release; dir=release; fi
cargo build --profile "$profile" -p embedded-server --bin sse-server -p sse-subscriber --bin sse-sub
mkdir -p target/cli-bin
cp "target/$dir/sse-server" "target/$dir/sse-sub" target/cli-bin/
