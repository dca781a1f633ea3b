#!/usr/bin/env bash
# Run by `tauri build` before bundling (beforeBuildCommand): builds the sse-server, sse-sub and
# sse-tap CLIs with the same profile as the app and puts them where tauri.conf.json's deb/rpm `files`
# expect them, so the packages ship them in /usr/bin; writes the completions (bash, zsh, fish)
# and man pages of sse-sub, sse-server, sse-tap and sse-monitor, generated from their clap definitions,
# below target/cli-bin/share (laid out like /usr/share; man pages gzipped).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "${TAURI_ENV_DEBUG:-false}" = "true" ]; then profile=dev; dir=debug; else profile=release; dir=release; fi
cargo build --profile "$profile" -p embedded-server --bin sse-server -p sse-subscriber --bin sse-sub -p sse-tap --bin sse-tap \
  -p sse-cli-docs --bin sse-cli-docs
mkdir -p target/cli-bin
cp "target/$dir/sse-server" "target/$dir/sse-sub" "target/$dir/sse-tap" target/cli-bin/
rm -rf target/cli-bin/share
"target/$dir/sse-cli-docs" target/cli-bin/share >/dev/null
gzip -9nf target/cli-bin/share/man/man1/*.1
