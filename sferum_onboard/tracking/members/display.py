"""What a display name says: the member's own name words, and whose parent they are («мама Пети»).

`read_display_name` turns «Маша Иванова», «Иванова М.П.», «Мария (мама Пети
Иванова)», «Петина мама» or «Maria Ivanova» into tokens: each word folded
the way roster names are (`names.fold_name` after the roster's
`normalise_name`, which fixes Latin look-alike letters), marked when it is
an initial, with the full names a short name stands for and, for a child
named after «мама», the nominative forms its genitive may come from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sferum_onboard.tracking.members import vocabulary as words
from sferum_onboard.tracking.names import fold_name
from sferum_onboard.tracking.roster.values import CYRILLIC, LATIN, normalise_name


@dataclass(frozen=True)
class Token:
    """One word of a display name, folded («маша»), with the words it may stand for."""

    text: str
    initial: bool = False
    forms: tuple[str, ...] = ()  # the same word in another form (a genitive's nominatives): as good as exact
    short_for: tuple[str, ...] = ()  # full names a short name stands for («маша» → «мария»)


@dataclass(frozen=True)
class DisplayName:
    tokens: tuple[Token, ...]  # the member's own name
    kin: str | None = None  # vocabulary.MOTHER | FATHER | RELATIVE: the name says whose family they are
    children: tuple[tuple[Token, ...], ...] = ()  # each child named after the kin word
    latin: bool = False  # written in Latin letters and read back into Cyrillic


_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_PARTS = re.compile(r"\(([^()]*)\)|[^(),]+")


def read_display_name(name: str) -> DisplayName:
    """The tokens and the family of a display name (already without the list's noise)."""
    text = normalise_name(name)
    latin = bool(LATIN.search(text)) and not CYRILLIC.search(text)
    if latin:
        text = from_latin(text)
    own: list[Token] = []
    kin = None
    children: list[tuple[Token, ...]] = []
    for found in _PARTS.finditer(text):
        segment = found.group(1) if found.group(1) is not None else found.group()
        raw = _WORD.findall(segment)
        folded = [fold_name(w) for w in raw]
        at = next((i for i, w in enumerate(folded) if w in words.KIN), None)
        if at is None:
            own.extend(_own_tokens(raw))
            continue
        kin = kin or words.KIN[folded[at]]
        before = raw[:at]
        if before and _possessive(fold_name(before[-1])):
            children.append((_child_token(fold_name(before[-1]), possessive=True),))
            before = before[:-1]
        own.extend(_own_tokens(before))
        child: list[Token] = []
        for word in folded[at + 1:]:
            if word == words.AND:
                if child:
                    children.append(tuple(child))
                child = []
            elif word not in words.KIN:
                child.append(_child_token(word))
        if child:
            children.append(tuple(child))
    return DisplayName(tuple(own), kin, tuple(children), latin)


def _own_tokens(raw: list[str]) -> list[Token]:
    tokens = []
    longest = max((len(w) for w in raw), default=0)
    for word in raw:
        folded = fold_name(word)
        # «Иванова МП»: capitals after a surname are initials; «Ян» is a name
        if 1 < len(word) <= 3 and word.isupper() and longest > 3:
            tokens.extend(Token(letter, initial=True) for letter in folded)
        elif len(folded) == 1:
            tokens.append(Token(folded, initial=True))
        else:
            tokens.append(Token(folded, short_for=words.DIMINUTIVES.get(folded, ())))
    return tokens


def _possessive(word: str) -> bool:
    return any(word.endswith(end) and len(word) > len(end) + 1 for end, _ in words.POSSESSIVE_ENDINGS)


def _child_token(word: str, possessive: bool = False) -> Token:
    """A child's name as a family writes it after «мама» (genitive) or before it (possessive)."""
    table = words.POSSESSIVE_ENDINGS if possessive else words.GENITIVE_ENDINGS
    forms: list[str] = [] if possessive else [word]
    for ending, nominatives in table:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            stem = word[: len(word) - len(ending)]
            forms.extend(stem + n for n in nominatives)
    short = tuple(full for form in forms for full in words.DIMINUTIVES.get(form, ()))
    return Token(word, forms=tuple(dict.fromkeys(forms)), short_for=tuple(dict.fromkeys(short)))


def gender_of(parts: tuple[str, ...]) -> str | None:
    """vocabulary.FEMALE or MALE from a folded full name (surname, name, patronymic); None if unsure."""
    if len(parts) >= 3:
        for endings, gender in words.PATRONYMIC_ENDINGS:
            if parts[2].endswith(endings):
                return gender
    for endings, gender in words.SURNAME_ENDINGS:
        if parts and parts[0].endswith(endings):
            return gender
    if len(parts) >= 2 and parts[1] not in words.BOTH_GENDERS:
        if parts[1] in words.MALE_NAMES_IN_A:
            return words.MALE
        return words.FEMALE if parts[1].endswith(words.FEMININE_NAME_ENDINGS) else words.MALE
    return None


_LATIN_RE = re.compile("|".join(re.escape(latin) for latin, _ in words.LATIN_SOUNDS))
_LATIN_MAP = dict(words.LATIN_SOUNDS)


def from_latin(text: str) -> str:
    """«Maria Ivanova» → «Мария Иванова»: near enough to compare with a Cyrillic roster."""
    return _LATIN_RE.sub(lambda m: _LATIN_MAP[m.group()], text.lower())
