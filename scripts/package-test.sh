#!/usr/bin/env bash
# Packaging test: builds the .deb and .rpm, installs the .deb with apt, checks its metadata,
# files, desktop entry and icons, runs the GUI end-to-end test against the installed app under
# Xvfb, checks the .rpm with rpm -qip/-qlp, then uninstalls.
#   scripts/package-test.sh            debug-profile packages (what CI checks: same bundling, faster)
#   scripts/package-test.sh --release  the real, size-optimised packages
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
export PATH="$HOME/.cargo/bin:$PATH"

# The debug package has the GUI tests' hooks (`test-hooks`: paths instead of native dialogs);
# a release package never does, so the tests that need them are skipped there.
if [ "${1:-}" = "--release" ]; then
  build_flags=(); dir=release; gui_args=(-E 'not test(/(^|::)test_hooks::/)')
else
  build_flags=(--debug --features test-hooks); dir=debug; gui_args=(--features test-hooks)
fi
fail() { echo "package test: $*" >&2; exit 1; }

echo "==> tauri build ${build_flags[*]} --bundles deb,rpm"
rm -rf "target/$dir/bundle"
(cd src-tauri && CI=true npx tauri build "${build_flags[@]}" --bundles deb,rpm)
deb=$(ls "target/$dir"/bundle/deb/*.deb)
rpm_file=$(ls "target/$dir"/bundle/rpm/*.rpm)
ls -l "$deb" "$rpm_file"

echo "==> .deb metadata"
dpkg-deb -f "$deb" Package Version Maintainer Section Homepage Depends Description | tee /tmp/deb-fields.txt
grep -q '^Package: sse-monitor$' /tmp/deb-fields.txt || fail "package name"
grep -q '^Version: 0\.' /tmp/deb-fields.txt || fail "version"
grep -q '^Maintainer: SSE Monitor developers' /tmp/deb-fields.txt || fail "maintainer"
grep -q '^Section: devel$' /tmp/deb-fields.txt || fail "section"
grep -q '^Depends:.*libwebkit2gtk-4.1-0' /tmp/deb-fields.txt || fail "runtime dependencies"
grep -q '^Description: Watch, debug and compare' /tmp/deb-fields.txt || fail "description"

echo "==> apt install"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "./$deb" >/dev/null
desktop="/usr/share/applications/SSE Monitor.desktop"
for file in /usr/bin/sse-monitor /usr/bin/sse-server /usr/bin/sse-sub /usr/bin/sse-tap "$desktop" \
  /usr/share/icons/hicolor/{16x16,32x32,48x48,64x64,128x128,256x256,512x512}/apps/sse-monitor.png; do
  [ -e "$file" ] || fail "missing $file"
done
grep -q '^Exec=sse-monitor' "$desktop" || fail "desktop entry Exec"
grep -q '^Icon=sse-monitor$' "$desktop" || fail "desktop entry Icon"
grep -q '^Categories=Development;' "$desktop" || fail "desktop entry Categories"
/usr/bin/sse-server --version
/usr/bin/sse-sub --version
/usr/bin/sse-tap --version

echo "==> completions and man pages"
for program in sse-sub sse-server sse-tap sse-monitor; do
  for file in "/usr/share/bash-completion/completions/$program" "/usr/share/zsh/vendor-completions/_$program" \
    "/usr/share/fish/vendor_completions.d/$program.fish" "/usr/share/man/man1/$program.1.gz"; do
    [ -s "$file" ] || fail "missing $file"
  done
  page=$(zcat "/usr/share/man/man1/$program.1.gz")
  grep -q "^\.TH $program" <<<"$page" || fail "$program.1.gz is not its man page"
  bash -c "source /usr/share/bash-completion/completions/$program && complete -p $program" >/dev/null \
    || fail "the bash completion of $program does not load"
done
page=$(zcat /usr/share/man/man1/sse-sub.1.gz)
grep -q 'connect\\-timeout' <<<"$page" || fail "sse-sub.1 lacks its options"

echo "==> reference pages (the window's Reference links read them)"
for page in faults expectations; do
  cmp -s "docs/$page.md" "/usr/share/doc/sse-monitor/$page.md" || fail "/usr/share/doc/sse-monitor/$page.md is not docs/$page.md"
done

echo "==> the installed app under Xvfb (GUI end-to-end test)"
if [ "$dir" = release ]; then
  skipped=$(cargo nextest list -p sse-monitor --test gui --locked -E 'test(/(^|::)test_hooks::/)' \
    --message-format oneline | grep -c 'test_hooks::' || true)
  echo "==> skipping $skipped GUI test(s) that need the test-hooks feature (absent from release builds)"
fi
SSE_MONITOR_BIN=/usr/bin/sse-monitor SSE_SERVER_BIN=/usr/bin/sse-server xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo nextest run -p sse-monitor --test gui --locked "${gui_args[@]}"

echo "==> .rpm metadata and files"
rpm -qip "$rpm_file" | tee /tmp/rpm-info.txt
grep -Eq '^Name *: sse-monitor' /tmp/rpm-info.txt || fail "rpm name"
grep -Eq '^License *: MIT OR Apache-2.0' /tmp/rpm-info.txt || fail "rpm license"
rpm -qpR "$rpm_file" | grep -q 'libwebkit2gtk-4.1' || fail "rpm runtime dependencies"
rpm -qlp "$rpm_file" > /tmp/rpm-files.txt
for file in /usr/bin/sse-monitor /usr/bin/sse-server /usr/bin/sse-sub /usr/bin/sse-tap "$desktop" \
  /usr/share/icons/hicolor/128x128/apps/sse-monitor.png /usr/share/man/man1/sse-sub.1.gz \
  /usr/share/bash-completion/completions/sse-server /usr/share/zsh/vendor-completions/_sse-monitor \
  /usr/share/fish/vendor_completions.d/sse-sub.fish /usr/share/doc/sse-monitor/faults.md \
  /usr/share/doc/sse-monitor/expectations.md /usr/share/doc/sse-monitor/server-check.md \
  /usr/share/doc/sse-monitor/breakpoints.md; do
  grep -qxF "$file" /tmp/rpm-files.txt || fail "rpm lacks $file"
done

echo "==> uninstall"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq sse-monitor >/dev/null
[ ! -e /usr/bin/sse-monitor ] || fail "/usr/bin/sse-monitor is still there after removal"
[ ! -e "$desktop" ] || fail "the desktop entry is still there after removal"
echo "==> packaging test passed"
