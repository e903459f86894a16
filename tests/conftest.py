"""Shared fixtures: the repository root, and a private data folder per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.sitekit import (  # noqa: F401  (fixtures of the site tests)
    _shipped, _shipped_zensical, chromium, reader_site, shipped_site, site_server)

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch) -> Path:
    """Point the user's data folder (the default store) at a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("SFERUM_ONBOARD_HOME", str(home))
    monkeypatch.delenv("SFERUM_ONBOARD_DB", raising=False)
    return home


def require(condition: bool, reason: str) -> None:
    """Skip locally when a real part is missing; in CI a missing part is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"в CI это обязательно: {reason}")
    pytest.skip(reason)
