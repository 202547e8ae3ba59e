"""The layers are one-way: no import loop, and every import points down the documented order.

The order is read from one declaration, the layer table of
``docs/architecture.md`` (section "Layers"): each row is a layer, the first
row the bottom one, and its second cell names the folders (``via_reports/data/``)
and modules (``via_reports/cli.py``) it holds. A module may import from its
own layer and from the rows above its own, never from a row below. Every
import counts, wherever it is written: at the top, inside a function (the
lazy imports that keep start-up light), under ``TYPE_CHECKING``; relative
imports are resolved. The graph is built from the source with :mod:`ast`,
so nothing is imported to check it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "via_reports"


# --------------------------------------------------------------------------- the graph


def module_names(folder: Path, package: str) -> dict[str, Path]:
    """Every module under ``folder`` by dotted name (a package by its own name, not ``__init__``)."""
    names = {}
    for path in sorted(folder.rglob("*.py")):
        parts = list(path.relative_to(folder).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join([package, *parts]) if package else ".".join(parts)] = path
    return names


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement asks for: ``x.y`` and, for ``from x import y``, ``x.y``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:  # relative: counted from the module's own package
        base = module if is_package else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        source = f"{base}.{node.module}" if node.module else base
    else:
        source = node.module or ""
    return [source] + [f"{source}.{alias.name}" for alias in node.names]


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The longest known module ``name`` starts with (``pkg.mod.func`` is ``pkg.mod``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(modules: dict[str, Path]) -> dict[str, dict[str, int]]:
    """module -> {imported module: line of the first import}, among ``modules`` only."""
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges: dict[str, int] = {}
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            asked = [_known(name, modules) for name in _imported(node, module, is_package)]
            found = {name for name in asked if name and name != module}
            # ``from pkg import sub`` names both pkg and pkg.sub: the submodule is what is used
            for name in found:
                if not any(other.startswith(name + ".") for other in found):
                    edges.setdefault(name, node.lineno)
        graph[module] = edges
    return graph


def import_loops(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Every strongly connected set of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            members = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.append(member)
                if member == node:
                    break
            if len(members) > 1:
                loops.append(sorted(members))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(loops)


# --------------------------------------------------------------------------- the declared order


def declared_layers(markdown: str) -> list[tuple[str, list[str]]]:
    """(layer, [folder or module path]) per layer of the table under ``## Layers``, bottom first.

    Consecutive rows naming the same layer are one layer (the README's and
    this table's rows name one folder each).
    """
    section = markdown.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    layers: list[tuple[str, list[str]]] = []
    for row in rows[1:]:  # the first row is the header
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        members = re.findall(r"`(via_reports/[\w/]*(?:\.py)?)`", cells[1])
        if layers and layers[-1][0] == cells[0]:  # a row repeating the layer above adds to it
            layers[-1][1].extend(members)
        else:
            layers.append((cells[0], members))
    return layers


def layer_of_modules(layers: list[tuple[str, list[str]]], modules: dict[str, Path]) -> dict[str, int]:
    """module -> its layer's position (0 = bottom); a module in no row, or in two, is an error."""
    position = {}
    for module, path in modules.items():
        relative = path.relative_to(ROOT).as_posix()
        homes = [i for i, (_, members) in enumerate(layers)
                 for member in members
                 if relative == member or (member.endswith("/") and relative.startswith(member))]
        assert len(homes) == 1, f"{relative} is in {len(homes)} rows of the layer table; put it in one"
        position[module] = homes[0]
    return position


def against_the_order(graph: dict[str, dict[str, int]], position: dict[str, int],
                      names: list[str]) -> list[str]:
    """Every import from a lower layer into a higher one, as ``module:line -> module (layer -> layer)``."""
    return [f"{module}:{line} -> {target} ({names[position[module]]} -> {names[position[target]]})"
            for module, edges in sorted(graph.items())
            for target, line in sorted(edges.items())
            if position[target] > position[module]]


@pytest.fixture(scope="module")
def package_graph() -> tuple[dict[str, Path], dict[str, dict[str, int]]]:
    modules = module_names(ROOT / PACKAGE, PACKAGE)
    return modules, import_graph(modules)


def test_no_import_loop_in_the_package(package_graph):
    _, graph = package_graph
    assert import_loops(graph) == []


def test_no_import_loop_among_the_scripts():
    scripts = module_names(ROOT / "scripts", "")
    assert import_loops(import_graph(scripts)) == []


def test_every_import_points_down_the_documented_layers(package_graph):
    modules, graph = package_graph
    layers = declared_layers((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))
    names = [name for name, _ in layers]
    assert names[0] == "base" and names[-1] == "commands" and len(set(names)) == len(names), names
    position = layer_of_modules(layers, modules)
    assert against_the_order(graph, position, names) == []


def test_the_programme_level_sits_on_top_and_calls_the_users_build(package_graph):
    """Nothing below the programme level imports it; it builds a study with the same ``build_report``."""
    _, graph = package_graph
    below = [module for module, edges in graph.items()
             if not module.startswith(f"{PACKAGE}.programme") and module not in (f"{PACKAGE}.cli",)
             and any(target.startswith(f"{PACKAGE}.programme") for target in edges)]
    assert below == []
    tasks = (ROOT / PACKAGE / "programme" / "tasks.py").read_text(encoding="utf-8")
    assert "from via_reports.report.build import" in tasks and "build_report(" in tasks


def test_the_version_has_one_value(package_graph):
    """``via_reports.version`` is what every layer records; pyproject.toml states the same."""
    from via_reports.version import __version__

    import via_reports

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(rf'^version = "{re.escape(__version__)}"$', pyproject, re.MULTILINE)
    assert via_reports.__version__ == __version__


# --------------------------------------------------------------------------- the checks themselves


def _graph_of(tmp_path: Path, files: dict[str, str]) -> dict[str, dict[str, int]]:
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return import_graph(module_names(tmp_path / "pkg", "pkg"))


def test_a_loop_through_a_lazy_relative_or_type_checking_import_is_found(tmp_path):
    graph = _graph_of(tmp_path, {
        "__init__.py": "",
        "low.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.high import H\n",
        "high.py": "def f():\n    from .sub import deep\n",
        "sub/__init__.py": "",
        "sub/deep.py": "from .. import low\n",
        "alone.py": "import pkg.low\n",
    })
    assert graph["pkg.sub.deep"] == {"pkg.low": 1}
    assert graph["pkg.high"] == {"pkg.sub.deep": 2}
    assert import_loops(graph) == [["pkg.high", "pkg.low", "pkg.sub.deep"]]


def test_an_import_up_the_layers_is_named_with_its_line(tmp_path):
    graph = _graph_of(tmp_path, {"__init__.py": "", "low.py": "\n\nimport pkg.high.top\n",
                                 "high/__init__.py": "", "high/top.py": "from pkg import low\n"})
    position = {"pkg": 0, "pkg.low": 0, "pkg.high": 1, "pkg.high.top": 1}
    assert against_the_order(graph, position, ["base", "upper"]) == ["pkg.low:3 -> pkg.high.top (base -> upper)"]


def test_the_layer_table_is_read_bottom_first():
    markdown = ("# x\n\n## Layers\n\n| layer | holds | what |\n| --- | --- | --- |\n"
                "| base | `via_reports/exceptions.py`, `via_reports/options.py` | the floor |\n"
                "| data | `via_reports/data/` | data |\n| data | `via_reports/demo/` | demo |\n"
                "| analysis | `via_reports/analysis/` | counts |\n\n## Next\n| not | `via_reports/x/` | read |\n")
    assert declared_layers(markdown) == [("base", ["via_reports/exceptions.py", "via_reports/options.py"]),
                                         ("data", ["via_reports/data/", "via_reports/demo/"]),
                                         ("analysis", ["via_reports/analysis/"])]
