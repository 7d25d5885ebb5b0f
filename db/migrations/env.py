"""Alembic's entry point. All settings live in ``db.migrate`` so tests and runs agree."""

from alembic import context

from db.migrate import run_in_context

run_in_context(context)
