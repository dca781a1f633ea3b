#!/usr/bin/env python3
"""Fails when two files of one crate use each other, directly or round a longer loop, or when
two of the window's ES modules (ui/) import each other.

Each top-level module (a file under a crate's src/, lib.rs and binaries aside) is a node; a
`crate::NAME` path outside its `#[cfg(test)] mod tests` is an edge to NAME. In ui/, each .js
file is a node and each `import ... from "./x.js"` an edge. Run by the test command, so a new
cycle fails CI with the loop it found.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The workspace's members, as Cargo.toml lists them (a new crate is checked without a change here).
CRATES = re.findall(
    r'"([^"]+)"', re.search(r"^members = \[(.*?)\]", (ROOT / "Cargo.toml").read_text(), re.M | re.S).group(1)
)


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
        for nxt in sorted(graph.get(node, ())):
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


def ui_graph():
    ui = ROOT / "ui"
    files = [p for p in sorted(ui.rglob("*.js")) if "tests" not in p.relative_to(ui).parts]
    graph = {}
    for path in files:
        name = path.relative_to(ui).as_posix()
        text = path.read_text()
        targets = re.findall(r"""^\s*(?:import|export)\b[^;]*?\bfrom\s+["'](\.{1,2}/[^"']+)["']""", text, re.M | re.S)
        graph[name] = {(path.parent / t).resolve().relative_to(ui.resolve()).as_posix() for t in targets}
    return graph


def main():
    failed = False
    cycle = find_cycle(ui_graph())
    if cycle:
        failed = True
        print(f"ui: modules import each other: {' -> '.join(cycle)}", file=sys.stderr)
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
    print(f"no module cycles in {len(CRATES)} crates and the window's modules")


main()
