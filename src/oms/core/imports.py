"""The import graph of the oms package, read from the source with ast (nothing is imported).

Used by the tests that keep the layering honest: no import cycles between modules, `core` importing no
area, orders never importing channels. `top_level=True` counts what runs when a module is loaded (module
body, including `if`/`try` blocks, but not `if TYPE_CHECKING:` and not imports inside functions).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # src/oms


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under the package (migrations left out)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        parts = list(rel.parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _blocks(node: ast.stmt, top_level: bool) -> list[list[ast.stmt]]:
    """The statement blocks inside `node` that run when it runs."""
    if isinstance(node, ast.If):
        return ([] if _is_type_checking(node) else [node.body]) + [node.orelse]
    if isinstance(node, ast.Try):
        return [node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)]
    if isinstance(node, ast.With | ast.ClassDef):  # a class body runs when the module loads
        return [node.body]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):  # a function body only when called
        return [] if top_level else [node.body]
    return []


def _statements(body: list[ast.stmt], top_level: bool) -> Iterator[ast.stmt]:
    for node in body:
        yield node
        for block in _blocks(node, top_level):
            yield from _statements(block, top_level)


def _targets(module: str, node: ast.stmt, is_package: bool) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = module if is_package else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        for alias in node.names:
            yield f"{base}.{alias.name}"  # a submodule, or a name in `base` (resolved below)
            yield base


def graph(*, top_level: bool = True, root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the oms modules it imports."""
    files = module_files(root)
    edges: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        out: set[str] = set()
        for node in _statements(tree.body, top_level):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _targets(module, node, is_package):
                    if target in files and target != module:
                        out.add(target)
        edges[module] = out
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)
