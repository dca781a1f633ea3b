#!/usr/bin/env python3
"""Keeps docs/architecture.md true to the tree.

Its section between `<!-- modules:begin -->` and `<!-- modules:end -->` is made from each
crate's `//! # Layout` (in `lib.rs`, or `main.rs` for a crate with no library); this check
fails when the section is stale (`--write` makes it anew) and when a module file of a crate or
of the window (`ui/`) is named nowhere in the document.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- modules:begin -->", "<!-- modules:end -->"


def crates():
    """The workspace members, in Cargo.toml's order, with their package names."""
    manifest = (ROOT / "Cargo.toml").read_text()
    members = re.search(r"^members = \[(.*?)\]", manifest, re.M | re.S).group(1)
    for member in re.findall(r'"([^"]+)"', members):
        package = (ROOT / member / "Cargo.toml").read_text()
        name = re.search(r'^name = "([^"]+)"', package, re.M).group(1)
        yield member, name


def layout(member):
    """The `# Layout` of a crate's root module, as Markdown (its `//! ` prefix dropped)."""
    for root in ("src/lib.rs", "src/main.rs"):
        path = ROOT / member / root
        if not path.exists():
            continue
        docs = [line[4:] if line.startswith("//! ") else line[3:] for line in path.read_text().splitlines() if line.startswith("//!")]
        text = "\n".join(docs)
        found = re.search(r"^# Layout\n(.*?)(?=^# |\Z)", text, re.M | re.S)
        if found:
            return found.group(1).strip()
    return None


def section():
    parts = [BEGIN, "", "## The crates' modules", "",
             "Each crate's files as its root module's `# Layout` lists them (made from those by",
             "`scripts/check-architecture.py --write`; the test command fails when this is stale).", ""]
    for member, name in crates():
        text = layout(member)
        if text is None:
            continue
        # Rustdoc's links read as plain code here.
        text = re.sub(r"\[(`[^`]+`)\](?!\()", r"\1", text)
        parts += [f"### `{name}` (`{member}/`)", "", text, ""]
    parts.append(END)
    return "\n".join(parts)


def module_files():
    for member, _ in crates():
        for path in sorted((ROOT / member / "src").rglob("*.rs")):
            if "bin" in path.relative_to(ROOT / member / "src").parts or path.name in ("lib.rs", "main.rs", "mod.rs"):
                continue
            yield path
    for path in sorted((ROOT / "ui").rglob("*")):
        relative = path.relative_to(ROOT / "ui")
        if path.suffix in (".js", ".css") and relative.parts[0] not in ("gen", "tests"):
            yield path


def main():
    text = DOC.read_text()
    if BEGIN not in text or END not in text:
        sys.exit(f"{DOC}: no {BEGIN} ... {END} section")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    made = text[:start] + section() + text[end:]
    if "--write" in sys.argv:
        DOC.write_text(made)
        text = made
    elif made != text:
        sys.exit("docs/architecture.md's modules section is stale: run scripts/check-architecture.py --write")
    missing = [str(path.relative_to(ROOT)) for path in module_files() if path.name not in text]
    if missing:
        sys.exit("docs/architecture.md names nowhere: " + ", ".join(missing))
    print("docs/architecture.md names every module, and its modules section is current")


if __name__ == "__main__":
    main()
