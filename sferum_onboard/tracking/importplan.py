"""What importing a roster would change: a pure plan over the people already stored.

The store loads one school's people, calls `plan_roster`, shows the plan
(`--dry-run`) or applies it in one transaction. Matching is by name (case
and ё/е folded) within the school and the kind of list:

* pupils: the same name in the same class is the same pupil; a name found
  in one other class is a pupil who moved (moved, not duplicated);
* parents: the same name is the same parent (one household, however many
  children); children are found among the stored pupils by name and class;
* staff: the same name among teachers and administrators.

A name is weak evidence: a September list of first-graders may name a
namesake of a fifth-grader. So a change that takes an existing person
somewhere else — a pupil moved to another class, a stored parent given
children who are not theirs yet (two households merged into one) — is
planned but held back (`ImportPlan.held`) unless the caller allows moves,
or the roster is the full list (`deactivate_missing`).

Optional fields left empty in the roster never erase what is stored (a list
without a «Предмет» column keeps the subjects); people missing from the
roster are listed and deactivated only when asked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from sferum_onboard.errors import Location, Problem
from sferum_onboard.messages import TRACKING
from sferum_onboard.tracking.classes import normalise_class as _normalise_class
from sferum_onboard.tracking.model import Person, School
from sferum_onboard.tracking.names import fold_name

# Rosters repeat the same few dozen class names thousands of times.
normalise_class = functools.lru_cache(maxsize=4096)(_normalise_class)

KIND_ROLES = {"pupils": ("pupil",), "parents": ("parent",), "staff": ("teacher", "administrator")}
# Who a plan must know: a parents' list finds the children among the pupils.
STORED_ROLES = {"pupils": ("pupil",), "parents": ("pupil", "parent"), "staff": ("teacher", "administrator")}
ADD, MOVE, UPDATE, UNCHANGED = "add", "move", "update", "unchanged"
# Why a planned change is held back without --apply-moves: a pupil moved to another class; a stored
# parent linked to children they share none with (a namesake's household merged into theirs).
MOVED_CLASS, NEW_HOUSEHOLD = "moved-class", "new-household"


@dataclass(frozen=True)
class Change:
    """One field of one person: what is stored and what the roster says."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class PlannedPerson:
    """A roster person and what importing them does to the store."""

    action: str  # ADD | MOVE | UPDATE | UNCHANGED
    person: Person  # the person as they will be stored (id 0 when added)
    rows: tuple[int, ...]  # roster rows this person came from
    changes: tuple[Change, ...] = ()
    before: Person | None = None  # the stored person (None when added)
    takes: str | None = None  # MOVED_CLASS | NEW_HOUSEHOLD: the change takes this person elsewhere


@dataclass(frozen=True)
class ImportPlan:
    """Everything an import would do; `Store.apply_import` carries it out atomically."""

    school: School
    kind: str  # pupils | parents | staff
    source: str  # the roster file, for the record
    people: tuple[PlannedPerson, ...]
    missing: tuple[Person, ...]  # active stored people of this kind not in the roster
    deactivate_missing: bool = False
    problems: tuple[Problem, ...] = ()
    roster: Any = field(default=None, repr=False, compare=False)
    version: int | None = None  # the school's roster version the plan was made against
    apply_moves: bool = False  # write the changes that take a person elsewhere (see `held`)

    @property
    def moves_allowed(self) -> bool:
        """A full list (deactivating who is missing) is the school as it is: its moves are real."""
        return self.apply_moves or self.deactivate_missing

    @property
    def held(self) -> tuple[PlannedPerson, ...]:
        """Changes that would take an existing person elsewhere, not written unless moves are allowed."""
        return () if self.moves_allowed else tuple(p for p in self.people if p.takes)

    def _of(self, action: str) -> tuple[PlannedPerson, ...]:
        held = not self.moves_allowed
        return tuple(p for p in self.people if p.action == action and not (held and p.takes))

    @property
    def added(self) -> tuple[PlannedPerson, ...]:
        return self._of(ADD)

    @property
    def moved(self) -> tuple[PlannedPerson, ...]:
        return self._of(MOVE)

    @property
    def updated(self) -> tuple[PlannedPerson, ...]:
        return self._of(UPDATE)

    @property
    def unchanged(self) -> tuple[PlannedPerson, ...]:
        return self._of(UNCHANGED)

    @property
    def deactivated(self) -> tuple[Person, ...]:
        return self.missing if self.deactivate_missing else ()

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.moved or self.updated or self.deactivated)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added), "moved": len(self.moved), "updated": len(self.updated),
            "unchanged": len(self.unchanged), "missing": len(self.missing),
            "deactivated": len(self.deactivated), "problems": len(self.problems), "held": len(self.held),
        }


def _tuple(values: Iterable | None) -> tuple:
    return tuple(v for v in (values or ()) if v not in (None, ""))


def _classes(values: Iterable | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalise_class(v) or str(v) for v in _tuple(values)))


def _merge(old: tuple, new: tuple) -> tuple:
    return tuple(dict.fromkeys(old + new))


_NOT_DIGITS = re.compile(r"\D")


def _contact_key(contact: str) -> str:
    """Phones compare by digits, «8 900…» and «+7 900…» alike; anything else case-folded."""
    digits = _NOT_DIGITS.sub("", contact)
    if len(digits) >= 7:
        return "7" + digits[1:] if len(digits) == 11 and digits[0] == "8" else digits
    return " ".join(contact.casefold().split())


def _same_contact(a: str | None, b: str | None) -> bool:
    """Contacts agree unless both are given and differ."""
    return not a or not b or _contact_key(a) == _contact_key(b)


def _kept_contact(new: str | None, before: Person | None) -> str | None:
    """The roster's contact, but the stored spelling when it is the same phone; empty keeps the stored."""
    old = before.contact if before else None
    if not new or (old and _contact_key(old) == _contact_key(new)):
        return old
    return new


def plan_roster(
    school: School, stored: Iterable[Person], roster, deactivate_missing: bool = False, apply_moves: bool = False,
) -> ImportPlan:
    """The plan for a roster (`tracking.roster.Roster`) against a school's stored people.

    `stored` holds the school's people (inactive ones too) of at least the
    roles in `STORED_ROLES[roster.kind]`: a parents' list needs the pupils.
    Moves and merged households are held back unless `apply_moves` (or
    `deactivate_missing`: the roster is the full list).
    """
    kind = roster.kind
    if kind not in KIND_ROLES:
        raise ValueError(f"unknown roster kind {kind!r}")
    stored = list(stored)
    source = str(getattr(roster, "path", "") or "")
    planner = _Planner(school, stored, source)
    planned = {"pupils": planner.pupils, "parents": planner.parents, "staff": planner.staff}[kind](roster.people)
    roles = KIND_ROLES[kind]
    seen = {p.before.id for p in planned if p.before is not None and p.rows}
    missing = tuple(p for p in stored if p.role in roles and p.active and p.id not in seen)
    return ImportPlan(
        school, kind, source, tuple(planned), missing, deactivate_missing,
        tuple(planner.problems), roster, apply_moves=apply_moves,
    )


class _Planner:
    def __init__(self, school: School, stored: list[Person], source: str):
        self.school = school
        self.source = source
        self.problems: list[Problem] = []
        self.by_key: dict[tuple[str, str], list[Person]] = {}
        for person in stored:
            role = "staff" if person.role in KIND_ROLES["staff"] else person.role
            self.by_key.setdefault((role, fold_name(person.full_name)), []).append(person)
        self.stored = stored

    def problem(self, row: int, code: str, **fields) -> None:
        self.problems.append(Problem(Location(self.source, row), code, TRACKING[code].format(**fields)))

    def decide(self, before: Person | None, after: Person, rows: tuple[int, ...], fields: tuple[str, ...]) -> PlannedPerson:
        if before is None:
            return PlannedPerson(ADD, after, rows)
        changes = tuple(
            Change(name, getattr(before, name), getattr(after, name))
            for name in fields if getattr(before, name) != getattr(after, name)
        )
        if not changes:
            return PlannedPerson(UNCHANGED, after, rows, (), before)
        moved = any(c.field == "class_name" for c in changes) and before.class_name is not None
        return PlannedPerson(MOVE if moved else UPDATE, after, rows, changes, before, MOVED_CLASS if moved else None)

    # --- pupils -------------------------------------------------------------
    def pupils(self, entries) -> list[PlannedPerson]:
        wanted: dict[tuple[str, str | None], tuple[Any, list[int]]] = {}
        for entry in entries:
            class_name = normalise_class(entry.class_name) if entry.class_name else None
            key = (fold_name(entry.full_name), class_name)
            if key in wanted:
                self.problem(entry.row, "roster-duplicate", name=entry.full_name, first=wanted[key][1][0])
                continue
            wanted[key] = (entry, [entry.row])
        taken: set[int] = set()
        matched: dict[tuple[str, str | None], Person] = {}
        unclear: set[tuple[str, str | None]] = set()
        # Same name in the same class first, so that a namesake elsewhere is never taken for a move.
        for (name_key, class_name) in wanted:
            for person in self.by_key.get(("pupil", name_key), ()):
                if person.class_name == class_name and person.id not in taken:
                    matched[(name_key, class_name)] = person
                    taken.add(person.id)
                    break
        for key, (entry, rows) in wanted.items():
            if key in matched:
                continue
            others = [p for p in self.by_key.get(("pupil", key[0]), ()) if p.id not in taken]
            if len(others) == 1:
                matched[key] = others[0]
                taken.add(others[0].id)
            elif len(others) > 1:
                unclear.add(key)
                self.problem(rows[0], "roster-ambiguous-move", name=entry.full_name,
                             classes=", ".join(sorted(p.class_name or "—" for p in others)))
        result = []
        for key, (entry, rows) in wanted.items():
            if key in unclear:
                continue
            before = matched.get(key)
            after = Person(
                id=before.id if before else 0, school_id=self.school.id, full_name=entry.full_name.strip(),
                role="pupil", class_name=key[1],
                contact=_kept_contact(getattr(entry, "contact", None), before),
                children=(), active=True,
            )
            result.append(self.decide(before, after, tuple(rows), ("full_name", "class_name", "contact", "active")))
        return result

    # --- parents ------------------------------------------------------------
    def parents(self, entries) -> list[PlannedPerson]:
        pupils = [p for p in self.stored if p.role == "pupil"]
        pupils_by_key: dict[str, list[Person]] = {}
        for pupil in pupils:
            pupils_by_key.setdefault(fold_name(pupil.full_name), []).append(pupil)
        merged: dict[str, dict] = {}
        for entry in entries:
            children: list[int] = []
            bad = False
            for child_name, child_class in getattr(entry, "children", ()) or ():
                found = self.find_child(pupils_by_key, child_name, child_class, entry.row)
                if found is None:
                    bad = True
                else:
                    children.append(found)
            if bad:
                continue
            key = fold_name(entry.full_name)
            contact = getattr(entry, "contact", None)
            # Rows of one name are one parent, unless two different phones say they are namesakes.
            items = merged.setdefault(key, [])
            item = next((i for i in items if _same_contact(i["contact"], contact)), None)
            if item is None:
                item = {"entry": entry, "rows": [], "children": [], "contact": None}
                items.append(item)
            item["rows"].append(entry.row)
            item["children"].extend(c for c in children if c not in item["children"])
            item["contact"] = item["contact"] or contact
        result = []
        taken: set[int] = set()
        for key, items in merged.items():
            for item in items:
                candidates = [p for p in self.by_key.get(("parent", key), []) if p.id not in taken]
                before = self.best_parent(candidates, item["children"], item["contact"])
                if before is not None:
                    taken.add(before.id)
                old_children = before.children if before else ()
                after = Person(
                    id=before.id if before else 0, school_id=self.school.id,
                    full_name=item["entry"].full_name.strip(), role="parent",
                    children=tuple(sorted(_merge(old_children, tuple(item["children"])))),
                    contact=_kept_contact(item["contact"], before), active=True,
                )
                planned = self.decide(before, after, tuple(item["rows"]), ("full_name", "children", "contact", "active"))
                if before is not None and before.children and before.children != after.children \
                        and set(item["children"]).isdisjoint(before.children):
                    planned = replace(planned, takes=NEW_HOUSEHOLD)  # a namesake, by name or phone alone
                result.append(planned)
        return result

    def find_child(self, pupils_by_key, name: str, class_name: str | None, row: int) -> int | None:
        wanted_class = normalise_class(class_name) if class_name else None
        found = pupils_by_key.get(fold_name(name), [])
        if wanted_class:
            found = [p for p in found if p.class_name == wanted_class]
        active = [p for p in found if p.active] or found
        if len(active) == 1:
            return active[0].id
        where = f" ({wanted_class})" if wanted_class else ""
        if not active:
            self.problem(row, "roster-child-missing", name=name, where=where)
        else:
            self.problem(row, "roster-child-ambiguous", name=name,
                         classes=", ".join(sorted(p.class_name or "—" for p in active)))
        return None

    @staticmethod
    def best_parent(candidates: list[Person], children: list[int], contact: str | None) -> Person | None:
        """The stored parent a roster parent is: one with a shared child, else the same phone,
        else the namesake without a conflicting phone (a different phone is another person)."""
        def order(p: Person) -> tuple:
            return (not p.active, p.id)

        wanted = set(children)
        shared = [p for p in candidates if not wanted.isdisjoint(p.children)]
        if shared:
            return sorted(shared, key=order)[0]
        same = [p for p in candidates if contact and p.contact and _same_contact(p.contact, contact)]
        if same:
            return sorted(same, key=order)[0]
        compatible = [p for p in candidates if _same_contact(p.contact, contact)]
        return sorted(compatible, key=order)[0] if compatible else None

    # --- staff --------------------------------------------------------------
    def staff(self, entries) -> list[PlannedPerson]:
        merged: dict[str, tuple[Any, list[int]]] = {}
        for entry in entries:
            key = fold_name(entry.full_name)
            if key in merged:
                self.problem(entry.row, "roster-duplicate", name=entry.full_name, first=merged[key][1][0])
                continue
            merged[key] = (entry, [entry.row])
        leaders: dict[str, str] = {}  # class -> name key of the roster's class leader
        for key, (entry, rows) in merged.items():
            for class_name in _classes(getattr(entry, "led_classes", ())):
                if class_name in leaders and leaders[class_name] != key:
                    self.problem(rows[0], "roster-two-leaders", class_name=class_name,
                                 other=merged[leaders[class_name]][0].full_name)
                leaders.setdefault(class_name, key)
        led_by: dict[str, list[str]] = {}
        for class_name, key in leaders.items():
            led_by.setdefault(key, []).append(class_name)
        result = []
        fields = ("full_name", "role", "position", "specialist", "class_leader", "subjects",
                  "classes_taught", "led_classes", "contact", "active")
        matched: set[int] = set()
        for key, (entry, rows) in merged.items():
            candidates = self.by_key.get(("staff", key), [])
            before = sorted(candidates, key=lambda p: (not p.active, p.id))[0] if candidates else None
            if before:
                matched.add(before.id)
            kept_led = tuple(c for c in (before.led_classes if before else ()) if leaders.get(c, key) == key)
            led = _merge(kept_led, tuple(led_by.get(key, ())))
            explicit_leader = getattr(entry, "class_leader", None)
            after = Person(
                id=before.id if before else 0, school_id=self.school.id, full_name=entry.full_name.strip(),
                role=entry.role if entry.role in KIND_ROLES["staff"] else "teacher",
                position=getattr(entry, "position", None) or (before.position if before else None),
                specialist=bool(getattr(entry, "specialist", False)) or bool(before and before.specialist),
                # A leader whose class the lists never named stays a leader.
                class_leader=bool(led or explicit_leader or (before and before.class_leader and not before.led_classes)),
                subjects=_merge(before.subjects if before else (), _tuple(getattr(entry, "subjects", ()))),
                classes_taught=_merge(before.classes_taught if before else (), _classes(getattr(entry, "classes_taught", ()))),
                led_classes=led,
                contact=_kept_contact(getattr(entry, "contact", None), before), active=True,
            )
            result.append(self.decide(before, after, tuple(rows), fields))
        # A class leader not in this roster loses a class the roster gives to someone else.
        for person in self.stored:
            if person.role not in KIND_ROLES["staff"] or person.id in matched:
                continue
            lost = tuple(c for c in person.led_classes if c in leaders)
            if lost:
                led = tuple(c for c in person.led_classes if c not in leaders)
                after = replace(person, led_classes=led, class_leader=bool(led))
                result.append(self.decide(person, after, (), ("led_classes", "class_leader")))
        return result
