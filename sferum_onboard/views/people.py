"""People as the terminal names them, and the lines under an error: candidates, close names, problems."""

from __future__ import annotations

from sferum_onboard.errors import AmbiguousError, NotFoundError, SferumError, StepNotForPersonError
from sferum_onboard.messages import TRACKING
from sferum_onboard.tracking.model import Candidate, School
from sferum_onboard.wording import role_title


def describe_person(candidate: Candidate) -> str:
    """«#12 Иванова Мария Петровна, родитель (7А, 5Б)»: enough to tell namesakes apart."""
    person = candidate.person
    role = role_title("class_leader" if person.role == "teacher" and person.class_leader else person.role)
    extra = f" ({', '.join(candidate.classes)})" if candidate.classes else ""
    inactive = TRACKING["inactive-mark"] if not person.active else ""
    return f"#{person.id} {person.full_name}, {role}{extra}{inactive}"


def error_text(error: SferumError) -> str:
    """The error's sentence, with the person it is about described in full."""
    if isinstance(error, StepNotForPersonError):
        return TRACKING["step-not-for-person"].format(step=error.step_id, who=describe_person(error.who))
    return str(error)


def detail_lines(error: SferumError) -> list[str]:
    """Lines to show under an error: its problems, the candidates it could mean, close names."""
    lines = [str(problem) for problem in getattr(error, "problems", ())]
    if isinstance(error, AmbiguousError):
        lines += [f"«{c.name}»" if isinstance(c, School) else describe_person(c) for c in error.candidates]
    if isinstance(error, NotFoundError):
        lines += [TRACKING["maybe"].format(who=describe_person(c)) for c in error.close]
    return lines
