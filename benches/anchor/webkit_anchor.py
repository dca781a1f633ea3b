"""The anchor of sse-inspector-bench: a plain WebKitGTK 4.1 window showing one URL, nothing
else. The bench sets WebKit's switches (compositing mode off) in its environment.

With --eval-hz N it also hands the page N scripts a second, each carrying --eval-bytes of JSON
to a function that only counts them, as Tauri delivers a channel's messages (a script per
message, `webkit_web_view_evaluate_javascript`): the floor of that delivery, with no app
around it.

Usage: python3 webkit_anchor.py URL [--eval-hz N] [--eval-bytes B]
"""

import argparse
import json

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--eval-hz", type=float, default=0)
    parser.add_argument("--eval-bytes", type=int, default=1000)
    args = parser.parse_args()
    window = Gtk.Window(title="WebKit anchor")
    window.set_default_size(1280, 800)
    view = WebKit2.WebView()
    window.add(view)
    window.connect("destroy", Gtk.main_quit)
    view.load_uri(args.url)
    window.show_all()
    if args.eval_hz > 0:
        payload = json.dumps({"data": "x" * max(0, args.eval_bytes - 12)})
        sent = [0]

        def deliver() -> bool:
            sent[0] += 1
            script = (
                "window.__anchorCount = (window.__anchorCount || 0) + 1;"
                f"void ({{ message: {payload}, index: {sent[0]} }});"
            )
            view.evaluate_javascript(script, -1, None, None, None, None, None)
            return True

        GLib.timeout_add(max(1, round(1000 / args.eval_hz)), deliver)
    Gtk.main()


if __name__ == "__main__":
    main()
