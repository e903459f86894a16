"""Reading a roster's rows: people from the columns the header found, problems located by row and column."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from sferum_onboard.errors import DataError, Location, Problem
from sferum_onboard.messages import ROSTER
from sferum_onboard.tracking.classes import normalise_class
from sferum_onboard.tracking.roster.files import Table
from sferum_onboard.tracking.roster.header import Header, find_header, title_class
from sferum_onboard.tracking.roster.limits import MAX_NAME, MAX_TEXT
from sferum_onboard.tracking.roster.records import HEADER_SCAN_ROWS, PROGRESS_EVERY, ProgressCallback, Roster, RosterPerson
from sferum_onboard.tracking.roster.values import (
    CONTROL, CYRILLIC, DIGIT, FOOTERS, LATIN, TRAILING_CLASS, YES, clean, fold, is_specialist, name_fault,
    normalise_clean_name, normalise_name, parse_classes, split_list,
)
from sferum_onboard.tracking.roster.workbook import cell_name


class _Row(dict):
    """Cleaned cells of one row by column; a column the row does not reach (or None) is empty."""

    def __missing__(self, key) -> str:
        return ""


@dataclass
class _Slot:
    """A parent's name and contact columns (a list may have a mother and a father)."""

    name: list[int] = field(default_factory=list)  # one column, or surname/first/patronymic
    contact: list[int] = field(default_factory=list)


class Reader:
    def __init__(self, label: str, kind: str | None, progress: ProgressCallback | None):
        self.label = label
        self.kind = kind
        self.progress = progress
        self.problems: list[Problem] = []
        self.people: list[RosterPerson] = []
        self.rows_read = 0
        self._seen: dict[tuple, int] = {}  # duplicate key → index in self.people
        self._classes: dict[str, str | None] = {}  # class cells repeat: normalise each spelling once
        self._done = 0

    def read(self, path: Path, file_format: str, tables: list[Table], encoding: str | None,
             delimiter: str | None) -> Roster:
        total = sum(t.total for t in tables)
        header_row, kind, found_any, detected = 0, self.kind, False, False
        for table in tables:
            head: list[tuple[int, list[str]]] = []
            for item in table.rows:
                head.append(item)
                if len(head) >= HEADER_SCAN_ROWS + 1:
                    break
            header = find_header(head, kind)
            if header is None:
                if len(tables) == 1:
                    raise DataError(ROSTER["no-header"].format(file=table.label, rows=HEADER_SCAN_ROWS))
                continue  # an instructions sheet, a chart: not a list
            if kind is None:
                kind, detected = header.kind, True
            if not found_any:
                header_row = header.row
            found_any = True
            title = next((c for n, cells in head if n < header.row for c in map(title_class, cells) if c), None)
            rows = itertools.chain((item for item in head if item[0] >= header.data_start), table.rows)
            count = self._read_table(table, header, kind, rows, table.context_class or title, total)
            if count == 0 and len(tables) == 1:
                raise DataError(ROSTER["no-rows"].format(file=table.label, row=header.row))
        if not found_any:
            raise DataError(ROSTER["no-header"].format(file=path, rows=HEADER_SCAN_ROWS))
        if self.progress:
            self.progress(total or self._done, total or self._done)
        return Roster(path, kind, encoding, tuple(self.people), tuple(self.problems), delimiter,
                      header_row, detected, self.rows_read, file_format)

    # --- one table --------------------------------------------------------------

    def _read_table(self, table, header: Header, kind: str, rows, context_class: str | None, total: int) -> int:
        cols = header.columns
        by_field: dict[tuple[str, str | None], list[int]] = {}
        for index, (f, q) in sorted(cols.items()):
            by_field.setdefault((f, q), []).append(index)

        def first(fieldname: str, *qualifiers) -> int | None:
            """The one column of a field (whoever of `qualifiers` it names); two are an error, not a guess."""
            found = [i for q in qualifiers for i in by_field.get((fieldname, q), ())]
            if len(found) > 1:
                self._ambiguous(table.label, header, *sorted(found)[:2])
            return found[0] if found else None

        def name_columns(*qualifiers) -> list[int]:
            full = first("name", *qualifiers)
            if full is not None:
                return [full]
            parts = [first(p, *qualifiers) for p in ("surname", "first", "patronymic")]
            return [p for p in parts if p is not None] if parts[0] is not None else []

        person_quals = {"pupils": (None, "child", "staff"), "staff": (None, "staff"),
                        "parents": (None, "parent", "mother", "father", "staff")}[kind]
        slots: list[_Slot] = []
        if kind == "parents":
            for q in (None, "parent", "mother", "father"):
                columns = name_columns(q)
                if columns:
                    slots.append(_Slot(columns, by_field.get(("contact", q), [])))
            if not slots and name_columns("staff"):
                slots = [_Slot(name_columns("staff"))]
            if not slots:
                raise DataError(ROSTER["no-parent-column"].format(file=table.label))
            if len(slots) == 1 and not slots[0].contact:
                slots[0].contact = by_field.get(("contact", None), []) + by_field.get(("contact", "parent"), [])
            child_cols = name_columns("child")
            if not child_cols:
                raise DataError(ROSTER["no-children-column"].format(file=table.label))
            class_col = first("class", "child", None)
            letter_col = first("letter", "child", None)
        else:
            slots = [_Slot(name_columns(*person_quals), by_field.get(("contact", None), [])
                           + (by_field.get(("contact", "staff"), []) if kind == "staff" else []))]
            if not slots[0].name:
                raise DataError(ROSTER["no-header"].format(file=table.label, rows=HEADER_SCAN_ROWS))
            child_cols = []
            class_col = first("class", None, "child")
            letter_col = first("letter", None, "child")
        used = sorted({i for s in slots for i in s.name + s.contact} | set(child_cols)
                      | {i for i, (f, _) in cols.items() if f in ("class", "letter", "position", "subjects",
                                                                 "led", "taught", "role")})
        position_col, subjects_col = first("position", None), first("subjects", None)
        led_col, taught_col, role_col = first("led", None), first("taught", None), first("role", None)
        section_class = None
        first_name_col = slots[0].name[0] if slots[0].name else None
        header_names = {text for text, (f, _) in header.texts.items() if f in ("name", "surname")}
        count = 0
        for number, cells in rows:
            self._done += 1
            if self.progress and self._done % PROGRESS_EVERY == 0:
                self.progress(self._done, max(total, self._done))
            width = len(cells)
            if class_col is None and kind == "pupils":
                # A section row «7А класс» in a whole-school list without a class column.
                filled = [clean(c) for c in cells if c.strip()]
                if len(filled) == 1 and (normalise_class(filled[0]) or title_class(filled[0])):
                    section_class = normalise_class(filled[0]) or title_class(filled[0])
                    continue
            values = _Row((i, clean(cells[i])) for i in used if i < width)
            if not any(values.values()):
                continue  # a blank row, or a pre-numbered empty row of a template
            cell = values.__getitem__
            name_text = cell(first_name_col)
            if name_text.casefold().startswith(FOOTERS) or name_text in header_names:
                continue  # «Итого», a signature line, or the header repeated on every printed page
            count += 1
            self.rows_read += 1
            if CONTROL.search("".join(cells[i] for i in used if i < width)):  # one search a row; rare
                self._control(number, [i for i in used if i < width], cells)
                continue
            class_value = cell(class_col)
            if letter_col is not None and class_value and cell(letter_col):
                class_value += cell(letter_col)
            if kind == "pupils":
                self._pupil(number, slots[0], cell, class_col, class_value, section_class or context_class)
            elif kind == "staff":
                self._staff(number, slots[0], cell, position_col, subjects_col, led_col, taught_col, role_col,
                            class_value)
            else:
                self._parents(number, slots, cell, child_cols, class_col, class_value, context_class)
        return count

    # --- helpers -------------------------------------------------------------------

    def _control(self, row: int, columns: list[int], cells: list[str]) -> None:
        """A control character in a cell read (clean() would have hidden some of them as spaces)."""
        column = next(i for i in columns if CONTROL.search(cells[i]))
        self._problem(row, column, "cell-control", char=f"U+{ord(CONTROL.search(cells[column]).group()):04X}")

    @staticmethod
    def _ambiguous(label: str, header: Header, one: int, other: int) -> None:
        """Two header columns say the same («ФИО;ФИО;Класс»): which one holds the list is a guess."""
        (_, first_title), (row, second_title) = header.titles[one], header.titles[other]
        raise DataError(ROSTER["header-ambiguous"].format(
            file=label, row=row, column=other + 1, first=first_title, first_column=cell_name(0, one + 1),
            second=second_title, second_column=cell_name(0, other + 1)))

    def _problem(self, row: int, column: int | None, code: str, **fields) -> None:
        column = column + 1 if column is not None else 0
        shown = {k: _shown(v) if isinstance(v, str) else v for k, v in fields.items()}
        self.problems.append(Problem(Location(self.label, row, column), code, ROSTER[code].format(**shown)))

    def _name(self, row: int, columns: list[int], cell, code_prefix: str = "name") -> str | None:
        written = cell(columns[0]) if len(columns) == 1 else " ".join(cell(i) for i in columns if cell(i))
        column = columns[0] if columns else None
        if self._bad_name(row, column, written):  # as written: a formula is not a name with odd letters
            return None
        text = normalise_clean_name(written)
        if not text or not CYRILLIC.search(text) and not LATIN.search(text):
            self._problem(row, column, "name-missing")
            return None
        if DIGIT.search(text):
            self._problem(row, column, "name-digits", name=text)
            return None
        if len(text.split()) < 2 and not (len(columns) > 1 and "-" in text):
            self._problem(row, column, "name-short" if code_prefix == "name" else "child-name-short", name=text)
            return None
        return text

    def _bad_name(self, row: int, column: int | None, name: str) -> bool:
        """Report a name that cannot be stored (too long, markup, a formula); True when it was one."""
        fault = name_fault(name)
        if fault:
            self._problem(row, column, fault, name=name, limit=MAX_NAME, length=len(name), sign=name[:1])
        return fault is not None

    def _class(self, row: int, column: int | None, value: str) -> tuple[bool, str | None]:
        """(ok, class): ok is False when a problem was reported."""
        if not value:
            return True, None
        found = self._classes.get(value, "?")
        if found == "?":
            found = self._classes[value] = normalise_class(value)
        if found is None:
            self._problem(row, column, "class-invalid", value=value)
            return False, None
        return True, found

    def _contact(self, slot: _Slot, cell) -> str | None:
        if len(slot.contact) < 2:
            return cell(slot.contact[0]) or None if slot.contact else None
        values = [cell(i) for i in slot.contact if cell(i)]
        return ", ".join(dict.fromkeys(values)) or None

    def _add(self, key: tuple, person: RosterPerson) -> None:
        """Add a person; a staff member or parent listed again is merged, a pupil is a duplicate."""
        index = self._seen.get(key)
        if index is None:
            self._seen[key] = len(self.people)
            self.people.append(person)
            return
        old = self.people[index]
        if person.kind == "pupils":
            self._problem(person.row, None, "duplicate", name=person.full_name, where=person.class_name, first=old.row)
            return
        self.people[index] = _merge(old, person)

    # --- kinds -----------------------------------------------------------------------

    def _pupil(self, row, slot, cell, class_col, class_value, fallback_class) -> None:
        name = self._name(row, slot.name, cell)
        ok, class_name = self._class(row, class_col, class_value)
        if name is None or not ok:
            return
        class_name = class_name or fallback_class
        if class_name is None:
            self._problem(row, class_col, "class-missing", name=name)
            return
        person = RosterPerson(row, "pupils", name, "pupil", class_name=class_name, contact=self._contact(slot, cell))
        self._add((fold(name), class_name), person)

    def _staff(self, row, slot, cell, position_col, subjects_col, led_col, taught_col, role_col, class_value):
        name = self._name(row, slot.name, cell)
        position = cell(position_col) or None
        if position and len(position) > MAX_TEXT:
            self._problem(row, position_col, "text-too-long", value=position, limit=MAX_TEXT)
            return
        if position:
            position = position[:1].lower() + position[1:] if not position[:2].isupper() else position
        led: list[str] = []
        ok = True
        led_text = cell(led_col)
        if led_text and fold(led_text) not in ("нет", "-", "—", "0", "не является"):
            if fold(led_text) in YES:
                led_text = class_value
            classes, bad = parse_classes(led_text)
            if bad:
                self._problem(row, led_col, "class-invalid", value=bad[0])
                ok = False
            led = classes
        taught, bad = parse_classes(cell(taught_col))
        if bad:
            self._problem(row, taught_col, "class-invalid", value=bad[0])
            ok = False
        if name is None or not ok:
            return
        role_text = fold(cell(role_col) + " " + (position or ""))
        role = "administrator" if "администратор" in role_text else "teacher"
        person = RosterPerson(
            row, "staff", name, role, position=position, specialist=is_specialist(position),
            led_classes=tuple(led), subjects=tuple(dict.fromkeys(split_list(cell(subjects_col)))),
            classes_taught=tuple(taught), contact=self._contact(slot, cell),
        )
        self._add((fold(name),), person)

    def _parents(self, row, slots, cell, child_cols, class_col, class_value, fallback_class) -> None:
        children = self._children(row, child_cols, cell, class_col, class_value, fallback_class)
        names = [(slot, " ".join(cell(i) for i in slot.name if cell(i))) for slot in slots]
        present = [(slot, text) for slot, text in names if text]
        if not present:
            if children:
                self._problem(row, slots[0].name[0] if slots[0].name else None, "parent-missing",
                              child=children[0][0])
            return
        parents = []
        for slot, _text in present:
            name = self._name(row, slot.name, cell)
            if name is None:
                return
            parents.append((name, self._contact(slot, cell)))
        if children is None:
            return
        if not children:
            self._problem(row, child_cols[0], "child-missing", name=parents[0][0])
            return
        for name, contact in parents:
            person = RosterPerson(row, "parents", name, "parent", children=tuple(children), contact=contact)
            key = (fold(name),)
            index = self._seen.get(key)
            if index is not None and contact and self.people[index].contact and \
                    fold(self.people[index].contact) != fold(contact):
                key = (fold(name), fold(contact))  # a namesake with another phone: another parent
            self._add(key, person)

    def _children(self, row, child_cols, cell, class_col, class_value, fallback_class):
        """[(child's name, class)], or None when a problem was reported."""
        if len(child_cols) > 1:  # surname / first name / patronymic columns
            parts = [normalise_name(" ".join(cell(i) for i in child_cols if cell(i)))]
        else:
            parts = []
            for part in split_list(cell(child_cols[0])):
                if normalise_class(part) and parts:  # «Иванов Иван, 7А»: the class of the child before
                    parts[-1] += f" ({part})"
                else:
                    parts.append(part)
        classes, bad = parse_classes(class_value) if class_value else ([], [])
        if bad:
            self._problem(row, class_col, "class-invalid", value=bad[0])
            return None
        if len(classes) > 1 and len(classes) != len(parts):
            self._problem(row, class_col, "child-classes-count", children=len(parts), classes=len(classes))
            return None
        children = []
        for number, part in enumerate(parts):
            own = None
            match = TRAILING_CLASS.search(part)
            if match and normalise_class(match.group(1)):
                own = normalise_class(match.group(1))
                part = part[: match.start()]
            if self._bad_name(row, child_cols[0], clean(part)):
                return None
            name = normalise_name(part)
            if len(name.split()) < 2 or DIGIT.search(name):
                self._problem(row, child_cols[0], "child-name-short", name=name)
                return None
            given = classes[number] if len(classes) > 1 else (classes[0] if classes else None)
            children.append((name, own or given or fallback_class))
        return children


def _shown(text: str, limit: int = 60) -> str:
    """A value as a problem quotes it: a 10,000-character cell is not printed whole."""
    return text if len(text) <= limit else text[:limit] + "…"


def _merge(old: RosterPerson, new: RosterPerson) -> RosterPerson:
    """One person on several rows: a parent of several children, a teacher with two positions."""
    def union(a, b):
        return tuple(dict.fromkeys(a + b))

    positions = [p for p in (old.position, new.position) if p]
    return RosterPerson(
        old.row, old.kind, old.full_name,
        "administrator" if "administrator" in (old.role, new.role) else old.role,
        old.class_name, ", ".join(dict.fromkeys(positions)) or None, old.specialist or new.specialist,
        union(old.led_classes, new.led_classes), union(old.subjects, new.subjects),
        union(old.classes_taught, new.classes_taught), union(old.children, new.children),
        old.contact or new.contact,
    )
