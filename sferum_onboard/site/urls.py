"""Site URLs of docs pages, as MkDocs writes them with `use_directory_urls: true`.

Generated pages carry their links as finished HTML (the checklist markup is
raw HTML, which MkDocs does not rewrite), so the generator computes the same
relative URLs MkDocs would: `parent/join.md` is served at `parent/join/`.
"""

from __future__ import annotations

import posixpath


def page_url(doc_path: str) -> str:
    """Site-relative URL of a docs page: 'parent/join.md' → 'parent/join/', 'index.md' → ''."""
    path = doc_path[: -len(".md")] if doc_path.endswith(".md") else doc_path
    if path == "index":
        return ""
    if path.endswith("/index"):
        return path[: -len("index")]
    return path + "/"


def relative_url(from_doc: str, to_doc: str, anchor: str = "") -> str:
    """The link from one docs page to another (and a heading on it), relative like MkDocs'."""
    source, target = page_url(from_doc), page_url(to_doc)
    if source == target:
        link = "" if anchor else "./"
    else:
        link = posixpath.relpath(target or ".", source or ".") + "/"
    return link + (f"#{anchor}" if anchor else "")


def absolute_url(site_url: str, doc_path: str) -> str:
    """The published address of a page, for QR codes and the printed guide address."""
    return site_url.rstrip("/") + "/" + page_url(doc_path)
