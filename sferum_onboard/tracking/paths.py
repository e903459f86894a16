"""Where the store lives: `--db` or SFERUM_ONBOARD_DB, else a file in the user's data folder.

The default is outside the repository on purpose: the store holds children's
names, and a file in the working tree could be committed or published.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "sferum-onboard"
DB_FILE_NAME = "sferum-onboard.sqlite"
DB_ENV = "SFERUM_ONBOARD_DB"
HOME_ENV = "SFERUM_ONBOARD_HOME"


def data_dir() -> Path:
    """The user's private data folder for this tool: SFERUM_ONBOARD_HOME, else the platform's own
    (~/.local/share/sferum-onboard, or $XDG_DATA_HOME; Application Support on macOS; LocalAppData on Windows)."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def is_url(target: str) -> bool:
    """A database URL (postgresql+psycopg://…, sqlite:///…) rather than a file path."""
    scheme, sep, _ = target.partition("://")
    return bool(sep) and scheme.replace("+", "").replace("-", "").isalnum() and len(scheme) > 1


def store_target(db: str | os.PathLike | None = None) -> str:
    """The store the user means: the explicit value, then SFERUM_ONBOARD_DB, then the default file."""
    if db:
        return str(db)
    if os.environ.get(DB_ENV):
        return os.environ[DB_ENV]
    return str(data_dir() / DB_FILE_NAME)
