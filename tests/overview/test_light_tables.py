"""The dashboard's light table descriptions (kept to start fast) must match the models."""

from __future__ import annotations

import sqlalchemy as sa

import db.models as models
from dutydesk.overview import light_tables as lt
def light_tables() -> list:
    return [v for v in vars(lt).values() if isinstance(v, lt.Table)]


def test_every_light_column_exists_in_the_model_with_a_matching_type() -> None:
    assert len(light_tables()) >= 8
    problems = []
    for light in light_tables():
        name = light.__table__.name
        real = models.metadata.tables.get(name)
        if real is None:
            problems.append(f"{name}: no such table in db.models")
            continue
        for col in light.__table__.c:
            if col.name not in real.c:
                problems.append(f"{name}.{col.name}: no such column in db.models")
                continue
            want = real.c[col.name].type
            have = col.type
            # Compare what the driver sees: the underlying SQL type's family.
            want_impl = getattr(want, "impl_instance", want)
            have_impl = getattr(have, "impl_instance", have)
            if want_impl._type_affinity is not have_impl._type_affinity:
                problems.append(f"{name}.{col.name}: {have!r} here, {want!r} in db.models")
    assert not problems, "\n".join(problems)


def test_the_check_notices_a_drifted_column(monkeypatch) -> None:
    drifted = lt.table("calls", id=sa.Integer, no_such_column=sa.String)
    monkeypatch.setattr(lt, "Drifted", drifted, raising=False)
    try:
        test_every_light_column_exists_in_the_model_with_a_matching_type()
    except AssertionError as err:
        assert "calls.no_such_column" in str(err)
    else:
        raise AssertionError("a column missing from the models went unnoticed")
