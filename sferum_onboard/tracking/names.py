"""Matching people's names the way a person reads them: case and ё/е do not matter."""

from __future__ import annotations

# Latin letters that look like Cyrillic ones («A» for «А», «c» for «с»), from a wrong keyboard layout
# or a paste: the letter of a class («7A»), and in names a word that mixes both alphabets.
LATIN_LOOKALIKES = str.maketrans("ABCEHKMOPTXYabcehkmoptxy", "АВСЕНКМОРТХУавсенкмортху")


def fold_name(text: str) -> str:
    """The matching key of a name: lower case, ё→е, single spaces («Алёна  ИВАНОВА» → «алена иванова»)."""
    folded = str(text).casefold().replace("ё", "е")
    if "  " in folded or folded != folded.strip() or not folded.isprintable():
        folded = " ".join(folded.split())  # tabs, double or edge spaces: rare, so done only then
    return folded


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
