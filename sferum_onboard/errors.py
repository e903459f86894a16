"""Domain exceptions and located problems.

Every message a user sees is Russian and comes from `messages.py`; the CLI
turns these exceptions into a message and an exit code, never a traceback.
Errors carry what they are about (candidate people, rows with problems),
and the CLI's views (`sferum_onboard/views/`) write that out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line and column are 1-based, 0 when unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content or the data, with where it is."""

    location: Location
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "code": self.code,
            "message": self.message,
        }


class SferumError(Exception):
    """Base of every error the tool reports to a user in Russian."""


class ContentError(SferumError):
    """The catalog (checklists, road map, guides) has problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class DataError(SferumError):
    """A roster, sheet or other data file cannot be used as it is."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = problems or []
        super().__init__(message)


class StoreError(SferumError):
    """The store cannot be opened or written."""


class NotFoundError(SferumError):
    """A person, class, step or school named by the user does not exist; `close` holds what the
    user may have meant (for the CLI to offer)."""

    def __init__(self, message: str, close: Sequence = ()):
        self.close = tuple(close)
        super().__init__(message)


class AmbiguousError(SferumError):
    """A name matches more than one person or thing; `candidates` holds them (for the CLI to list)."""

    def __init__(self, message: str, candidates: Sequence = ()):
        self.candidates = tuple(candidates)
        super().__init__(message)


class StepNotForPersonError(DataError):
    """A step is in none of the checklists of the person it was marked for; `who` is that person."""

    def __init__(self, message: str, step_id: str, who):
        self.step_id = step_id
        self.who = who
        super().__init__(message)
