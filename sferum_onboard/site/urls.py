"""Site URLs of docs pages, as MkDocs writes them with `use_directory_urls: true`, and the published address.

Generated pages carry their links as finished HTML (the checklist markup is
raw HTML, which MkDocs does not rewrite), so the generator computes the same
relative URLs MkDocs would: `parent/join.md` is served at `parent/join/`.
Printed QR codes and reminders carry absolute addresses: `phone_link` makes
them plain ASCII, and `is_local_address` tells an address nobody outside
this computer or its network can open.
"""

from __future__ import annotations

import ipaddress
import posixpath
import urllib.parse


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


# Names that only a computer itself or its local network resolves (RFC 6761, 6762, 8375 and common router names).
LOCAL_NAME_SUFFIXES = (".localhost", ".local", ".localdomain", ".lan", ".home", ".home.arpa", ".internal",
                       ".intranet", ".corp")


def is_local_address(url: str) -> bool:
    """True when the address leads to this computer or a local network only: localhost, 127.0.0.0/8, ::1,
    10/8, 172.16/12, 192.168/16, link-local and other non-global IPs, `.local` and other local names, and
    names without a dot (a computer's own name on the school network)."""
    host = (urllib.parse.urlsplit(url).hostname or "").rstrip(".").lower()
    if not host:
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        pass
    return host == "localhost" or "." not in host or host.endswith(LOCAL_NAME_SUFFIXES)


def phone_link(url: str) -> str:
    """The address as a phone's camera and messenger open it: the host in punycode, the rest percent-encoded
    (a Cyrillic anchor such as #установите-max ends the link early in many messengers)."""
    parts = urllib.parse.urlsplit(url)
    try:
        host = parts.hostname.encode("idna").decode("ascii") if parts.hostname else ""
    except UnicodeError:
        host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    safe = "/:@!$&'()*+,;=%~-._"
    return urllib.parse.urlunsplit((
        parts.scheme, netloc, urllib.parse.quote(parts.path, safe=safe),
        urllib.parse.quote(parts.query, safe=safe + "?"), urllib.parse.quote(parts.fragment, safe=safe),
    ))
