#!/usr/bin/env bash
# Runs "$@" with a private, unlocked GNOME Keyring answering as the Secret Service on the
# current D-Bus session, so tests exercise the real OS keyring. Use it under a session bus:
#   dbus-run-session -- bash scripts/with-keyring.sh COMMAND...
set -euo pipefail
XDG_DATA_HOME="$(mktemp -d)"
export XDG_DATA_HOME
# The keyring's password is read from stdin; this throwaway keyring lives in XDG_DATA_HOME.
eval "$(printf 'sse-monitor-tests' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
export SSE_MONITOR_EXPECT_KEYRING=1
status=0
"$@" || status=$?
rm -rf "$XDG_DATA_HOME"
exit "$status"
