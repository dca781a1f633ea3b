#!/usr/bin/env python3
"""Fails when two files of one crate use each other, directly or round a longer loop.

Each top-level module (a file under a crate's src/, lib.rs and binaries aside) is a node; a
`crate::NAME` path outside its `#[cfg(test)] mod tests` is an edge to NAME. Run by the test
command, so a new cycle fails CI with the loop it found.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CRATES = ["capture", "cli-docs", "embedded-server", "subscriber", "inspector", "connections", "src-tauri", "benches"]


def without_tests(text):
    match = re.search(r"^#\[cfg\(test\)\]\s*\n\s*mod tests\b", text, re.M)
    return text[: match.start()] if match else text


def without_comments(text):
    return re.sub(r"//[^\n]*", "", text)


def used_modules(text):
    used = set(re.findall(r"\bcrate::(\w+)", text))
    for group in re.finditer(r"\bcrate::\{", text):
        depth, start, items, current = 1, group.end(), [], ""
        for ch in text[start:]:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    break
            if ch == "," and depth == 1:
                items.append(current)
                current = ""
            else:
                current += ch
        items.append(current)
        for item in items:
            name = re.match(r"\s*(\w+)", item)
            if name:
                used.add(name.group(1))
    return used


def modules_of(crate):
    src = ROOT / crate / "src"
    modules = {}
    for path in sorted(src.glob("*.rs")):
        if path.name in ("lib.rs", "main.rs"):
            continue
        modules[path.stem] = path
    for path in sorted(src.glob("*/mod.rs")):
        if path.parent.name != "bin":
            modules[path.parent.name] = path
    return modules


def find_cycle(graph):
    state = {}
    stack = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main():
    failed = False
    for crate in CRATES:
        modules = modules_of(crate)
        graph = {}
        for name, path in modules.items():
            text = without_comments(without_tests(path.read_text()))
            graph[name] = {m for m in used_modules(text) if m in modules and m != name}
        cycle = find_cycle(graph)
        if cycle:
            failed = True
            print(f"{crate}: modules use each other: {' -> '.join(cycle)}", file=sys.stderr)
    if failed:
        sys.exit(1)
    print(f"no module cycles in {len(CRATES)} crates")


main()
