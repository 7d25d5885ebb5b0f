"""Persistence for dutydesk: tables, engine and sessions, migrations, queries.

Nothing here imports Textual or the application services.
"""
