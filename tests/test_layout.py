"""Dependencies run one way: the package's modules import each other without a cycle (imports inside
functions included), the loader path imports neither the build, pandera nor frictionless, and the
validation of a release never imports the build."""
from __future__ import annotations

import ast
import subprocess
import sys

from conftest import ROOT

PACKAGE = ROOT / "src" / "cartel_campaign"


def module_name(path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """module -> the package modules it imports (anywhere in its code)."""
    graph = {}
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.add(candidate if candidate in modules else base)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    out, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                out.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return out


def reachable(graph, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_import_cycles():
    found = cycles(imports())
    assert not found, "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def test_validation_never_imports_the_build():
    graph = imports()
    for start in ("cartel_campaign.validate", "cartel_campaign.validation.rule_runner", "cartel_campaign.rules"):
        assert not {m for m in reachable(graph, start) if m.startswith("cartel_campaign.build")}, start


def test_the_load_path_imports_no_heavy_library():
    code = ("import sys, cartel_campaign as cc; cc.load('events'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandera', 'frictionless', 'yaml', 'matplotlib') "
            "or m.startswith('cartel_campaign.build')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", out
