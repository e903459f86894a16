"""Matching people's names the way a person reads them: case and ё/е do not matter."""

from __future__ import annotations


def fold_name(text: str) -> str:
    """The matching key of a name: lower case, ё→е, single spaces («Алёна  ИВАНОВА» → «алена иванова»)."""
    return " ".join(str(text).replace("ё", "е").replace("Ё", "Е").casefold().split())


def name_matches(query_key: str, name_key: str) -> bool:
    """Does a folded query name a person: the whole name, or the start of each word in order.

    «иванова м» and «иванова мария» both match «иванова мария петровна».
    """
    if query_key == name_key:
        return True
    words, parts = name_key.split(), query_key.split()
    if not parts or len(parts) > len(words):
        return False
    return all(word.startswith(part) for word, part in zip(words, parts))
