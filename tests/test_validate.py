"""`sferum-onboard validate`: the shipped content, and every kind of bad input."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from sferum_onboard.catalog import load_catalog, validate_project
from sferum_onboard.cli import cli
from sferum_onboard.errors import ContentError
from sferum_onboard.site.generate import generate_site

ROLES = """\
roles:
  - {id: administrator, title: Администратор, description: Ведёт школу на платформе.}
  - {id: teacher, title: Учитель, description: Ведёт чаты классов.}
  - {id: class_leader, title: Классный руководитель, description: Учитель с классом., inherits: teacher}
  - {id: specialist, title: Специалист, description: Психолог или логопед., inherits: teacher}
  - {id: pupil, title: Ученик, description: Учится.}
  - {id: parent, title: Родитель, description: Помогает ребёнку.}
"""
SHARED = """\
steps:
  - id: install-max
    title: Установите MAX
    action: Скачайте приложение из магазина.
    guide: start/install.md#установите-max
    minutes: 5
    platforms: [android, ios]
    done_when: Значок MAX на экране.
"""
PARENT = """\
# yaml-language-server: $schema=../sferum_onboard/schemas/checklist.json
id: parent
title: Чек-лист родителя
audience: [parent]
version: 1
intro: Шаги для родителя.
steps:
  - install-max
  - id: join-class
    title: Присоединитесь к классу
    action: Откройте ссылку от классного руководителя.
    guide: parent/join.md#присоединитесь-к-классу
    depends_on: [install-max]
    minutes: 10
    platforms: [android, ios]
    helper: class_leader
    done_when: Чат класса в списке чатов.
"""
OTHERS = """\
id: others
title: Остальные
audience: [administrator, teacher, class_leader, specialist, pupil]
version: 1
intro: Всем остальным.
steps: [install-max]
"""
ROADMAP = """\
school_year: 2026/2027
targets:
  - id: parents-joined
    title: Родители в чатах классов
    steps: [join-class]
    counts: {role: parent}
    target: 80
    due: 2027-05-31
"""
SITE = """\
school: {name: Школа, short_name: Школа}
site_url: http://localhost:8000/
variables: {messenger: MAX}
"""
INSTALL = "# Установка\n\n## Установите {{ messenger }}\n\nТекст.\n"
JOIN = "# Родителям\n\n## Присоединитесь к классу\n\nТекст.\n"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    return write(tmp_path / "project", {
        "checklists/roles.yml": ROLES, "checklists/shared.yml": SHARED, "checklists/parent.yml": PARENT,
        "checklists/others.yml": OTHERS, "site_config/roadmap.yml": ROADMAP, "site_config/site.yml": SITE,
        "content/start/install.md": INSTALL, "content/parent/join.md": JOIN,
    })


def run(*args: str):
    return CliRunner().invoke(cli, ["validate", *args], catch_exceptions=False)


def lines_of(result) -> list[str]:
    return [line for line in result.output.splitlines() if line]


def test_shipped_content_is_valid(repo):
    result = run(str(repo))
    assert result.exit_code == 0, result.output
    assert "ошибок нет" in result.output


def test_shipped_yaml_files_name_their_schema(repo):
    for path in sorted((repo / "checklists").glob("*.yml")) + sorted((repo / "site_config").glob("*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../sferum_onboard/schemas/"), path


def test_minimal_project_is_valid(project):
    result = run(str(project))
    assert result.exit_code == 0, result.output
    assert lines_of(result) == ["Проверено 6 файлов: ошибок нет."]
    catalog = load_catalog(project)
    assert [s.id for s in catalog.steps_for_person("parent")] == ["install-max", "join-class"]
    assert catalog.steps["join-class"].guide.url == "parent/join/#присоединитесь-к-классу"


def mutate(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


P = "checklists/parent.yml"
CROSS_CASES = [
    pytest.param(P, "depends_on: [install-max]", "depends_on: [instal-max]",
                 f"{P}:13:18: шаг «join-class» зависит от несуществующего шага «instal-max»; может быть, «install-max»?",
                 id="depends-missing"),
    pytest.param(P, "guide: parent/join.md#присоединитесь-к-классу", "guide: parent/joins.md#присоединитесь-к-классу",
                 f"{P}:12:12: шаг «join-class»: страница инструкции «parent/joins.md» не найдена в content/",
                 id="guide-page-missing"),
    pytest.param(P, "guide: parent/join.md#присоединитесь-к-классу", "guide: parent/join.md#присоединитесь",
                 f"{P}:12:12: шаг «join-class»: на странице «parent/join.md» нет заголовка с якорем «#присоединитесь»; "
                 "может быть, «присоединитесь-к-классу»?", id="guide-heading-missing"),
    pytest.param(P, "helper: class_leader", "helper: class_lead",
                 f"{P}:16:13: неизвестная роль «class_lead»; есть: administrator, teacher, class_leader, specialist, "
                 "pupil, parent", id="role-unknown"),
    pytest.param("site_config/roadmap.yml", "steps: [join-class]", "steps: [join-clas]",
                 "site_config/roadmap.yml:5:13: цель дорожной карты «parents-joined» ссылается на несуществующий шаг "
                 "«join-clas»; может быть, «join-class»?", id="target-step-missing"),
    pytest.param(P, "  - install-max\n", "  - install-maxx\n",
                 f"{P}:8:5: чек-лист «parent» ссылается на несуществующий шаг «install-maxx»; может быть, «install-max»?",
                 id="step-ref-missing"),
    pytest.param(P, "  - id: join-class", "  - id: install-max",
                 f"{P}:9:9: идентификатор «install-max» уже занят (впервые: checklists/shared.yml:2:5)",
                 id="duplicate-id"),
    pytest.param(P, "    helper: class_leader\n", "    helper: class_leader\n    renamed_from: [install-max]\n",
                 f"{P}:17:20: шаг «install-max» указан как бывший идентификатор шага «join-class», но такой шаг всё ещё есть",
                 id="renamed-in-use"),
    pytest.param("content/parent/join.md", "Текст.", "См. [установку](../start/instal.md).",
                 "content/parent/join.md:5:17: ссылка «../start/instal.md» ведёт на страницу, которой нет в content/",
                 id="link-missing"),
    pytest.param("content/parent/join.md", "Текст.", "См. [установку](../start/install.md#установите).",
                 "content/parent/join.md:5:17: ссылка «../start/install.md#установите»: на странице «start/install.md» "
                 "нет заголовка с якорем «#установите»; может быть, «установите-max»?", id="link-anchor-missing"),
    pytest.param("content/parent/join.md", "Текст.", "Текст {{ mesenger }}.",
                 "content/parent/join.md:5:7: неизвестная переменная «{{ mesenger }}»; есть: messenger",
                 id="variable-unknown"),
]


@pytest.mark.parametrize("name, old, new, expected", CROSS_CASES)
def test_cross_check_problems(project, monkeypatch, name, old, new, expected):
    monkeypatch.chdir(project)
    mutate(project, name, old, new)
    result = run(".")
    assert result.exit_code == 1, result.output
    assert expected in lines_of(result), result.output
    assert lines_of(result)[-1].startswith("Проверено 6 файлов: найдено")


def test_cycle_is_printed_as_a_path(project, monkeypatch):
    monkeypatch.chdir(project)
    mutate(project, "checklists/shared.yml", "    done_when: Значок MAX на экране.\n",
           "    done_when: Значок MAX на экране.\n    depends_on: [join-class]\n")
    result = run(".")
    assert result.exit_code == 1
    assert ("checklists/shared.yml:9:17: шаги зависят друг от друга по кругу: install-max → join-class → install-max"
            in lines_of(result)), result.output


def test_unused_shared_step(project, monkeypatch):
    monkeypatch.chdir(project)
    mutate(project, "checklists/shared.yml", "steps:\n", "steps:\n" + textwrap.indent(textwrap.dedent("""\
        - id: spare
          title: Запасной
          action: Ничего.
          guide: start/install.md
          minutes: 1
          platforms: [web]
          done_when: Никогда.
        """), "  "))
    result = run(".")
    assert "checklists/shared.yml:2:5: шаг «spare» не входит ни в один чек-лист" in lines_of(result), result.output


SCHEMA_CASES = [
    pytest.param("    minutes: 10\n", "    minutes: десять\n",
                 f"{P}:14:14: Поле «steps[2].minutes» должно быть целым числом, а сейчас строка", id="type"),
    pytest.param("    minutes: 10\n", "",
                 f"{P}:9:5: не хватает обязательного поля «minutes»", id="required"),
    pytest.param("    minutes: 10\n", "    minutes: 10\n    minute: 3\n",
                 f"{P}:15:5: неизвестное поле «minute»; может быть, «minutes»?", id="unknown-field"),
    pytest.param("platforms: [android, ios]\n    helper", "platforms: [android, symbian]\n    helper",
                 f"{P}:15:26: поле «steps[2].platforms[2]»: значение «symbian» не подходит; допустимо: android, ios, "
                 "desktop, web", id="enum"),
    pytest.param("  - id: join-class", "  - id: Join_Class",
                 f"{P}:9:9: поле «steps[2].id»: «Join_Class» — идентификатор пишется латинскими строчными буквами, "
                 "цифрами и дефисами, например «install-max»", id="pattern"),
    pytest.param("version: 1", "version: 0", f"{P}:5:10: поле «version»: число 0 меньше допустимого 1", id="minimum"),
    pytest.param("steps:\n", "steps: 5\nx:\n", f"{P}:7:8: Поле «steps» должно быть списком, а сейчас целое число",
                 id="steps-type"),
    pytest.param("  - install-max\n", "  - 42\n",
                 f"{P}:8:5: поле «steps[1]»: элемент списка шагов — либо идентификатор общего шага, либо описание шага",
                 id="step-item"),
]


@pytest.mark.parametrize("old, new, expected", SCHEMA_CASES)
def test_schema_problems(project, monkeypatch, old, new, expected):
    monkeypatch.chdir(project)
    mutate(project, P, old, new)
    result = run(".")
    assert result.exit_code == 1, result.output
    assert expected in lines_of(result), result.output


def test_every_problem_is_reported_not_just_the_first(project, monkeypatch):
    monkeypatch.chdir(project)
    mutate(project, P, "version: 1", "version: нет")
    mutate(project, "site_config/roadmap.yml", "target: 80", "target: 180")
    mutate(project, "checklists/others.yml", "version: 1", "")
    result = run(".")
    assert result.exit_code == 1
    assert len(lines_of(result)) == 4, result.output
    assert lines_of(result)[-1] == "Проверено 6 файлов: найдено 3 ошибки в 3 файлах."


FILE_CASES = [
    pytest.param(b"", "checklists/parent.yml: файл пуст", id="empty"),
    pytest.param(b"   \n\n", "checklists/parent.yml: файл пуст", id="blank"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                 "checklists/parent.yml: это не текстовый файл (двоичные данные), ожидается YAML в кодировке UTF-8",
                 id="binary"),
    pytest.param(PARENT.replace("Шаги для родителя", "Шаги").encode("cp1251"),
                 "checklists/parent.yml:3:8: файл сохранён в кодировке Windows-1251, а нужна UTF-8; пересохраните его в UTF-8",
                 id="cp1251"),
    pytest.param(b"id: parent\n\ttitle: x\n",
                 "checklists/parent.yml:2:1: ошибка синтаксиса YAML: символ табуляции в отступе; используйте пробелы",
                 id="tab"),
    pytest.param(PARENT.replace("version: 1\n", "version: 1\nversion: 2\n").encode(),
                 "checklists/parent.yml:6:1: ключ «version» повторяется (первый раз в строке 5); оставьте один",
                 id="duplicate-key"),
    pytest.param(b"id: !!python/object/apply:os.system ['echo hacked']\n",
                 "checklists/parent.yml:1:5: тег «!!python/object/apply:os.system» не допускается: в файлах чек-листов "
                 "разрешены только обычные значения", id="python-tag"),
    pytest.param(b"a: &a [x, x, x, x, x, x, x, x, x]\n"
                 + b"".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n".encode()
                            for p, c in zip("abcdefgh", "bcdefghi")),
                 "checklists/parent.yml:2:4: слишком много ссылок-псевдонимов YAML (больше 100); раскройте их вручную",
                 id="billion-laughs"),
    pytest.param(b"- just\n- a list\n",
                 "checklists/parent.yml:1:1: Значение должно быть словарём (поля вида «ключ: значение»), а сейчас список",
                 id="not-a-mapping"),
    pytest.param(b"id: parent\n---\nid: again\n",
                 "checklists/parent.yml:2:1: в файле несколько YAML-документов (---); оставьте один", id="two-documents"),
    pytest.param(b"title: 'unclosed\n",
                 "checklists/parent.yml:2:1: ошибка синтаксиса YAML: файл обрывается (незакрытые кавычки или скобки)",
                 id="unclosed-quote"),
]


@pytest.mark.parametrize("content, expected", FILE_CASES)
def test_bad_files(project, monkeypatch, content, expected):
    monkeypatch.chdir(project)
    (project / P).write_bytes(content)
    result = run(".")
    assert result.exit_code == 1, result.output
    assert expected in lines_of(result), result.output


def test_utf8_bom_is_accepted(project):
    (project / P).write_bytes(b"\xef\xbb\xbf" + PARENT.encode())
    assert run(str(project)).exit_code == 0


def test_huge_file_is_refused_before_reading(project, monkeypatch):
    monkeypatch.chdir(project)
    with open(project / P, "wb") as f:
        f.write(b"# " + b"x" * (50 * 2**20) + b"\n")
    result = run(".")
    assert result.exit_code == 1
    assert "checklists/parent.yml: файл слишком большой (50.0 МБ); допустимо не больше 2 МБ" in lines_of(result)


def test_folder_without_yaml(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run("empty")
    assert result.exit_code == 1
    assert lines_of(result) == ["empty: в папке «empty» нет ни одного YAML-файла (*.yml)",
                                "Проверено 0 файлов: найдено 1 ошибка в 1 файле."]


@pytest.mark.parametrize("args, message", [
    (["/no/such/folder"], "Ошибка: Неверное значение ПАПКА: папка «/no/such/folder» не найдена"),
    (["--format", "xml"], "Ошибка: Неверное значение '--format': «xml» — не одно из: 'text', 'json'."),
    (["--frmat", "json"], "Ошибка: Нет такого параметра «--frmat». Может быть, '--format'?"),
])
def test_bad_usage_exits_2(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert lines_of(result)[-1] == message, result.output


def test_json_format(project, monkeypatch):
    monkeypatch.chdir(project)
    mutate(project, P, "depends_on: [install-max]", "depends_on: [instal-max]")
    result = run(".", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["files"] == 6
    assert report["problems"] == [{
        "file": P, "line": 13, "column": 18, "code": "depends-missing",
        "message": "шаг «join-class» зависит от несуществующего шага «instal-max»; может быть, «install-max»?",
    }]


def test_load_catalog_raises_with_every_problem(project):
    mutate(project, P, "depends_on: [install-max]", "depends_on: [instal-max, nowhere]")
    with pytest.raises(ContentError) as raised:
        load_catalog(project)
    assert [p.code for p in raised.value.problems] == ["depends-missing", "depends-missing"]


def test_report_counts_files(project):
    report = validate_project(project)
    assert report.files == 6 and report.problems == [] and report.catalog is not None


def test_links_to_generated_pages_and_files_are_fine(project):
    (project / "content" / "parent" / "qr.png").write_bytes(b"\x89PNG")
    mutate(project, "content/parent/join.md", "Текст.",
           "[чек-лист](../checklists/parent.md), [все шаги](../steps.md), [QR](qr.png), `[код](nope.md)`, "
           "[сайт](https://example.org/x.md), [здесь](#присоединитесь-к-классу).")
    assert validate_project(project).problems == []


def test_variables_in_yaml_text_are_expanded(project):
    mutate(project, "checklists/shared.yml", "title: Установите MAX", "title: Установите {{ messenger }}")
    catalog = load_catalog(project)
    assert catalog.steps["install-max"].title == "Установите MAX"


def test_unknown_variable_in_yaml_is_located(project, monkeypatch):
    monkeypatch.chdir(project)
    mutate(project, "checklists/shared.yml", "title: Установите MAX", "title: Установите {{ mesenger }}")
    result = run(".")
    assert result.exit_code == 1
    assert ("checklists/shared.yml:3:12: неизвестная переменная «{{ mesenger }}»; есть: messenger"
            in lines_of(result)), result.output


PLATFORM_FORMS = ("  platform: {nom: «Сферум», gen: «Сферума», dat: «Сферуму», acc: «Сферум», "
                  "ins: «Сферумом», prep: «Сферуме»}\n")


def test_case_forms_expand_in_pages_and_yaml(project):
    mutate(project, "site_config/site.yml", "variables: {messenger: MAX}\n", "variables:\n  messenger: MAX\n"
           + PLATFORM_FORMS)
    mutate(project, "checklists/shared.yml", "title: Установите MAX",
           "title: Установите {{ messenger }} и работайте в {{ platform.prep }}")
    mutate(project, "content/parent/join.md", "Текст.", "Чаты в {{ platform.prep }}, звонки в {{ messenger.prep }}.")
    catalog = load_catalog(project)
    assert catalog.steps["install-max"].title == "Установите MAX и работайте в «Сферуме»"
    assert catalog.settings.variables["platform"] == "«Сферум»"
    assert catalog.settings.declinable == {"platform"}
    generated = generate_site(catalog, project / "build")
    page = (generated.docs_dir / "parent" / "join.md").read_text("utf-8")
    assert "Чаты в «Сферуме», звонки в MAX." in page


def test_unknown_case_form_is_located(project, monkeypatch):
    monkeypatch.chdir(project)
    mutate(project, "site_config/site.yml", "variables: {messenger: MAX}\n", "variables:\n  messenger: MAX\n"
           + PLATFORM_FORMS)
    mutate(project, "content/parent/join.md", "Текст.", "О {{ platform.loc }}.")
    result = run(".")
    assert result.exit_code == 1
    assert ("content/parent/join.md:5:3: неизвестная переменная «{{ platform.loc }}»; есть: messenger, platform "
            "(в нужном падеже: {{ platform.prep }} и т. п.)" in lines_of(result)), result.output


def test_case_forms_must_be_complete(project, monkeypatch):
    monkeypatch.chdir(project)
    mutate(project, "site_config/site.yml", "variables: {messenger: MAX}\n",
           "variables:\n  platform: {nom: Сферум, gen: Сферума}\n")
    result = run(".")
    assert result.exit_code == 1
    assert any(line.startswith("site_config/site.yml:4:") for line in lines_of(result)), result.output
