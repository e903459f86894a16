"""School class names: «7а», «7 А», «7-А» and «7A» (Latin A) are all «7А»."""

from __future__ import annotations

import re

from sferum_onboard.tracking.names import LATIN_LOOKALIKES

_CLASS = re.compile(r"^\s*(\d{1,2})\s*[-–—_.\s]?\s*«?\"?([А-ЯЁа-яёA-Za-z]{0,2})\"?»?\s*(?:класс|кл\.?)?\s*$", re.IGNORECASE)


def normalise_class(text: str) -> str | None:
    """The canonical name of a class, or None when the text is not a class name."""
    match = _CLASS.match(str(text).translate(LATIN_LOOKALIKES))
    if not match:
        return None
    grade, letter = int(match.group(1)), match.group(2).upper().replace("Ё", "Е")
    if not 1 <= grade <= 11:
        return None
    return f"{grade}{letter}"


def grade_of(class_name: str | None) -> int | None:
    """The grade (parallel) of a normalised class name: «7А» → 7."""
    if not class_name:
        return None
    match = re.match(r"\d+", class_name)
    return int(match.group()) if match else None
