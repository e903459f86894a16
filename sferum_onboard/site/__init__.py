"""The public guide site: generated Markdown pages, the MkDocs plugin and assets."""
