"""A thin MkDocs plugin: regenerate the docs tree from the catalog on every build.

It calls the same `generate_site` as `sferum-onboard build` (nothing about
page generation lives here) and tells `mkdocs serve` to watch checklists/,
content/ and site_config/, so editing a YAML file rebuilds the site. The
generated tree builds without this plugin: it is a convenience for previews.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from sferum_onboard.catalog import load_catalog
from sferum_onboard.errors import ContentError, SferumError
from sferum_onboard.site.config import CatalogConfig
from sferum_onboard.site.generate import generate_site
from sferum_onboard.site.search import build_search_index

WATCHED = ("checklists", "content", "site_config")


class CatalogPlugin(BasePlugin[CatalogConfig]):
    def on_config(self, config):
        if not self.config.enabled:
            return config
        project = Path(config.config_file_path).parent
        try:
            generated = generate_site(load_catalog(project), project / self.config.build_dir,
                                      coordinators=self.config.coordinators)
        except ContentError as error:
            raise PluginError("\n".join(str(p) for p in error.problems)) from None
        except SferumError as error:
            raise PluginError(str(error)) from None
        # mkdocs.yml inherited the previous generated settings when it was read: take the fresh ones.
        fresh = yaml.safe_load(generated.config_file.read_text("utf-8")) or {}
        for key in ("site_name", "site_url", "site_description", "nav"):
            if key in fresh:
                config[key] = fresh[key]
        return config

    def on_serve(self, server, config, builder):
        if self.config.enabled:
            project = Path(config.config_file_path).parent
            for folder in WATCHED:
                if (project / folder).is_dir():
                    server.watch(str(project / folder))
        return server

    def on_post_build(self, config):
        if self.config.enabled and self.config.search:
            try:
                build_search_index(Path(config.site_dir), Path(config.docs_dir))
            except SferumError as error:
                raise PluginError(str(error)) from None
