"""`validate --stale DAYS`: the steps a coordinator should re-check, located, as a report (exit code 0)."""

from __future__ import annotations

import datetime as dt
import json

from tests.test_validate import lines_of, mutate, project, run  # noqa: F401  (project is a fixture)

SCHOOL = """\
id: school
title: Шаги школы
version: 1
intro: Что делает школа.
steps:
  - id: school-order
    title: Издайте приказ
    action: Подпишите приказ.
    guide: parent/join.md#присоединитесь-к-классу
    done_when: Приказ подписан.
    review: {{checked: {checked}}}
"""


def days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def dated(project, install: str, join: str, school: str) -> None:
    mutate(project, "checklists/shared.yml", "    done_when: Значок MAX на экране.\n",
           f"    done_when: Значок MAX на экране.\n    review: {install}\n")
    mutate(project, "checklists/parent.yml", "    done_when: Чат класса в списке чатов.\n",
           f"    done_when: Чат класса в списке чатов.\n    review: {join}\n")
    (project / "checklists" / "school.yml").write_text(SCHOOL.format(checked=school), "utf-8")


def test_stale_lists_old_unverified_and_undated_steps_with_their_place(project, monkeypatch):
    monkeypatch.chdir(project)
    dated(project, f"{{checked: {days_ago(120)}}}",
          f"{{checked: {days_ago(3)}, unverified: true, note: 'Сверить экран вступления'}}", days_ago(400))
    result = run(".", "--stale", "90")
    assert result.exit_code == 0, result.output
    old = (dt.date.today() - dt.timedelta(days=120)).strftime("%d.%m.%Y")
    school = (dt.date.today() - dt.timedelta(days=400)).strftime("%d.%m.%Y")
    assert lines_of(result) == [
        "Проверено 7 файлов: ошибок нет.",
        "checklists/parent.yml:9:5: шаг «join-class»: факты не подтверждены; что проверить: Сверить экран вступления",
        f"checklists/school.yml:6:5: шаг школы «school-order»: проверен {school}, 400 дней назад",
        f"checklists/shared.yml:2:5: шаг «install-max»: проверен {old}, 120 дней назад",
        "Проверить заново: 3 шага из 3 (не подтверждены, без даты проверки или проверены больше 90 дней назад). "
        "Это список для координатора, а не ошибки: код выхода 0.",
    ]


def test_fresh_steps_are_not_listed_and_the_boundary_day_is_fresh(project, monkeypatch):
    monkeypatch.chdir(project)
    dated(project, f"{{checked: {days_ago(21)}}}", f"{{checked: {days_ago(20)}}}", days_ago(0))
    result = run(".", "--stale", "21")
    assert result.exit_code == 0
    assert lines_of(result)[1:] == [
        "Проверить заново: 0 шагов из 3 (не подтверждены, без даты проверки или проверены больше 21 дня назад). "
        "Это список для координатора, а не ошибки: код выхода 0."]
    result = run(".", "--stale", "20")
    assert [line.split(": ")[1] for line in lines_of(result)[1:-1]] == ["шаг «install-max»"]


def test_a_step_without_a_date_is_due(project, monkeypatch):
    monkeypatch.chdir(project)
    result = run(".", "--stale", "365")
    assert "checklists/parent.yml:9:5: шаг «join-class»: дата проверки не указана (review.checked)" in lines_of(result)
    assert lines_of(result)[-1].startswith("Проверить заново: 2 шага из 2 ")


def test_stale_as_json(project, monkeypatch):
    monkeypatch.chdir(project)
    dated(project, f"{{checked: {days_ago(120)}}}", f"{{checked: {days_ago(3)}, unverified: true}}", days_ago(1))
    result = run(".", "--stale", "90", "--format", "json")
    assert result.exit_code == 0
    stale = json.loads(result.output)["stale"]
    assert [(s["file"], s["line"], s["id"], s["days_since_checked"], s["unverified"]) for s in stale] == [
        ("checklists/parent.yml", 9, "join-class", 3, True),
        ("checklists/shared.yml", 2, "install-max", 120, False),
    ]
    assert "stale" not in json.loads(run(".", "--format", "json").output)


def test_content_errors_still_fail_and_skip_the_list(project, monkeypatch):
    monkeypatch.chdir(project)
    mutate(project, "checklists/parent.yml", "depends_on: [install-max]", "depends_on: [instal-max]")
    result = run(".", "--stale", "90")
    assert result.exit_code == 1
    assert not any("Проверить заново" in line for line in lines_of(result))


def test_stale_days_must_be_a_number_of_days(project, monkeypatch):
    monkeypatch.chdir(project)
    result = run(".", "--stale", "-1")
    assert result.exit_code == 2
    assert "--stale" in result.output
