"""Options of the `sferum-onboard` MkDocs plugin (used by `sferum-onboard serve`)."""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class CatalogConfig(Config):
    enabled = opt.Type(bool, default=True)
    # Folder (relative to mkdocs.yml) the generator writes docs/ and the generated settings into.
    build_dir = opt.Type(str, default="build")
    # Index the built site with Pagefind after every build, so search works in `serve` too.
    search = opt.Type(bool, default=True)
    # Show the coordinators' pages (content/authoring/): the plugin serves `sferum-onboard serve`, a preview.
    coordinators = opt.Type(bool, default=True)
