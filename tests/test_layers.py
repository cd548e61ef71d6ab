"""The layering rules of ARCHITECTURE.md, checked on the source: imports point down, and no module cycles.

Every import counts, at module level or inside a function, `TYPE_CHECKING` ones included: a lazy import
that points up a layer is still an upward dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("index", "bot", "measure", "prompts")
LAYERS = [
    # (module prefix, layer); the longest matching prefix wins.
    ("prompts", 1),
    ("index", 1),
    ("bot.core", 2),
    ("bot", 3),
    ("measure", 4),
]
LAYER_NAMES = {1: "write side", 2: "query core", 3: "front ends", 4: "measurement"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int | None:
    matches = [(len(prefix), layer) for prefix, layer in LAYERS if module == prefix or module.startswith(prefix + ".")]
    return max(matches)[1] if matches else None


def sources() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in sorted((REPO / package).rglob("*.py"))}


MODULES = sources()


def imports_of(module: str, path: Path) -> set[str]:
    """The project modules `module` imports (a `from pkg import name` naming a submodule counts as that)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


GRAPH = {module: imports_of(module, path) for module, path in MODULES.items()}


def test_every_module_belongs_to_a_layer() -> None:
    assert [m for m in MODULES if layer_of(m) is None] == []
    assert len(MODULES) > 50, "the walk found too few modules to be checking anything"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    own = layer_of(module)
    assert own is not None
    upward = sorted(
        f"{target} ({LAYER_NAMES[layer_of(target) or 0]})" for target in GRAPH[module] if (layer_of(target) or 0) > own
    )
    assert upward == [], f"{module} ({LAYER_NAMES[own]}) imports a higher layer"


def test_the_read_side_does_not_import_ingest() -> None:
    """The query core reads what ingest wrote through the store and keyword index, never ingest itself."""
    readers = [m for m in MODULES if layer_of(m) == 2 and "index.ingest" in GRAPH[m]]
    assert readers == []


def test_no_import_cycles() -> None:
    cycles = [sorted(c) for c in strongly_connected(GRAPH) if len(c) > 1]
    assert cycles == []


def test_the_checker_sees_an_upward_import_and_a_cycle() -> None:
    """The checks above would fail on the mistakes they exist for."""
    bad = {"index.a": {"bot.core.b"}, "bot.core.b": {"index.a"}}
    assert layer_of("bot.core.b") == 2 > (layer_of("index.a") or 0)
    assert [sorted(c) for c in strongly_connected(bad) if len(c) > 1] == [["bot.core.b", "index.a"]]


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the module graph is deep enough to matter for recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(component)
    return result
