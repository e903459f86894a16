"""Keep personal data out of the public site.

The site is made from the catalog and the content folder only: the generator
never opens a store or a roster (the site layer does not import tracking or
outputs; a test checks it). On top of that structure, two guards:

- `check_publishable`: a file in content/ is published only when its type is
  one a guide uses (pages, pictures, PDF, video); a roster dropped into
  content/ (xlsx, csv, a database) stops the build with its location.
- `check_site_dir`: the site folder may not be, or be inside, a folder that
  holds a store, nor may a store lie inside it; MkDocs empties the site
  folder and publishes all of it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from sferum_onboard.errors import DataError, Location, Problem
from sferum_onboard.messages import SITE

PUBLISHABLE = {
    ".md", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico",
    ".pdf", ".mp4", ".webm", ".css", ".js",
}
STORE_SUFFIXES = {".sqlite", ".sqlite3", ".db", ".db3"}
SQLITE_MAGIC = b"SQLite format 3\x00"


def is_store_file(path: Path) -> bool:
    """A SQLite file (by its first bytes), whatever its name."""
    try:
        with open(path, "rb") as stream:
            return stream.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def check_publishable(path: Path, where: Location) -> Problem | None:
    """A problem when a content file must not reach the public site."""
    if is_store_file(path):
        return Problem(where, "not-publishable", SITE["database"].format(name=path.name))
    if path.suffix.lower() not in PUBLISHABLE:
        return Problem(where, "not-publishable", SITE["not-publishable"].format(name=path.name))
    return None


def _stores_in(folder: Path, recursive: bool) -> Iterable[Path]:
    """Store files by name (.sqlite, .db …) or by their first bytes."""
    if not folder.is_dir():
        return
    for path in folder.rglob("*") if recursive else folder.iterdir():
        if path.is_file() and (path.suffix.lower() in STORE_SUFFIXES or is_store_file(path)):
            yield path


def check_site_dir(site_dir: Path, project_root: Path, private_dirs: Iterable[Path] = ()) -> None:
    """Refuse a site folder where personal data could be published; DataError says why."""
    site = Path(os.path.abspath(site_dir))
    root = Path(os.path.abspath(project_root))
    if site == root or site in root.parents:
        raise DataError(SITE["site-is-project"].format(site=site_dir))
    for private in private_dirs:
        private = Path(os.path.abspath(private))
        if site == private or private in site.parents:
            raise DataError(SITE["site-in-store"].format(site=site_dir, store=private))
        if site in private.parents:
            raise DataError(SITE["store-in-site"].format(site=site_dir, store=private))
    # A stray store near the site: in the site's folder and the folders above it, up to the project
    # (or just the one above, for a site outside the project: /tmp and the like hold anyone's files).
    inside = root in site.parents
    above = [p for p in site.parents if inside and (p == root or root in p.parents)] if inside else [site.parent]
    for folder in [site, *above]:
        for store in _stores_in(folder, recursive=False):
            raise DataError(SITE["site-in-store"].format(site=site_dir, store=folder)
                            if folder != site else
                            SITE["store-in-site"].format(site=site_dir, store=store))
    for store in _stores_in(site, recursive=True):
        raise DataError(SITE["store-in-site"].format(site=site_dir, store=store))


def private_dirs_from_environment() -> list[Path]:
    """The data folder and the store file named by the environment, when set."""
    found = []
    home = os.environ.get("SFERUM_ONBOARD_HOME")
    if home:
        found.append(Path(home))
    database = os.environ.get("SFERUM_ONBOARD_DB", "")
    if database and "://" not in database:
        found.append(Path(database).parent)
    elif database.startswith("sqlite:///"):
        found.append(Path(database[len("sqlite:///"):]).parent)
    return found
