"""Names in the wrong case: `validate` finds them in guide pages and YAML text, where the author wrote them."""

from __future__ import annotations

import json

import pytest

from sferum_onboard.catalog.grammar import Checker, LITERAL_FORMS, PREPOSITIONS, blank_markup, names_of
from sferum_onboard.catalog.guides import variable_values
from tests.test_validate import lines_of, mutate, project, run  # noqa: F401  (project is a fixture)

PLATFORM = {"nom": "«Сферум»", "gen": "«Сферума»", "dat": "«Сферуму»", "acc": "«Сферум»", "ins": "«Сферумом»",
            "prep": "«Сферуме»"}
OLD = {"nom": "VK Мессенджер", "gen": "VK Мессенджера", "dat": "VK Мессенджеру", "acc": "VK Мессенджер",
       "ins": "VK Мессенджером", "prep": "VK Мессенджере"}
DECLARED = {"platform": PLATFORM, "old_messenger": OLD, "messenger": "MAX"}
VARIABLES = variable_values(DECLARED)
CHECKER = Checker(names_of(VARIABLES, {"platform", "old_messenger"}))
CASE_OF = {"prep": "предложный", "ins": "творительный", "dat": "дательный", "gen": "родительный"}


def found(text: str) -> list[tuple[str, str | None, str]]:
    return [(m.governor, m.case, text[m.start:m.start + len(m.name.written)]) for m in CHECKER.find(text)]


# --- the table ---------------------------------------------------------------------


@pytest.mark.parametrize("preposition, case", sorted(PREPOSITIONS.items()))
def test_every_preposition_of_the_table_asks_for_its_case(preposition, case):
    assert found(f"Это {preposition} «Сферум».") == [(preposition, case, "«Сферум»")]
    assert found(f"Это {preposition.capitalize()} Сферум.") == [(preposition.capitalize(), case, "Сферум")]
    assert found(f"Это {preposition} {PLATFORM[case]}.") == []


@pytest.mark.parametrize("verb", ["пользоваться", "пользуются", "пользовались", "пользуйтесь", "пользуюсь",
                                  "пользуется", "воспользуйтесь", "воспользовался", "пользуясь"])
def test_every_form_of_the_verb_asks_for_the_instrumental(verb):
    assert found(f"Они {verb} «Сферум» давно.") == [(verb, "ins", "«Сферум»")]
    assert found(f"Они {verb} «Сферумом» давно.") == []


@pytest.mark.parametrize("text", [
    "на платформе «Сферум»",  # an apposition stays in the nominative
    "в приложении «Сферум»",
    "«Сферум» работает в MAX",
    "с 2025 года «Сферум» работает в MAX",
    "в «Сферуме» и в MAX",  # MAX does not decline
    "без «Сферума», к «Сферуму», со «Сферумом», о «Сферуме»",
    "про «Сферум», через «Сферум»",  # prepositions of the accusative
    "в Сферуме, о Сферуме",  # a hand-written name in the right case
    "в пользу «Сферум»",  # the noun «польза», not the verb
    "Вступите в «Сферум-клуб»",  # another word
    "Из VK Мессенджера в MAX",
])
def test_right_forms_are_not_flagged(text):
    assert found(text) == []


def test_the_cases_of_the_issue_are_all_caught():
    assert found("Если вы были в «Сферум» в VK Мессенджер, войдите") == [
        ("в", "prep", "«Сферум»"), ("в", "prep", "VK Мессенджер")]
    assert found("Учителя пользуются «Сферум» каждый день") == [("пользуются", "ins", "«Сферум»")]
    assert found("Раньше мы пользовались Сферум в VK") == [("пользовались", "ins", "Сферум")]
    assert found("Школа на платформе Сферум") == [("платформе", None, "Сферум")]


def test_markup_between_the_word_and_the_name_does_not_hide_it():
    assert found("в **«Сферум»**") == [("в", "prep", "«Сферум»")]
    assert found("в\n    [«Сферум»]     ") == [("в", "prep", "«Сферум»")]


def test_the_literal_name_is_watched_even_when_site_yml_does_not_decline_it():
    checker = Checker(names_of(variable_values({"platform": "Сферум"}), ()))
    [misuse] = checker.find("Войдите в Сферум.")
    assert misuse.message == "после «в» нужен предложный падеж: «Сферуме»"
    assert LITERAL_FORMS["prep"] == "«Сферуме»"


def test_messages_say_which_form_to_use():
    [case] = CHECKER.find("пользуются «Сферум»")
    assert case.message == "после «пользуются» нужен творительный падеж: {{ platform.ins }} → «Сферумом»"
    [quotes] = CHECKER.find("на платформе Сферум")
    assert quotes.message == "после «платформе» название пишется в кавычках: {{ platform }} → «Сферум»"


def test_code_comments_and_link_targets_are_not_text():
    text = "```\nв «Сферум»\n```\nСм. `в «Сферум»` и [ссылку](в%20Сферум.md) <!-- в «Сферум» -->\n"
    assert CHECKER.find(blank_markup(text)) == []
    assert len(blank_markup(text)) == len(text) and blank_markup(text).count("\n") == text.count("\n")


# --- validate, on a project -----------------------------------------------------------

SITE_FORMS = ("variables:\n  messenger: MAX\n"
              "  platform: {nom: «Сферум», gen: «Сферума», dat: «Сферуму», acc: «Сферум», ins: «Сферумом», "
              "prep: «Сферуме»}\n"
              "  old_messenger: {nom: VK Мессенджер, gen: VK Мессенджера, dat: VK Мессенджеру, acc: VK Мессенджер, "
              "ins: VK Мессенджером, prep: VK Мессенджере}\n")
PAGE = """\
# Родителям

## Присоединитесь к классу

Если вы были в {{ platform }} в {{ old_messenger }}, войдите в {{ messenger }}.
Родители пользуются {{ platform }}, а раньше пользовались Сферум.
Школа на платформе Сферум, а теперь на платформе {{ platform }}.
Правильно: в {{ platform.prep }}, с {{ platform.ins }}, к {{ platform.dat }} и
о
{{ platform }} на новой строке.

```
в {{ platform }} в коде — не текст
```
"""


@pytest.fixture
def declining(project, monkeypatch):
    monkeypatch.chdir(project)
    mutate(project, "site_config/site.yml", "variables: {messenger: MAX}\n", SITE_FORMS)
    (project / "content" / "parent" / "join.md").write_text(PAGE, "utf-8")
    return project


def test_validate_locates_each_misused_name_in_a_page(declining):
    result = run(".")
    assert result.exit_code == 1
    page = "content/parent/join.md"
    assert [line for line in lines_of(result) if line.startswith(page)] == [
        f"{page}:5:16: после «в» нужен предложный падеж: {{{{ platform.prep }}}} → «Сферуме»",
        f"{page}:5:33: после «в» нужен предложный падеж: {{{{ old_messenger.prep }}}} → VK Мессенджере",
        f"{page}:6:21: после «пользуются» нужен творительный падеж: {{{{ platform.ins }}}} → «Сферумом»",
        f"{page}:6:59: после «пользовались» нужен творительный падеж: {{{{ platform.ins }}}} → «Сферумом»",
        f"{page}:7:20: после «платформе» название пишется в кавычках: {{{{ platform }}}} → «Сферум»",
        f"{page}:10:1: после «о» нужен предложный падеж: {{{{ platform.prep }}}} → «Сферуме»",
    ], result.output


def test_validate_locates_a_misused_name_inside_yaml_text(declining):
    (declining / "content" / "parent" / "join.md").write_text("# Родителям\n\n## Присоединитесь к классу\n", "utf-8")
    mutate(declining, "checklists/parent.yml", "intro: Шаги для родителя.",
           "intro: >-\n  Шаги для родителя,\n  который уже пользуется {{ platform }} в {{ old_messenger }}.")
    mutate(declining, "checklists/parent.yml", "title: Присоединитесь к классу",
           "title: Присоединитесь к классу в Сферум")
    mutate(declining, "checklists/parent.yml", "    done_when: Чат класса в списке чатов.\n",
           "    done_when: Чат класса в списке чатов.\n    review: {note: 'Сверить, как входят в «Сферум»'}\n")
    result = run(".")
    assert result.exit_code == 1
    assert lines_of(result)[:-1] == [
        "checklists/parent.yml:8:26: после «пользуется» нужен творительный падеж: {{ platform.ins }} → «Сферумом»",
        "checklists/parent.yml:8:43: после «в» нужен предложный падеж: {{ old_messenger.prep }} → VK Мессенджере",
        "checklists/parent.yml:12:38: после «в» нужен предложный падеж: {{ platform.prep }} → «Сферуме»",
    ], result.output


def test_json_output_names_the_problem_kind(declining):
    result = run(".", "--format", "json")
    codes = {(p["line"], p["code"]) for p in json.loads(result.output)["problems"]}
    assert (5, "name-case") in codes and (7, "name-quotes") in codes


def test_right_forms_pass_validate(declining):
    (declining / "content" / "parent" / "join.md").write_text(
        "# Родителям\n\n## Присоединитесь к классу\n\nВ {{ platform.prep }} на платформе {{ platform }}.\n", "utf-8")
    result = run(".")
    assert result.exit_code == 0, result.output
