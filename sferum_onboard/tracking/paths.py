"""Where the store lives: `--db` or SFERUM_ONBOARD_DB, else a file in the user's data folder.

The default is outside the repository on purpose: the store holds children's
names, and a file in the working tree could be committed or published.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "sferum-onboard"
DB_FILE_NAME = "sferum-onboard.sqlite"
DB_ENV = "SFERUM_ONBOARD_DB"
HOME_ENV = "SFERUM_ONBOARD_HOME"


def data_dir(environ: dict | None = None) -> Path:
    """The user's private data folder for this tool (what click.get_app_dir would pick)."""
    env = os.environ if environ is None else environ
    if env.get(HOME_ENV):
        return Path(env[HOME_ENV]).expanduser()
    if sys.platform == "win32":
        base = env.get("LOCALAPPDATA") or env.get("APPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


def is_url(target: str) -> bool:
    """A database URL (postgresql+psycopg://…, sqlite:///…) rather than a file path."""
    scheme, sep, _ = target.partition("://")
    return bool(sep) and scheme.replace("+", "").replace("-", "").isalnum() and len(scheme) > 1


def store_target(db: str | os.PathLike | None = None, environ: dict | None = None) -> str:
    """The store the user means: the explicit value, then SFERUM_ONBOARD_DB, then the default file."""
    env = os.environ if environ is None else environ
    if db:
        return str(db)
    if env.get(DB_ENV):
        return env[DB_ENV]
    return str(data_dir(env) / DB_FILE_NAME)
