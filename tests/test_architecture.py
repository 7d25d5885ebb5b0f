"""Imports flow screens -> dutydesk -> db, only screens import Textual, and screens never touch storage.

Every import counts, at any depth (inside functions and methods too): a screen
that imports the database layer "only when needed" still reaches past the services.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
