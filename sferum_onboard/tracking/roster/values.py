"""Cleaning the values of a roster's cells: whitespace, names as people write them, classes, lists."""

from __future__ import annotations

import re

from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.names import LATIN_LOOKALIKES, fold_name
from sferum_onboard.tracking.roster.limits import MAX_NAME

# What makes a spreadsheet read a cell as a formula: the usual signs, and tab and carriage return,
# which some programs strip before looking at the first character. Outputs write such text as
# text (outputs/spreadsheet.py); a name that starts with one is refused when a roster is read.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Would a spreadsheet take this text for a formula?"""
    return text.startswith(FORMULA_STARTS)


def fold(text: str) -> str:
    """The key names are compared by: case and ё/е folded, whitespace collapsed."""
    return " ".join(text.casefold().replace("ё", "е").split())


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
DIGIT = re.compile(r"\d")
WORD = re.compile(r"[А-Яа-яЁёA-Za-z]+")
_UPPER_RUN = re.compile(r"[А-ЯЁA-Z]{2}")
_HYPHEN_SPACES = re.compile(r"\s*-\s*")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
LATIN = re.compile(r"[A-Za-z]")
TRAILING_CLASS = re.compile(
    r"[\s,(]+\(?\s*(\d{1,2}\s*[-–—]?\s*[«\"“]?[А-ЯЁа-яёA-Za-z]?[»\"”]?)\s*(?:класс|кл\.?)?\s*\)?\s*$", re.I)
YES = {"да", "+", "1", "v", "✓", "✔", "x", "х", "есть", "является", "кл рук", "классный руководитель"}
_SPECIALISTS = ("психолог", "логопед", "дефектолог", "социальн", "соц пед", "соц. пед", "олигофренопедагог",
                "сурдопедагог", "тифлопедагог")
FOOTERS = ("итого", "всего", "подпись", "м п", "м.п", "директор", "классный руководитель", "исполнитель")


# Control characters other than tab and line breaks (which are whitespace in a cell), and the
# bidirectional overrides that make text read differently from how it is stored.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def name_fault(name: str) -> str | None:
    """Why a cleaned full name cannot be stored (a problem code), or None: too long, markup, a formula."""
    if len(name) > MAX_NAME:
        return "name-too-long"
    if "<" in name or ">" in name:
        return "name-markup"
    if formula_like(name):
        return "name-formula"
    return None


def name_key(text: str) -> str:
    """What two spellings of one name share, as rosters read them: «ИВАНОВ  Иван», «Иванов Иван» with
    a Latin «о», «Иванов Иван» and «иванов иван» have one key (ё/е, case, spaces, look-alike letters)."""
    return fold_name(normalise_name(text))


def clean(text: str) -> str:
    """Whitespace normalised, invisible characters dropped."""
    if _INVISIBLE_RE.search(text):
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


def normalise_name(text: str) -> str:
    """«ИВАНОВА  мария» → «Иванова Мария»; Latin look-alike letters in Russian words fixed."""
    return normalise_clean_name(clean(text))


def normalise_clean_name(text: str) -> str:
    if " -" in text or "- " in text:
        text = _HYPHEN_SPACES.sub("-", text)
    if LATIN.search(text) and CYRILLIC.search(text):
        text = " ".join(w.translate(LATIN_LOOKALIKES) if LATIN.search(w) and CYRILLIC.search(w) else w
                        for w in text.split(" "))
    if text.islower():
        return " ".join(_title(w) for w in text.split(" "))
    # Surnames in capitals («ИВАНОВ Иван») are a convention of official lists, not part of the name;
    # a lower-case word inside a capitalised name («Мамед оглы», «де») is kept as written.
    if _UPPER_RUN.search(text):
        return " ".join(_title(w) if w.isupper() and len(w) > 1 and not DIGIT.search(w) else w
                        for w in text.split(" "))
    return text


def _title(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def split_list(text: str) -> list[str]:
    return [clean(part) for part in re.split(r"[;,\n/]+", text) if clean(part)]


def parse_classes(text: str) -> tuple[list[str], list[str]]:
    """Classes named in a cell («7А, 8 Б», «5-А; 6-Б») → (normalised, not understood)."""
    text = re.sub(r"\b(классы|класс|кл)\b\.?", " ", fold(text))
    good, bad = [], []
    for part in re.split(r"[;,\n/]+", text):
        part = part.strip()
        if not part:
            continue
        found = normalise_class(part)
        if found:
            good.append(found)
            continue
        # «5А 6Б», «7 А 8 Б»: classes separated by spaces only
        words, parsed = part.split(), []
        while words:
            pair = normalise_class(" ".join(words[:2])) if len(words) > 1 and words[1].isalpha() else None
            single = normalise_class(words[0])
            if pair:
                parsed.append(pair)
                words = words[2:]
            elif single:
                parsed.append(single)
                words = words[1:]
            else:
                break
        if words or not parsed:
            bad.append(part)
        else:
            good.extend(parsed)
    return list(dict.fromkeys(good)), bad


def is_specialist(position: str | None) -> bool:
    folded = fold(position or "")
    return any(word in folded for word in _SPECIALISTS)
