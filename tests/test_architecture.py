"""Imports flow screens -> dutydesk -> db, only screens import Textual, screens never touch storage,
nothing imports in a circle, and no module grows past about 400 lines without saying why at its top.

Every import counts, at any depth (inside functions and methods too): a screen
that imports the database layer "only when needed" still reaches past the services.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINE_LIMIT = 400
REASON = "Over 400 lines because"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def top(name: str) -> str:
    return name.split(".")[0]


STORAGE = {"db", "sqlalchemy", "sqlmodel", "alembic"}

FORBIDDEN = {
    "db": {"dutydesk", "screens", "textual"},
    "dutydesk": {"screens", "textual"},
    # Screens call services and get plain objects back; enums come through dutydesk.enums.
    "screens": STORAGE,
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_nothing_above_it(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = {m for m in imported_modules(path) if top(m) in FORBIDDEN[package]}
        if bad:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert not offenders, ("imports against the flow screens -> dutydesk -> db (screens: no storage):\n"
                           + "\n".join(offenders))


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from textual.app import App\nimport screens.app\n")
    assert {top(m) for m in imported_modules(sample)} == {"textual", "screens"}


# -- no import circles -------------------------------------------------------------------------


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` (a folder under ``root``) by dotted name; a package is its __init__."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports, at the top or inside a function.

    ``from a.b import c`` counts as importing ``a.b.c`` when that is a module, else ``a.b``."""
    modules = module_files(root, package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [f"{mod}.{alias.name}" if f"{mod}.{alias.name}" in modules else mod for alias in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def package_graph(graph: dict[str, set[str]], package: str) -> dict[str, set[str]]:
    """The module graph folded onto ``package``'s subpackages and top-level modules."""

    def node(module: str) -> str:
        parts = module.split(".")
        return ".".join(parts[:2]) if len(parts) > 1 else module

    out: dict[str, set[str]] = {}
    for src, dsts in graph.items():
        if src == package:
            continue
        out.setdefault(node(src), set())
        for dst in dsts:
            if dst != package and node(dst) != node(src):
                out[node(src)].add(node(dst))
    return out


def _show(groups: list[list[str]], graph: dict[str, set[str]]) -> str:
    lines = []
    for group in groups:
        members = set(group)
        lines.append(" <-> ".join(group))
        lines += [f"    {a} -> {b}" for a in group for b in sorted(graph[a] & members)]
    return "\n".join(lines)


def test_no_import_cycle_between_modules_of_dutydesk() -> None:
    graph = import_graph(ROOT, "dutydesk")
    assert len(graph) > 60
    found = cycles(graph)
    assert not found, "modules of dutydesk/ importing each other in a circle:\n" + _show(found, graph)


def test_no_import_cycle_between_packages_of_dutydesk() -> None:
    graph = package_graph(import_graph(ROOT, "dutydesk"), "dutydesk")
    assert {"dutydesk.requests", "dutydesk.matching", "dutydesk.labels"} <= set(graph)
    found = cycles(graph)
    assert not found, "packages of dutydesk/ importing each other in a circle:\n" + _show(found, graph)


# Lower may not import higher; the foundations (dutydesk's top-level modules, and the data files'
# package) are below all.
FOUNDATION_PACKAGES = {"dutydesk.data"}
LAYERS = [
    {"dutydesk.access"},
    {"dutydesk.matching"},
    {"dutydesk.carers", "dutydesk.calls", "dutydesk.requests"},
    {"dutydesk.allegations"},
    {"dutydesk.overview", "dutydesk.reports"},
    {"dutydesk.demo", "dutydesk.cli"},
]


def layer_breaches(graph: dict[str, set[str]], layers: list[set[str]]) -> list[str]:
    rank = {pkg: i + 1 for i, group in enumerate(layers) for pkg in group}
    out = []
    for src, dsts in sorted(graph.items()):
        for dst in sorted(dsts):
            mine, theirs = rank.get(src, 0), rank.get(dst, 0)
            if theirs > mine:
                out.append(f"{src} imports {dst}")
    return out


def test_packages_import_only_their_own_layer_or_lower() -> None:
    graph = package_graph(import_graph(ROOT, "dutydesk"), "dutydesk")
    unplaced = sorted(p for p in graph if (ROOT / p.replace(".", "/")).is_dir()
                      and p not in FOUNDATION_PACKAGES and not any(p in group for group in LAYERS))
    assert not unplaced, f"packages with no place in the layering: {unplaced}"
    breaches = layer_breaches(graph, LAYERS)
    assert not breaches, "imports against the layering:\n" + "\n".join(breaches)


def _plant(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_cycle_checker_sees_a_circle_made_inside_a_function(tmp_path: Path) -> None:
    _plant(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg import b\n",
        "pkg/b.py": "def late():\n    from pkg.a import thing\n",
        "pkg/c.py": "from pkg import a\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/d.py": "from . import e\n",
        "pkg/sub/e.py": "from .d import x\n",
    })
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.c"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b"], ["pkg.sub.d", "pkg.sub.e"]]


def test_the_package_checker_sees_a_circle_between_packages(tmp_path: Path) -> None:
    _plant(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/base.py": "",
        "pkg/one/__init__.py": "",
        "pkg/one/x.py": "from pkg.two import y\nfrom pkg import base\n",
        "pkg/two/__init__.py": "",
        "pkg/two/y.py": "from pkg import base\n",
        "pkg/two/z.py": "from pkg.one.x import f\n",
    })
    graph = package_graph(import_graph(tmp_path, "pkg"), "pkg")
    assert graph["pkg.one"] == {"pkg.two", "pkg.base"}
    assert cycles(graph) == [["pkg.one", "pkg.two"]]
    assert layer_breaches(graph, [{"pkg.two"}, {"pkg.one"}]) == ["pkg.two imports pkg.one"]


# -- module size -------------------------------------------------------------------------------


def oversized(root: Path, package: str, limit: int = LINE_LIMIT) -> list[str]:
    """Modules over ``limit`` lines whose docstring does not start with a reason."""
    out = []
    for path in sorted((root / package).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        n = len(text.splitlines())
        if n <= limit:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if not doc.startswith(REASON):
            out.append(f"{path.relative_to(root)}: {n} lines")
    return out


@pytest.mark.parametrize("package", ["dutydesk", "db", "screens", "bench"])
def test_no_module_over_400_lines_without_a_reason(package: str) -> None:
    found = oversized(ROOT, package)
    assert not found, (f"split these, or start the docstring with '{REASON} ...':\n" + "\n".join(found))


def test_the_size_checker_sees_a_long_module_and_accepts_a_reason(tmp_path: Path) -> None:
    body = "x = 1\n" * LINE_LIMIT
    _plant(tmp_path, {
        "pkg/long.py": '"""A long module."""\n' + body,
        "pkg/excused.py": f'"""{REASON} it is one table.\n\nMore words."""\n' + body,
        "pkg/short.py": '"""Short."""\n' + "x = 1\n" * (LINE_LIMIT - 1),
    })
    assert oversized(tmp_path, "pkg") == [f"pkg/long.py: {LINE_LIMIT + 1} lines"]


def test_the_dashboard_and_its_words_stay_off_the_models() -> None:
    """The dashboard is on the start-up path: it, the labels and the capacity rule load no models."""
    import subprocess
    import sys

    code = ("import sys; import dutydesk.overview.dashboard, dutydesk.labels, dutydesk.matching.capacity; "
            "print(sorted(m for m in sys.modules if m == 'db.models' or m.startswith('db.models.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_the_checker_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "class Screen:\n"
        "    def load(self):\n"
        "        import sqlalchemy as sa\n"
        "        if sa:\n"
        "            from db.enums import Role\n"
        "            def deeper():\n"
        "                from sqlmodel import select\n"
    )
    assert {top(m) for m in imported_modules(sample)} == {"sqlalchemy", "db", "sqlmodel"}
    assert {top(m) for m in imported_modules(sample)} <= FORBIDDEN["screens"]


def test_enums_reach_screens_through_dutydesk() -> None:
    import enum

    import db.enums
    import dutydesk.enums

    stored = {n for n, v in vars(db.enums).items() if isinstance(v, type) and issubclass(v, enum.Enum)
              and v.__module__ == "db.enums"}
    assert stored and all(getattr(dutydesk.enums, n) is getattr(db.enums, n) for n in stored)
