"""Russian words the outputs share: nouns after a number, durations, and the titles of roles.

`plural(3, "pupil")` is «3 ученика», `plural(21, "step", "genitive")` is
«21 шага» (as in «выполнено 2 из 21 шага»). A noun's three forms follow a
number ending in 1, in 2–4, and in anything else (11–14 included): 1 шаг,
2 шага, 5 шагов, 11 шагов, 21 шаг.
"""

from __future__ import annotations

from typing import NamedTuple

Forms = tuple[str, str, str]

# The forms after a number where the phrase is the subject: «3 ученика», «5 отметок».
NOUNS: dict[str, Forms] = {
    "person": ("человек", "человека", "человек"),
    "administrator": ("администратор", "администратора", "администраторов"),
    "teacher": ("учитель", "учителя", "учителей"),
    "class_leader": ("классный руководитель", "классных руководителя", "классных руководителей"),
    "specialist": ("специалист", "специалиста", "специалистов"),
    "pupil": ("ученик", "ученика", "учеников"),
    "parent": ("родитель", "родителя", "родителей"),
    "staff": ("сотрудник", "сотрудника", "сотрудников"),
    "class": ("класс", "класса", "классов"),
    "mark": ("отметка", "отметки", "отметок"),
    "change": ("изменение", "изменения", "изменений"),
    "cell": ("ячейка", "ячейки", "ячеек"),
    "error": ("ошибка", "ошибки", "ошибок"),
    "conflict": ("конфликт", "конфликта", "конфликтов"),
    "page": ("страница", "страницы", "страниц"),
    "day": ("день", "дня", "дней"),
    "step": ("шаг", "шага", "шагов"),
    "file": ("файл", "файла", "файлов"),
    "minute": ("минута", "минуты", "минут"),
    "hour": ("час", "часа", "часов"),
}
# After «из», «около», «последних»: «из 21 шага», «около 5 минут», «последних 4 недель».
GENITIVE: dict[str, Forms] = {
    "step": ("шага", "шагов", "шагов"),
    "minute": ("минуты", "минут", "минут"),
    "week": ("недели", "недель", "недель"),
    "day": ("дня", "дней", "дней"),
    "hour": ("часа", "часов", "часов"),
}
# After «в»: «в 3 файлах».
PREPOSITIONAL: dict[str, Forms] = {
    "file": ("файле", "файлах", "файлах"),
}
# After «за»: «за последние 4 недели».
ACCUSATIVE: dict[str, Forms] = {
    "week": ("неделю", "недели", "недель"),
}
_CASES = {"nominative": NOUNS, "genitive": GENITIVE, "accusative": ACCUSATIVE, "prepositional": PREPOSITIONAL}


def plural_form(n: int, forms: Forms) -> str:
    """The form of a noun after the number n."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def plural(n: int, noun: str, case: str = "nominative") -> str:
    """«3 ученика»: the number and the noun of `NOUNS` (or of the case's table) in the right form."""
    return f"{n} {plural_form(n, _CASES[case][noun])}"


def minutes_text(minutes: int) -> str:
    """«5 минут», «1 час 30 минут»: for a table cell."""
    if minutes < 60:
        return plural(minutes, "minute")
    hours, rest = divmod(minutes, 60)
    text = plural(hours, "hour")
    return f"{text} {plural(rest, 'minute')}" if rest else text


def about_minutes(minutes: int) -> str:
    """«около 3 минут», «около 1 часа 21 минуты»: «около» asks for the genitive."""
    if minutes < 60:
        return "около " + plural(minutes, "minute", "genitive")
    hours, rest = divmod(minutes, 60)
    text = plural(hours, "hour", "genitive")
    return f"около {text} {plural(rest, 'minute', 'genitive')}" if rest else f"около {text}"


def number_text(n: int) -> str:
    """200000 → «200 000»: thousands set apart by a non-breaking space, as Russian writes numbers."""
    return f"{n:,}".replace(",", "\u00a0")


def size_text(size: int) -> str:
    """A file size in whole megabytes: «50 МБ» (at least 1)."""
    return f"{max(1, round(size / 1024 / 1024))} МБ"


class RoleTitle(NamedTuple):
    one: str  # «классный руководитель»
    many: str  # «классные руководители»


# Person roles (administrator, teacher, pupil, parent) and the teachers' flags that are roles in the
# catalog (class_leader, specialist), in lower case as inside a sentence.
ROLE_TITLES: dict[str, RoleTitle] = {
    "administrator": RoleTitle("администратор", "администраторы"),
    "teacher": RoleTitle("учитель", "учителя"),
    "class_leader": RoleTitle("классный руководитель", "классные руководители"),
    "specialist": RoleTitle("специалист", "специалисты"),
    "pupil": RoleTitle("ученик", "ученики"),
    "parent": RoleTitle("родитель", "родители"),
}


def role_title(role: str) -> str:
    """«классный руководитель»; an unknown role as it is."""
    found = ROLE_TITLES.get(role)
    return found.one if found else role


def role_title_plural(role: str) -> str:
    """«классные руководители»; an unknown role as it is."""
    found = ROLE_TITLES.get(role)
    return found.many if found else role
