"""Where the data lives and how the desk is configured.

Precedence for the database: ``--db PATH|URL``, then ``DUTYDESK_DATABASE_URL``,
then a SQLite file in the user's data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "dutydesk"
ENV_DATABASE_URL = "DUTYDESK_DATABASE_URL"
ENV_CONFIG = "DUTYDESK_CONFIG"


def default_database_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "dutydesk.db"


def config_dir() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False))


def to_url(value: str) -> str:
    """A URL as given, or a file path turned into a SQLite URL."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def database_url(cli_value: str | None = None) -> str:
    if cli_value:
        return to_url(cli_value)
    env = os.environ.get(ENV_DATABASE_URL)
    if env:
        return to_url(env)
    return to_url(str(default_database_path()))
