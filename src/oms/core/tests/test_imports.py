"""Layering, read from the source: no import cycle between oms modules (counting imports inside
functions too), `core` imports no area, and orders never imports channels' code."""

from __future__ import annotations

from pathlib import Path

from oms.core import imports


def test_the_graph_finds_a_cycle_when_there_is_one(tmp_path: Path) -> None:
    pkg = tmp_path / "oms"
    (pkg / "a").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a" / "__init__.py").write_text("")
    (pkg / "a" / "x.py").write_text("from oms.a import y\n")
    (pkg / "a" / "y.py").write_text("def f():\n    from . import x\n")
    (pkg / "a" / "z.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from oms.a import x\n")
    assert imports.cycles(imports.graph(top_level=False, root=pkg)) == [["oms.a.x", "oms.a.y"]]
    assert imports.cycles(imports.graph(top_level=True, root=pkg)) == []
    assert imports.graph(top_level=False, root=pkg)["oms.a.z"] == set()


def test_no_import_cycles_between_oms_modules() -> None:
    assert imports.cycles(imports.graph(top_level=False)) == []


def _importers(edges: dict[str, set[str]], area: str, forbidden: str) -> list[str]:
    return sorted(
        f"{module} -> {target}"
        for module, targets in edges.items()
        if module == area or module.startswith(area + ".")
        for target in targets
        if target.startswith(forbidden)
    )


def test_core_imports_no_area() -> None:
    edges = imports.graph(top_level=False)
    areas = ("accounts", "system", "channels", "orders", "inventory", "logistics", "monitoring", "support", "web")
    found = [f for area in areas for f in _importers(edges, "oms.core", f"oms.{area}")]
    # core.tests may build orders and products to exercise the kernel.
    assert [f for f in found if not f.startswith("oms.core.tests.")] == []


def test_orders_never_imports_channels_code() -> None:
    """Channels produce orders.incoming.IncomingOrder and call orders.intake; orders reads only the
    channel tables its orders point at (oms.channels.models: Channel, SkuMapping)."""
    edges = imports.graph(top_level=False)
    found = _importers(edges, "oms.orders", "oms.channels")
    assert [f for f in found if not f.endswith("-> oms.channels.models")] == []


def test_no_area_writes_another_areas_tables_with_sql() -> None:
    """An area changes another's rows through that area's functions (e.g. orders.allocation), never by
    an UPDATE/INSERT/DELETE of its tables."""
    import re

    areas = ("accounts", "system", "channels", "orders", "inventory", "logistics", "monitoring", "support")
    found = []
    for module, path in imports.module_files().items():
        area = (module.split(".") + [""])[1]
        if ".tests" in module or area not in areas:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"(?i)\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+\"?(\w+?)_\w+", text):
            if match.group(1) in areas and match.group(1) != area:
                found.append(f"{module}: {match.group(0)}")
    assert found == []
