"""The house rule: ``service`` imports ``training``, never the other way round, and no module imports in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Project modules a file imports, at any depth (function-level imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m.split(".")[0] in ("training", "service")}


def project_graph() -> dict[str, set[str]]:
    files = [p for package in ("training", "service") for p in (ROOT / package).rglob("*.py")]
    modules = {module_name(p): p for p in files}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m if m in modules else m.rsplit(".", 1)[0] for m in imports_of(path)} & set(modules) - {name}
    return graph


def test_training_never_imports_service():
    offenders = {m: sorted(d for d in deps if d.startswith("service")) for m, deps in project_graph().items() if m.startswith("training")}
    assert {m: d for m, d in offenders.items() if d} == {}


def test_no_import_cycles():
    graph = project_graph()
    # a package's __init__ re-exporting its modules is not a cycle of the modules themselves
    edges = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_a_cycle_would_be_found(monkeypatch):
    """The checker itself can fail: a made-up graph with a circle."""
    import tests.test_imports as me

    monkeypatch.setattr(me, "project_graph", lambda: {"training.a": {"training.b"}, "training.b": {"training.a"}})
    try:
        test_no_import_cycles()
    except AssertionError:
        return
    raise AssertionError("a cycle went unnoticed")
