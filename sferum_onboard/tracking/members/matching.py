"""Who each member of a chat is: a person of the class, of another class, an outsider, or not sure yet.

Pure: `reconcile` takes the member lines, the school's people and a class,
and sorts every line into one of five outcomes, with the people on the
class's roster who are not in the chat as the fifth. Each match has a
confidence (0–100) and its reasons (which words matched how); a match is
taken as sure only at `SURE` or above and clearly ahead of the next person
(`MARGIN`, where being of this class counts `CLASS_BONUS`): anything less is
"unsure", with the candidates at `CANDIDATE` or above. Nothing is guessed.

Names are compared word by word, in any order: exact (after the roster's
folding: case, ё/е, look-alike Latin letters), a short name for the full
one (`vocabulary.DIMINUTIVES`), an initial, or a near spelling (rapidfuzz,
scored low enough that a near match alone is never sure). A family's name
(«мама Пети») finds the child among the pupils and the parent through the
household, a «мама» among the women.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, NamedTuple

from rapidfuzz import fuzz, process

from sferum_onboard.tracking.members import vocabulary as words
from sferum_onboard.tracking.members.display import DisplayName, Token, gender_of, read_display_name
from sferum_onboard.tracking.members.listing import MemberLine
from sferum_onboard.tracking.membership import classes_of
from sferum_onboard.tracking.model import Person
from sferum_onboard.tracking.names import fold_name
from sferum_onboard.tracking.roster.values import LATIN, normalise_name

MATCHED, MISSING, OTHER_CLASS, OUTSIDER, UNSURE = "matched", "missing", "other_class", "outsider", "unsure"
OUTCOMES = (MATCHED, MISSING, OTHER_CLASS, OUTSIDER, UNSURE)
PUPILS, PARENTS, EVERYONE = "pupils", "parents", "all"
AUDIENCES = (PUPILS, PARENTS, EVERYONE)

SURE, CANDIDATE, MARGIN, CLASS_BONUS = 90, 60, 8, 10
MAX_CANDIDATES = 5
RELATION_ORDER = ("leader", "pupil", "parent", "teacher", "administrator")
NEAR = 80  # rapidfuzz ratio from which two spellings of a word are near


class Reason(NamedTuple):
    """Why a member is (or may be) a person: a code and its data; the views word it."""

    code: str
    args: tuple = ()


@dataclass(frozen=True)
class Match:
    person_id: int
    confidence: int
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Row:
    """One line of the result: a member (None for a person missing from the chat) and what they are."""

    outcome: str
    member: MemberLine | None
    person_id: int | None = None
    confidence: int | None = None
    reasons: tuple[Reason, ...] = ()
    candidates: tuple[Match, ...] = ()  # for an unsure member: who it may be, best first


@dataclass(frozen=True)
class Reconciliation:
    class_name: str
    audience: str
    rows: tuple[Row, ...]

    def of(self, outcome: str) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.outcome == outcome)

    def counts(self) -> dict[str, int]:
        return count_outcomes(self.rows)


def count_outcomes(rows: Iterable) -> dict[str, int]:
    """How many rows of each outcome (each row has an `outcome`)."""
    found = dict.fromkeys(OUTCOMES, 0)
    for row in rows:
        found[row.outcome] += 1
    return found


def audience_of_chat(chat: str | None) -> str:
    """Whom a chat is for, from its name: «Родители 7А» → parents; none named → everyone."""
    folded = fold_name(chat or "")
    if any(stem in folded for stem in words.PARENTS_CHAT):
        return PARENTS
    if any(stem in folded for stem in words.PUPILS_CHAT):
        return PUPILS
    return EVERYONE


def class_relation(person: Person, class_name: str, pupil_classes: Mapping[int, str | None]) -> str | None:
    """How a person belongs to a class: "pupil", "parent", "leader", "teacher", "administrator" (of the
    school: at home in every chat of it), or None. Pupils, parents and leaders by `membership.classes_of`."""
    if person.role == "administrator":
        return "administrator"
    if class_name in classes_of(person, pupil_classes):
        return {"pupil": "pupil", "parent": "parent"}.get(person.role, "leader")
    if person.role == "teacher" and class_name in person.classes_taught:
        return "teacher"
    return None


def expected(person: Person, relation: str | None, audience: str) -> bool:
    """Is the person expected in the chat (missing when absent): the class's pupils and parents as the
    audience says, and its class leader."""
    if relation == "leader":
        return True
    return (relation == "pupil" and audience != PARENTS) or (relation == "parent" and audience != PUPILS)


# --- the people, indexed by the words of their names ---------------------------------------------


class SchoolIndex:
    """A school's people by name words and phone numbers, with their classes; built once per list."""

    def __init__(self, people: Iterable[Person], class_name: str):
        self.people: dict[int, Person] = {p.id: p for p in people}
        self.pupil_classes = {p.id: p.class_name for p in self.people.values() if p.role == "pupil" and p.active}
        self.parts: dict[int, tuple[str, ...]] = {}
        self.by_word: dict[str, list[int]] = defaultdict(list)
        self.by_phone: dict[str, list[int]] = defaultdict(list)
        self.parents_of: dict[int, list[int]] = defaultdict(list)
        for person in self.people.values():
            name = person.full_name
            # Roster imports store names normalised already; a name typed another way may hide a Latin «а».
            parts = tuple(fold_name(normalise_name(name) if LATIN.search(name) else name).split())
            self.parts[person.id] = parts
            for word in parts:
                self.by_word[word].append(person.id)
                if "-" in word:
                    for piece in word.split("-"):
                        self.by_word[piece].append(person.id)
            if person.contact:
                digits = "".join(ch for ch in person.contact if ch.isdigit())
                if len(digits) >= 10:
                    self.by_phone[digits[-10:]].append(person.id)
            for child in person.children:
                self.parents_of[child].append(person.id)
        # Only the class's pupils, their parents and the staff can belong to the class (`class_relation`
        # decides for them): the other tens of thousands are not asked.
        self.class_pupils = frozenset(pid for pid, name in self.pupil_classes.items() if name == class_name)
        maybe = set(self.class_pupils) | {parent for pupil in self.class_pupils for parent in self.parents_of[pupil]}
        maybe |= {p.id for p in self.people.values() if p.role in ("teacher", "administrator")}
        self.relation: dict[int, str] = {}
        for person_id in maybe:
            person = self.people[person_id]
            relation = class_relation(person, class_name, self.pupil_classes) if person.active else None
            if relation is not None:
                self.relation[person_id] = relation
        self._vocabulary: list[str] | None = None
        self._near: dict[str, list[str]] = {}
        self._hits: dict[Token, frozenset[int]] = {}

    def in_class(self, person_id: int) -> bool:
        return self.relation.get(person_id) is not None

    def near_words(self, word: str) -> list[str]:
        """Words of the school's names spelled nearly like `word` (for typos), best first."""
        if word not in self._near:
            if self._vocabulary is None:
                self._vocabulary = list(self.by_word)
            found = process.extract(word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=NEAR, limit=8)
            self._near[word] = [choice for choice, _, _ in found]
        return self._near[word]

    def hits(self, token: Token) -> frozenset[int]:
        """People with a name word this token may be: the same, another form, the full name, a near one."""
        found = self._hits.get(token)
        if found is None:
            ids: set[int] = set()
            for word in (token.text, *token.forms, *token.short_for):
                ids.update(self.by_word.get(word, ()))
            if not ids and len(token.text) >= 4:
                for word in self.near_words(token.text):
                    ids.update(self.by_word[word])
            found = self._hits[token] = frozenset(ids)
        return found


# --- comparing a display name with a person's name --------------------------------------------------


def word_similarity(token: Token, part: str) -> tuple[float, Reason | None]:
    """How well one word of a display name fits one word of a roster name (0–1), and how."""
    if token.text == part or part in token.forms:
        return 1.0, None
    if token.initial:
        return (0.9, Reason("initial", (token.text, part))) if part.startswith(token.text) else (0.0, None)
    if part in token.short_for:
        return 0.95, Reason("short-name", (token.text, part))
    if "-" in part and token.text in part.split("-"):
        return 0.9, None
    if len(token.text) >= 4:
        ratio = max(fuzz.ratio(form, part) for form in (token.text, *token.forms))
        if ratio >= NEAR:
            return 0.8 * ratio / 100, Reason("near", (token.text, part))
    return 0.0, None


def name_score(tokens: tuple[Token, ...], parts: tuple[str, ...]) -> tuple[float, list[Reason]]:
    """0–100: the words paired best first; then how much of the name they cover (surname and name;
    name and patronymic; one word only) and what was left over."""
    if not tokens or not parts:
        return 0.0, []
    pairs = []
    for i, token in enumerate(tokens):
        for j, part in enumerate(parts):
            similarity, reason = word_similarity(token, part)
            if similarity:
                pairs.append((similarity, i, j, reason))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used_tokens, used_parts, total, reasons, placed = set(), {}, 0.0, [], []
    for similarity, i, j, reason in pairs:
        if i in used_tokens or j in used_parts:
            continue
        used_tokens.add(i)
        used_parts[j] = tokens[i].initial
        total += similarity
        placed.append((i, j))
        if reason:
            reasons.append(reason)
    if not used_parts:
        return 0.0, []
    words_matched = {j for j, initial in used_parts.items() if not initial}
    if not words_matched:
        coverage, reach = 0.5, "initials"
    elif {0, 1} <= used_parts.keys():
        coverage, reach = 1.0, "full" if len(parts) > 2 and 2 in used_parts else "surname-name"
    elif {1, 2} <= used_parts.keys():
        coverage, reach = 0.95, "name-patronymic"
    elif {0, 2} <= used_parts.keys():
        coverage, reach = 0.8, "surname-patronymic"
    else:
        coverage, reach = 0.65, "surname" if 0 in used_parts else "name"
    score = 100 * total / len(used_parts) * coverage
    if len(parts) > 2 and 2 not in used_parts:
        score *= 0.97
    for i, token in enumerate(tokens):
        if i not in used_tokens:
            score *= 0.9 if token.initial else 0.8
    reasons.insert(0, Reason(reach))
    order = [j for _, j in sorted(placed)]
    if len(order) > 1 and order != sorted(order):
        reasons.insert(1, Reason("order"))
    return score, reasons


def _score_people(tokens: tuple[Token, ...], ids: Iterable[int], index: SchoolIndex) -> list[Match]:
    found = []
    for person_id in ids:
        score, reasons = name_score(tokens, index.parts[person_id])
        if score >= CANDIDATE:
            found.append(Match(person_id, round(score), tuple(reasons)))
    return found


def _by_name(name: DisplayName, index: SchoolIndex) -> list[Match]:
    """People whose names the member's own words fit."""
    words_only = [t for t in name.tokens if not t.initial]
    if not words_only:
        return []
    hit_sets = [index.hits(t) for t in words_only]
    if len(hit_sets) > 1:
        ids = _fitting_two_words(hit_sets)
        if not ids:  # the words fit different people: look among those of the class only
            ids = {p for hits in hit_sets for p in hits if index.in_class(p)}
    else:
        ids = hit_sets[0]
        initials = tuple(t.text for t in name.tokens if t.initial)
        if initials:
            ids = {p for p in ids if any(part.startswith(initials) for part in index.parts[p])}
        elif len(ids) > MAX_CANDIDATES:
            ids = {p for p in ids if index.in_class(p)}
    return _score_people(name.tokens, ids, index)


def _fitting_two_words(hit_sets: list[frozenset[int]]) -> set[int]:
    """People two of the words fit (set intersections run in C: a common first name fits thousands)."""
    return set().union(*(a & b for n, a in enumerate(hit_sets) for b in hit_sets[n + 1:]))


def _by_family(name: DisplayName, index: SchoolIndex, own: list[Match]) -> tuple[list[Match], Reason | None]:
    """Parents found through the child a family name names; a reason when no parent can be found."""
    found: dict[int, Match] = {}
    problem = None
    own_scores = {m.person_id: m for m in own}
    for child_tokens in name.children:
        # A child is named by the first name, and by the surname when one is given; by the first name
        # alone only among this class's pupils.
        hit_sets = [index.hits(t) for t in child_tokens if not t.initial]
        ids = _fitting_two_words(hit_sets) if len(hit_sets) > 1 else index.hits(child_tokens[0]) & index.class_pupils
        children = [p for p in ids if p in index.pupil_classes and _names_child(child_tokens, index.parts[p])]
        if not children:
            problem = problem or Reason("child-unknown", (" ".join(t.text for t in child_tokens),))
            continue
        for child in children:
            parents = [p for p in index.parents_of.get(child, ()) if index.people[p].active]
            fitting = [p for p in parents if _fits_kin(name.kin, index.parts[p])]
            if not fitting:
                problem = problem or Reason("child-without-parent", (child,))
                continue
            sure = len(children) == 1 and len(fitting) == 1 and name.kin != words.RELATIVE
            for parent in fitting:
                confidence = 93 if sure else 75 if len(children) == 1 and name.kin != words.RELATIVE else 65
                mine = own_scores.get(parent)
                if name.tokens:  # the family's own name words must agree with the parent found
                    confidence = 98 if mine and mine.confidence >= 85 else min(confidence, 70)
                reason = Reason("child", (name.kin, child))
                if parent not in found or found[parent].confidence < confidence:
                    found[parent] = Match(parent, confidence, (reason, *(mine.reasons if mine else ())))
    return list(found.values()), (problem if not found else None)


def _names_child(tokens: tuple[Token, ...], parts: tuple[str, ...]) -> bool:
    """Does a family's «Пети Иванова» name this pupil: a word for the first name, every other word for the
    surname (only an exact word, another form of it or a short name counts)?"""
    if len(parts) < 2:
        return False
    first = [t for t in tokens if word_similarity(t, parts[1])[0] >= 0.9]
    if not first:
        return False
    rest = [t for t in tokens if t is not first[0]]
    return all(word_similarity(t, parts[0])[0] >= 0.9 for t in rest)


def _fits_kin(kin: str | None, parts: tuple[str, ...]) -> bool:
    gender = gender_of(parts)
    if kin == words.MOTHER:
        return gender != words.MALE
    if kin == words.FATHER:
        return gender != words.FEMALE
    return True


def _candidates(member: MemberLine, index: SchoolIndex) -> tuple[list[Match], Reason | None, DisplayName]:
    name = read_display_name(member.name) if member.name else DisplayName(())
    matches: dict[int, Match] = {}
    for person_id in index.by_phone.get(member.phone or "", ()):
        matches[person_id] = Match(person_id, 100, (Reason("phone"),))
    own = _by_name(name, index)
    problem = None
    if name.children:
        family, problem = _by_family(name, index, own)
        own = family or own
    for match in own:
        if name.latin:
            match = Match(match.person_id, match.confidence, (*match.reasons, Reason("latin")))
        if match.person_id not in matches or matches[match.person_id].confidence < match.confidence:
            matches[match.person_id] = match
    ranked = sorted(matches.values(), key=lambda m: (-(m.confidence + CLASS_BONUS * index.in_class(m.person_id)),
                                                      -m.confidence, m.person_id))
    return ranked, problem, name


def reconcile(members: Iterable[MemberLine], people: Iterable[Person], class_name: str,
              audience: str = EVERYONE) -> Reconciliation:
    """Sort a chat's members against a school's people (active and not) for one class."""
    index = SchoolIndex(people, class_name)
    rows: list[Row] = []
    taken: dict[int, int] = {}  # person id -> the line that matched them first
    for member in members:
        ranked, problem, name = _candidates(member, index)
        rows.append(_decide(member, ranked, problem, name, index, taken))
    missing = [index.people[pid] for pid, relation in index.relation.items()
               if pid not in taken and expected(index.people[pid], relation, audience)]
    for person in sorted(missing, key=lambda p: (RELATION_ORDER.index(index.relation[p.id]), index.parts[p.id], p.id)):
        rows.append(Row(MISSING, None, person.id, reasons=(Reason("relation", (index.relation[person.id],)),)))
    return Reconciliation(class_name, audience, tuple(rows))


def _decide(member: MemberLine, ranked: list[Match], problem: Reason | None, name: DisplayName,
            index: SchoolIndex, taken: dict[int, int]) -> Row:
    if not ranked:
        if name.kin and not name.tokens and not name.children:  # «Мама» and nothing else
            return Row(UNSURE, member, reasons=(Reason("kin-only", (name.kin,)),))
        if problem is not None and problem.code == "child-without-parent":  # family, not on the roster
            return Row(UNSURE, member, reasons=(problem,))
        words_only = [t for t in name.tokens if not t.initial]
        if len(words_only) == 1 and not name.children and index.hits(words_only[0]):  # «Мария»: so are many
            return Row(UNSURE, member, reasons=(Reason("one-word", (len(index.hits(words_only[0])),)),))
        reason = problem or Reason("no-name" if not name.tokens and not name.children else "nobody")
        return Row(OUTSIDER, member, reasons=(reason,))
    best = ranked[0]

    def effective(match: Match) -> int:
        return match.confidence + CLASS_BONUS * index.in_class(match.person_id)

    runner_up = ranked[1] if len(ranked) > 1 else None
    sure = best.confidence >= SURE and (runner_up is None or effective(best) - effective(runner_up) >= MARGIN)
    if sure and best.person_id in taken:
        reason = Reason("already-matched", (taken[best.person_id],))
        return Row(UNSURE, member, reasons=(reason,), candidates=(best,))
    if not sure:
        candidates = tuple(ranked[:MAX_CANDIDATES])
        reasons = (Reason("several", (len(ranked),)),) if len(ranked) > 1 else (Reason("weak"),)
        return Row(UNSURE, member, reasons=reasons, candidates=candidates)
    taken[best.person_id] = member.line
    reasons = best.reasons
    namesakes = tuple(m.person_id for m in ranked[1:] if m.confidence >= SURE)
    if namesakes:
        reasons += (Reason("namesake", namesakes),)
    if member.class_hint:
        reasons += (Reason("class-hint", (member.class_hint,)),)
    person = index.people[best.person_id]
    if not person.active:
        return Row(OUTSIDER, member, best.person_id, best.confidence, reasons + (Reason("inactive"),))
    outcome = MATCHED if index.in_class(best.person_id) else OTHER_CLASS
    return Row(outcome, member, best.person_id, best.confidence, reasons)
