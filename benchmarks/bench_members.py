"""Benchmark `members import`: a 2,000-member district chat list matched against a 100,000-person store.

One school of 100,000 people (60,000 pupils in classes of 28, 36,000
parents who share a child's surname, 4,000 staff), with names drawn from
common Russian surnames, first names and patronymics, so namesakes are
frequent as in a real district. The list is what a district chat's member
list looks like when copied: 2,000 members with statuses and roles on
lines of their own (about 4,000 lines) — people by surname and name in
either order, short names («Маша Иванова»), initials, families («мама Пети
Смирнова»), typos, and outsiders.

Timed (best of three): reading the list, reading the school's people from
the store, matching them (`matching.reconcile`) — goal on SQLite ≤ 5 s for
the three together. The floor, timed in the same run, is the least any
matcher must do: the same two reads and one exact dictionary lookup of
each folded line among the folded roster names. For reference also:
`record_list` (matching, the check and its verified steps written).

Run: .venv/bin/python benchmarks/bench_members.py [--people 100000] [--members 2000] [--no-postgres] [--reuse]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sferum_onboard.catalog import load_catalog  # noqa: E402
from sferum_onboard.tracking.demo import FEMALE, MALE, PATRONYMICS, SURNAMES  # noqa: E402
from sferum_onboard.tracking.members import vocabulary  # noqa: E402
from sferum_onboard.tracking.members.listing import read_member_list  # noqa: E402
from sferum_onboard.tracking.members.matching import OUTCOMES, reconcile  # noqa: E402
from sferum_onboard.tracking.members.recording import record_list  # noqa: E402
from sferum_onboard.tracking.names import fold_name  # noqa: E402
from sferum_onboard.tracking.roster import Roster, RosterPerson  # noqa: E402
from sferum_onboard.tracking.store import Store  # noqa: E402

from bench_tracking import best, postgres_schema, timed  # noqa: E402  (the same timing and server schema)

BUILT = "Школа для замера сверки"
WORK = REPO / "benchmarks" / ".work"
LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"
ENDINGS = ("ов", "ин", "енко", "ский", "ук", "ев")  # more surnames from the same roots: «Волков», «Волкин», «Волченко»…
SHORT = {full: short for short, fulls in vocabulary.DIMINUTIVES.items() for full in fulls}


# Syllables for more surname roots than the demo's hundred: a district has thousands of surnames.
FIRST_SYLLABLES = ("Бор", "Вол", "Гор", "Дуб", "Жук", "Зай", "Кор", "Лес", "Мор", "Нов", "Ор", "Пет", "Рыб", "Сок", "Тих",
                   "Фом", "Хар", "Чер", "Шуб", "Ясн", "Бел", "Сив", "Кул", "Мат", "Гал", "Дем", "Ерм", "Куз", "Лап", "Мих")
SECOND_SYLLABLES = ("", "ан", "ен", "ил", "от", "ух", "ец", "ар", "ик", "ав", "ош", "ын", "ул", "яг", "ед", "ор", "аш",
                    "уш", "ич", "ал", "ов", "еп", "ит", "ус", "ох", "аг", "ем", "ыр", "ок", "из")


def surnames() -> list[str]:
    roots = {s.rstrip("ёвнаи").rstrip("оеё") for s in SURNAMES}
    roots |= {first + second for first in FIRST_SYLLABLES for second in SECOND_SYLLABLES}
    return sorted({root + ending for root in roots for ending in ENDINGS} | set(SURNAMES))


def female(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин")):
        return surname + "а"
    if surname.endswith("ский"):
        return surname[:-2] + "ая"
    return surname


def class_name(n: int) -> str:
    return f"{n % 11 + 1}{LETTERS[n // 11 % 27]}{LETTERS[n // 297] if n >= 297 else ''}"


def build(store: Store, people: int, seed: int = 7):
    """The school through the store's own roster import (plan, then apply)."""
    rng = random.Random(seed)
    family = surnames()
    fathers = list(PATRONYMICS)
    pupils_n, parents_n = people * 60 // 100, people * 36 // 100
    staff_n = people - pupils_n - parents_n
    classes = max(1, pupils_n // 28)

    used: set[str] = set()

    def person(surname: str | None = None) -> tuple[str, bool]:
        """A new full name (a roster lists each name once); a family's surname while it gives a new one."""
        for attempt in range(100):
            girl = rng.random() < 0.5
            own = surname if surname and attempt < 20 else rng.choice(family)
            patronymic = PATRONYMICS[rng.choice(fathers)][1 if girl else 0]
            name = f"{female(own) if girl else own} {rng.choice(FEMALE if girl else MALE)} {patronymic}"
            if name not in used:
                used.add(name)
                return name, girl
        raise RuntimeError("out of names")

    pupils = []
    for i in range(pupils_n):
        name, _ = person()
        pupils.append(RosterPerson(row=i + 2, kind="pupils", full_name=name, role="pupil",
                                   class_name=class_name(i % classes)))
    parents, child = [], 0
    for j in range(parents_n):
        kids = 2 if child + (parents_n - j) < pupils_n and j % 3 else 1
        mine = pupils[child:child + kids]
        child += kids
        base = mine[0].full_name.split()[0] if mine else None
        base = base[:-1] if base and base.endswith("а") and not base.endswith("ска") else base
        name, _ = person(base.replace("ская", "ский") if base else None)
        parents.append(RosterPerson(row=j + 2, kind="parents", full_name=name, role="parent",
                                    children=tuple((p.full_name, p.class_name) for p in mine),
                                    contact=f"+7 9{j:09d}"))
    staff = [RosterPerson(row=k + 2, kind="staff", full_name=person()[0], role="teacher", position="учитель",
                          led_classes=(class_name(k),) if k < classes else (), subjects=("математика",))
             for k in range(staff_n)]
    school = store.get_or_create_school(BUILT)
    for kind, rows in (("pupils", pupils), ("parents", parents), ("staff", staff)):
        plan = store.plan_import(school, Roster(Path(f"{kind}.csv"), kind, "utf-8", tuple(rows), ()))
        assert not plan.problems, plan.problems[:3]
        store.apply_import(plan)
    return school


NOISE = ("в сети", "был(а) недавно", "была в сети 5 минут назад", "был(а) вчера в 21:40", "администратор")


def member_list(people, n: int, chat_class: str, seed: int = 3) -> str:
    """A district chat's member list as copied: the families of one class and people from all over the
    district, written as people sign, and outsiders."""
    rng = random.Random(seed)
    pupils = {p.id: p for p in people if p.role == "pupil"}
    own = [p for p in people if p.class_name == chat_class or any(
        pupils.get(c) and pupils[c].class_name == chat_class for c in p.children)]
    own_ids = {p.id for p in own}
    chosen = own + rng.sample([p for p in people if p.id not in own_ids], n - len(own))
    rng.shuffle(chosen)
    lines = ["Участники", f"{n} участников", "Пригласить по ссылке"]
    for k, person in enumerate(chosen):
        surname, first, patronymic = person.full_name.split()[:3]
        roll = k % 20
        if roll < 9:
            text = f"{surname} {first}" if roll % 2 else f"{first} {surname}"
        elif roll < 12 and first.lower().replace("ё", "е") in SHORT:
            text = f"{SHORT[first.lower().replace('ё', 'е')].capitalize()} {surname}"
        elif roll < 14:
            text = f"{surname} {first[0]}.{patronymic[0]}."
        elif roll < 16 and person.role == "parent" and person.children and person.children[0] in pupils:
            kid_surname, kid_first = pupils[person.children[0]].full_name.split()[:2]
            kin = "Мама" if patronymic.endswith("вна") else "Папа"
            text = f"{kin} {genitive(kid_first)} {genitive(kid_surname)}"
        elif roll < 17:
            cut = rng.randrange(1, len(surname) - 1)
            text = f"{surname[:cut]}{surname[cut + 1:]} {first}"  # a letter missed
        elif roll < 19:
            text = f"Незнакомец{k} Случайный"  # nobody of the school
        else:
            text = f"{first} 🌸"
        lines.append(text)
        if rng.random() < 0.9:
            lines.append(rng.choice(NOISE))
    return "\n".join(lines) + "\n"


def genitive(word: str) -> str:
    """«Пётр» → «Петра», «Мария» → «Марии», «Иванова» → «Ивановой»: as families write after «мама»."""
    for ending, replacement in (("ская", "ской"), ("ский", "ского"), ("ова", "овой"), ("ева", "евой"), ("ина", "иной"),
                                ("ия", "ии"), ("й", "я"), ("ь", "я"), ("я", "и")):
        if word.endswith(ending):
            return word[: len(word) - len(ending)] + replacement
    if word.endswith("а"):
        return word[:-1] + ("и" if word[-2] in "гкхжшщч" else "ы")
    return word + "а"


def matched(store: Store, school, path: Path, class_of_chat: str):
    listing = read_member_list(path)
    return reconcile(listing.members, store.people_to_match(school), class_of_chat)


def floor(store: Store, school, path: Path) -> int:
    """The least a matcher does: the same reads, then one exact lookup per folded line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    people = store.people_to_match(school)
    by_name: dict[str, list[int]] = {}
    for person in people:
        parts = fold_name(person.full_name).split()
        by_name.setdefault(" ".join(parts[:2]), []).append(person.id)
    return sum(1 for line in lines if fold_name(line) in by_name)


def run(label: str, url: str, people: int, members: int, reuse: bool, folder: Path) -> None:
    print(f"\n== {label}")
    catalog = load_catalog(REPO)
    with Store.open(url) as store:
        if reuse and any(s.name == BUILT for s in store.schools()):
            school = store.school(BUILT)
            print("(reusing the store built by an earlier run)")
        else:
            seconds, school = timed(build, store, people)
            print(f"built {people:,} people through the roster import: {seconds:.1f} s")
        everyone = store.people(school, active=None)
        chat_class = everyone[len(everyone) // 3].class_name or "7А"
        path = folder / "участники.txt"
        path.write_text(member_list(everyone, members, chat_class), encoding="utf-8")
        lines = len(path.read_text(encoding="utf-8").splitlines())
        read_s, listing = best(3, read_member_list, path)
        load_s, _ = best(3, store.people_to_match, school)
        total_s, result = best(3, matched, store, school, path, chat_class)
        floor_s, _ = best(3, floor, store, school, path)
        counts = result.counts()
        loaded = store.people_to_match(school)
        match_s, _ = best(3, reconcile, listing.members, loaded, chat_class)
        print(f"list: {len(listing.members):,} members on {lines:,} lines; read {read_s:.2f} s")
        print(f"the school's people from the store: {load_s:.2f} s; matching them in memory: {match_s:.2f} s")
        goal = " (goal ≤ 5 s)" if label == "SQLite" else ""
        print(f"read + people + match: {total_s:.2f} s{goal}; floor {floor_s:.2f} s; ratio {total_s / floor_s:.1f}×")
        print("outcomes: " + ", ".join(f"{o} {counts[o]:,}" for o in OUTCOMES))
        record_s, record = timed(record_list, store, catalog, school, chat_class, "Родители района", "all",
                                 listing.members, dt.datetime(2026, 11, 20), "замер")
        print(f"for reference: record_list (match, then the check and {sum(v.recorded for v in record.verified):,} "
              f"verified steps written): {record_s:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the built stores and reuse them next time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.reuse:
            WORK.mkdir(exist_ok=True)
            sqlite_path = WORK / f"bench-members-{args.people}.sqlite"
        else:
            sqlite_path = folder / "bench.sqlite"
        run("SQLite", str(sqlite_path), args.people, args.members, args.reuse, folder)
        base = os.environ.get("SFERUM_TEST_DATABASE_URL")
        if base and not args.no_postgres:
            with postgres_schema(base, f"bench_members_keep_{args.people}" if args.reuse else None) as url:
                run("PostgreSQL", url, args.people, args.members, args.reuse, folder)
        else:
            print("\nPostgreSQL: skipped (set SFERUM_TEST_DATABASE_URL, as .ci/run does)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
