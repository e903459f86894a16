"""Which project folder a command works on, found the way git finds its repository.

A project folder holds `checklists/` and `site_config/`. A command uses the
folder it is told (`--project`, else SFERUM_ONBOARD_PROJECT), otherwise the
current folder or the nearest folder above it that is a project: a class
leader may run `sferum-onboard progress` from `отчёты/2026/` inside it.
"""

from __future__ import annotations

import os
from pathlib import Path

from sferum_onboard.errors import NotFoundError
from sferum_onboard.messages import CATALOG

PROJECT_ENV = "SFERUM_ONBOARD_PROJECT"
MARKERS = ("checklists", "site_config")


def is_project(folder: Path) -> bool:
    return all((folder / marker).is_dir() for marker in MARKERS)


def find_project(start: Path) -> Path | None:
    """`start` or its nearest parent that is a project folder; None when there is none up to the root."""
    start = Path(os.path.abspath(start))
    return next((folder for folder in (start, *start.parents) if is_project(folder)), None)


def locate_project(given: str | os.PathLike | None = None) -> Path:
    """The folder given (`--project`), else SFERUM_ONBOARD_PROJECT, else the project around the current folder.
    A folder given is used as it is: checking it reports what is missing there."""
    if given:
        return Path(given)
    if os.environ.get(PROJECT_ENV):
        return Path(os.environ[PROJECT_ENV])
    start = Path.cwd()
    found = find_project(start)
    if found is None:
        raise NotFoundError(CATALOG["no-project"].format(folder=start, env=PROJECT_ENV))
    return found
