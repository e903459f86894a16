"""How a member check reads: outcomes, why a member is (or may be) a person, and people told apart.

The words of `tracking.members` results, shared by the confirm sheet
(`members_sheet`) and the terminal (`views.members`): `reason_text` words a
`matching.Reason`, `person_text` names a person with role and classes.
"""

from __future__ import annotations

from typing import Mapping

from sferum_onboard.outputs.labels import class_label
from sferum_onboard.tracking.model import Person
from sferum_onboard.wording import plural, role_title

WORDS = {
    "outcomes": {"matched": "в классе", "missing": "нет в чате", "other_class": "из другого класса",
                 "outsider": "посторонний", "unsure": "не уверены"},
    "relations": {"pupil": "ученик класса", "parent": "родитель", "leader": "классный руководитель",
                  "teacher": "учитель класса", "administrator": "администратор школы"},
    "kin": {"mother": "мама", "father": "папа", "relative": "родственник"},
    "sheet-title": "Сверка чата {chat} со списком класса {class_name}: список от {date}. {school}",
    "sheet-no-chat": "класса",
    "sheet-hint": "Решите жёлтые строки: код человека из столбца «Кто это» (или любого человека школы) — это он; "
                  "«нет» — это не человек школы; пусто — решить потом. Затем: sferum-onboard members confirm ФАЙЛ",
    "missing-title": "Есть в списке класса, но нет в чате",
    "sheet-instructions": (
        "Как заполнять лист сверки\n"
        "{title}. Лист записан {recorded}.\n"
        "\n"
        "На листе «Сверка» — строка на каждого участника чата, в том порядке, в каком их скопировали.\n"
        "Найденные по списку уже записаны: их строки заполнены и закрыты.\n"
        "Жёлтые строки решаете вы. В столбце «Решение» напишите код человека (число после «#» в столбце "
        "«Кто это» или код из sferum-onboard roster list) — это он; «нет» — это не человек школы (посторонний); "
        "пустая ячейка — решить позже.\n"
        "Когда закончите, сохраните файл (XLSX или ODS) и загрузите его: sferum-onboard members confirm ФАЙЛ. "
        "Записываются только решённые строки; лист можно загружать снова, уже записанное не повторится.\n"
        "Постороннего удалите из чата, затем отметьте разобранным: sferum-onboard members resolve.\n"
        "В файле имена участников чата и детей: не пересылайте его в общие чаты и не публикуйте."
    ),
    "reasons": {
        "full": "ФИО полностью", "surname-name": "фамилия и имя", "name-patronymic": "имя и отчество",
        "surname-patronymic": "фамилия и отчество", "surname": "только фамилия", "name": "только имя",
        "initials": "только инициалы", "order": "в другом порядке", "initial": "«{0}.» — {1}",
        "short-name": "«{0}» — {1}", "near": "«{0}» похоже на «{1}»", "phone": "номер телефона — как в списке школы",
        "latin": "латиницей", "child": "{kin} ребёнка: {child}", "namesake": "тёзка: {people}",
        "class-hint": "рядом с именем класс {0}", "inactive": "выбыл(а) из школы", "several": "подходят {people}",
        "weak": "совпадение неполное", "one-word": "одно слово — так зовут {people} в школе",
        "kin-only": "только «{kin}»: чья — не сказано", "no-name": "нет имени: только номер или значки",
        "nobody": "никого с таким именем в школе", "child-unknown": "ребёнка «{0}» нет среди учеников",
        "child-without-parent": "ребёнок — {child}, но родителя нет в списке родителей",
        "already-matched": "этот человек уже найден в строке {0}", "relation": "{relation}",
    },
}



def person_text(person: Person, pupil_classes: dict[int, str | None]) -> str:
    """«#12 Иванова Мария Петровна, родитель (7А)»: a person of a member check, told apart from namesakes."""
    role = "class_leader" if person.role == "teacher" and person.class_leader else person.role
    classes = class_label(person, pupil_classes)
    return f"#{person.id} {person.full_name}, {role_title(role)}" + (f" ({classes})" if classes else "")


def reason_text(reason, people: Mapping[int, Person], pupil_classes: dict[int, str | None]) -> str:
    """One `matching.Reason` in words: ««Маша» — мария», «мама ребёнка: #5 Иванов Пётр, ученик (7А)»."""
    template = WORDS["reasons"].get(reason.code, reason.code)
    args = reason.args

    def named(person_id: int) -> str:
        person = people.get(person_id)
        return person_text(person, pupil_classes) if person else f"#{person_id}"

    if reason.code in ("initial", "short-name", "near"):
        return template.format(*(word[:1].upper() + word[1:] for word in args))  # «маша» → «Маша»
    if reason.code == "child":
        return template.format(kin=WORDS["kin"].get(args[0] or "", args[0] or ""), child=named(args[1]))
    if reason.code == "child-without-parent":
        return template.format(child=named(args[0]))
    if reason.code == "namesake":
        return template.format(people="; ".join(named(i) for i in args))
    if reason.code in ("several", "one-word"):
        return template.format(people=plural(args[0], "person"))
    if reason.code == "kin-only":
        return template.format(kin=WORDS["kin"].get(args[0], args[0]))
    if reason.code == "relation":
        return template.format(relation=WORDS["relations"].get(args[0], args[0]))
    return template.format(*args)


def reasons_text(reasons, people: Mapping[int, Person], pupil_classes: dict[int, str | None]) -> str:
    return "; ".join(reason_text(r, people, pupil_classes) for r in reasons)
