"""Alembic migrations: the schema's history. Configured in code by ``db.migrate``.

A package (with ``versions/`` inside) so an installed wheel carries ``env.py``
and every revision, not only an editable checkout.
"""
