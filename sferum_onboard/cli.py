"""The `sferum-onboard` command line: thin commands over the library.

Each command opens what it needs, calls one library function and prints
the result. Domain errors become a Russian message and exit code 1; bad
usage exits 2; no input may show a traceback.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from sferum_onboard import __version__
from sferum_onboard.clickru import install as install_russian_click
from sferum_onboard.errors import ContentError, SferumError
from sferum_onboard.messages import count

# --- plumbing --------------------------------------------------------------

install_russian_click()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"sferum-onboard {__version__}")
        ctx.exit()


def _version_option() -> click.Option:
    return click.Option(
        ["--version"], is_flag=True, expose_value=False, is_eager=True,
        callback=_print_version, help="Показать версию и выйти.",
    )


class Command(click.Command):
    """A command with -h/--help and --version, as every command has."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("context_settings", {}).update(CONTEXT)
        kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        super().__init__(*args, **kwargs)
        self.params.append(_version_option())


class Group(click.Group):
    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("context_settings", {}).update(CONTEXT)
        kwargs.setdefault("options_metavar", "[ПАРАМЕТРЫ]")
        kwargs.setdefault("subcommand_metavar", "КОМАНДА [АРГУМЕНТЫ]...")
        super().__init__(*args, **kwargs)
        self.params.append(_version_option())


Group.group_class = Group


def reports_errors(func):
    """Turn domain errors into located Russian messages and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ContentError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            click.echo(_problem_summary(len(error.problems)), err=True)
            sys.exit(1)
        except SferumError as error:
            click.echo(f"Ошибка: {error}", err=True)
            for problem in getattr(error, "problems", []):
                click.echo(f"  {problem}", err=True)
            sys.exit(1)

    return wrapper


def _problem_summary(n: int) -> str:
    return f"Найдено {count(n, 'ошибка', 'ошибки', 'ошибок')}."


def project_option(func):
    return click.option(
        "--project", "project", type=click.Path(file_okay=False, path_type=Path), default=".",
        show_default=True, help="Папка проекта (в ней checklists/, content/, site_config/).",
    )(func)


@click.group(cls=Group)
@click.option("--db", "db", metavar="ФАЙЛ|URL", expose_value=False, callback=lambda ctx, _p, v: _remember_db(ctx, v),
              help="База учёта для всех команд (как --db у команды).")
def cli() -> None:
    """Подключение школы к Сферуму (в MAX): инструкции, чек-листы, учёт и отчёты.

    Начните с `sferum-onboard validate`, затем `sferum-onboard build`.
    """


def main() -> None:
    try:
        cli(prog_name="sferum-onboard")
    except KeyboardInterrupt:
        click.echo("Прервано.", err=True)
        sys.exit(130)
    except Exception as error:  # the last guard: a user must never see a traceback
        if os.environ.get("SFERUM_ONBOARD_DEBUG"):
            raise
        click.echo(f"Внутренняя ошибка: {type(error).__name__}: {error}. "
                   "Сообщите разработчикам; подробности: SFERUM_ONBOARD_DEBUG=1.", err=True)
        sys.exit(3)


# --- catalog ---------------------------------------------------------------


@cli.command()
@click.argument("path", metavar="[ПАПКА]", type=click.Path(path_type=Path), default=".", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text — для людей, json — для программ.")
def validate(path: Path, fmt: str) -> None:
    """Проверить чек-листы, дорожную карту и ссылки на инструкции.

    Пример: sferum-onboard validate .
    """
    from sferum_onboard.catalog import validate_project

    try:
        report = validate_project(path)
    except SferumError as error:
        raise click.BadParameter(str(error), param_hint="ПАПКА") from None
    if fmt == "json":
        click.echo(json.dumps({
            "files": report.files,
            "problems": [p.as_dict() for p in report.problems],
        }, ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(str(problem))
        click.echo(report.summary())
    sys.exit(1 if report.problems else 0)


@cli.command()
@click.argument("name", type=click.Choice(["checklist", "step", "shared", "roles", "school-steps", "roadmap", "site"]))
def schema(name: str) -> None:
    """Напечатать JSON Schema формата (draft 2020-12).

    Пример: sferum-onboard schema checklist > checklist.schema.json
    """
    from sferum_onboard.catalog.schema import bundled_schema

    click.echo(json.dumps(bundled_schema(name), ensure_ascii=False, indent=2))


# --- site (issue: guide site) ----------------------------------------------


def _private_dirs() -> list[Path]:
    """Folders that hold a store: the site may not be built into them."""
    from sferum_onboard.tracking.paths import data_dir, is_url, store_target

    found = [data_dir()]
    target = store_target()
    if not is_url(target):
        found.append(Path(target).expanduser().parent)
    return found


@cli.command()
@project_option
@click.option("-d", "--site-dir", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Куда собрать сайт (по умолчанию — site_dir из mkdocs.yml, то есть site/).")
@reports_errors
def build(project: Path, site_dir: Path | None) -> None:
    """Собрать сайт инструкций: проверка, страницы чек-листов, MkDocs, поиск.

    Пример: sferum-onboard build -d public
    """
    from sferum_onboard.messages import SITE
    from sferum_onboard.site.build import STAGES, build_site

    stages = list(STAGES)

    def progress(stage: str) -> None:
        click.echo(f"[{stages.index(stage) + 1}/{len(stages)}] {STAGES[stage]}…", err=True)

    result = build_site(project, site_dir, progress=progress, private_dirs=_private_dirs())
    click.echo(SITE["built"].format(pages=count(result.pages, "страница", "страницы", "страниц"),
                                    site=_shown(result.site_dir)))


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path) + os.sep
    except ValueError:
        return str(path)


@cli.command()
@project_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="АДРЕС:ПОРТ",
              help="Адрес, на котором показать сайт.")
@click.option("--open", "open_browser", is_flag=True, help="Открыть сайт в браузере.")
@reports_errors
def serve(project: Path, dev_addr: str, open_browser: bool) -> None:
    """Показать сайт на этом компьютере и пересобирать его при каждой правке.

    Пример: sferum-onboard serve, затем откройте http://127.0.0.1:8000/
    """
    from sferum_onboard.site.build import serve_site

    serve_site(project, dev_addr, open_in_browser=open_browser)


# --- tracking (issue: per-person tracking) ---------------------------------

_DB_META = "sferum_onboard.db"


def _remember_db(ctx: click.Context, value: str | None) -> None:
    if value:
        ctx.meta[_DB_META] = value


def db_option(func):
    """`--db ФАЙЛ|URL` for a command that opens the store; the command gets `db` (None: the default).

    Open it with `open_store(db)`, which also honours `sferum-onboard --db … COMMAND`.
    """
    return click.option(
        "--db", "db", metavar="ФАЙЛ|URL", default=None,
        help="База учёта: файл SQLite или адрес postgresql+psycopg://…; по умолчанию SFERUM_ONBOARD_DB "
             "или файл в папке данных пользователя (см. sferum-onboard db path).",
    )(func)


def school_option(func):
    """`--school НАЗВАНИЕ`: which school of the store (needed only when it holds several)."""
    return click.option("--school", "school_name", metavar="НАЗВАНИЕ", default=None,
                        help="Школа в базе (нужно, только если их несколько).")(func)


def open_store(db: str | None, upgrade: bool = True):
    """The Store named by --db (command or global), SFERUM_ONBOARD_DB or the default file."""
    from sferum_onboard.tracking.store import Store

    ctx = click.get_current_context(silent=True)
    return Store.open(db or (ctx.meta.get(_DB_META) if ctx else None), upgrade=upgrade)


def _console():
    """A rich console on click's stdout; wide enough for tables when not a terminal."""
    from rich.console import Console

    stream = click.get_text_stream("stdout")
    width = None if stream.isatty() else int(os.environ.get("COLUMNS", "120"))
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def _catalog(project: Path):
    from sferum_onboard.catalog import load_catalog

    return load_catalog(project)


def _guide_base(catalog) -> str | None:
    return catalog.settings.site_url if catalog.settings else None


@cli.group(name="db")
def db_group() -> None:
    """База учёта: где она, обновление схемы, резервная копия.

    Пример: sferum-onboard db path
    """


@db_group.command(name="path")
@db_option
@reports_errors
def db_path(db: str | None) -> None:
    """Показать, где лежит база учёта (файл или адрес сервера, без пароля).

    Пример: sferum-onboard db path
    """
    from sqlalchemy.engine import make_url

    from sferum_onboard.tracking.paths import is_url, store_target

    ctx = click.get_current_context()
    target = store_target(db or ctx.meta.get(_DB_META))
    if is_url(target):
        try:
            target = make_url(target).render_as_string(hide_password=True)
        except Exception:  # an unparsable URL is shown as typed; opening it reports the problem
            pass
    else:
        target = str(Path(target).expanduser().absolute())
    click.echo(target)


@db_group.command(name="upgrade")
@db_option
@reports_errors
def db_upgrade(db: str | None) -> None:
    """Обновить схему базы до текущей версии (это делается и само при каждом открытии).

    Пример: sferum-onboard db upgrade --db district.sqlite
    """
    from sferum_onboard.messages import TRACKING_VIEW as VIEW

    with open_store(db, upgrade=False) as store:
        before, after = store.upgrade()
    if before == after:
        click.echo(VIEW["db-current"].format(revision=after))
    else:
        click.echo(VIEW["db-upgraded"].format(before=before or VIEW["no-revision"], after=after))


@db_group.command(name="backup")
@click.argument("file", metavar="ФАЙЛ", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@reports_errors
def db_backup(file: Path, db: str | None) -> None:
    """Записать резервную копию базы SQLite (можно во время работы других).

    Пример: sferum-onboard db backup копия-2026-09-10.sqlite
    """
    from sferum_onboard.messages import TRACKING_VIEW as VIEW

    with open_store(db) as store:
        path = store.backup(file)
    size = path.stat().st_size
    click.echo(VIEW["db-backup-done"].format(path=path, size=f"{max(1, size // 1024)} КБ"))


def _mark_options():
    """mark and unmark share their arguments and their output."""

    def decorate(func):
        func = click.argument("args", nargs=-1, required=True, metavar="[УЧАСТНИК]... ШАГ")(func)
        func = click.option("--at", "at", metavar="ДАТА",
                            help="Когда это было: 2026-09-10, 10.09.2026 или «2026-09-10 18:30»; по умолчанию сейчас.")(func)
        func = click.option("--note", metavar="ТЕКСТ", help="Примечание к отметке.")(func)
        func = click.option("--by", "by", metavar="ИМЯ",
                            help="Кто отмечает; по умолчанию SFERUM_ONBOARD_USER или имя пользователя.")(func)
        func = click.option("--source", type=click.Choice(["meeting", "sheet", "import", "self"]),
                            default="meeting", show_default=True,
                            help="Откуда сведения: собрание, таблица, импорт, сам участник.")(func)
        return func

    return decorate


def _record_marks(args, action, at, note, by, source, project, db, school_name) -> None:
    import getpass

    from sferum_onboard.messages import TRACKING_VIEW as VIEW
    from sferum_onboard.tracking import marking

    catalog = _catalog(project)
    moment = marking.parse_at(at)
    recorded_by = by or os.environ.get("SFERUM_ONBOARD_USER") or getpass.getuser()
    *queries, step_text = args
    with open_store(db) as store:
        school = store.school(school_name)
        outcomes, old_id = marking.record(
            store, catalog, school, tuple(queries), step_text, action, at=moment, recorded_by=recorded_by,
            source=source, note=note, force=bool(at or note))
    if old_id:
        click.echo(VIEW["step-renamed"].format(old=old_id, new=outcomes[0].step_id))
    for line in marking.outcome_lines(outcomes, catalog, action):
        click.echo(line)


@cli.command()
@_mark_options()
@click.option("--not-applicable", "not_applicable", is_flag=True,
              help="Шаг этому участнику не нужен: он не считается в процентах.")
@project_option
@db_option
@school_option
@reports_errors
def mark(args, at, note, by, source, not_applicable, project, db, school_name) -> None:
    """Отметить, что участник выполнил шаг; без участника — шаг школы.

    Участник — номер (#12) или ФИО, можно начало: «Иванова М». Можно
    перечислить нескольких участников перед шагом.

    Пример: sferum-onboard mark "Иванова Мария" install-max --at 2026-09-10
    Шаг школы: sferum-onboard mark approve-regulation
    """
    action = "not_applicable" if not_applicable else "done"
    _record_marks(args, action, at, note, by, source, project, db, school_name)


@cli.command()
@_mark_options()
@project_option
@db_option
@school_option
@reports_errors
def unmark(args, at, note, by, source, project, db, school_name) -> None:
    """Снять отметку о шаге (история сохраняется: записывается отмена).

    Пример: sferum-onboard unmark "Иванова Мария" install-max --note "ошиблись строкой"
    """
    _record_marks(args, "undone", at, note, by, source, project, db, school_name)


@cli.command()
@click.argument("person", required=False, metavar="[УЧАСТНИК]")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table — для людей, json — для программ.")
@project_option
@db_option
@school_option
@reports_errors
def status(person: str | None, fmt: str, project: Path, db: str | None, school_name: str | None) -> None:
    """Показать все шаги чек-листа участника: что сделано, когда, кем и что дальше.

    Без участника — шаги школы.

    Пример: sferum-onboard status "Иванова Мария"
    """
    from sferum_onboard.messages import TRACKING_VIEW as VIEW
    from sferum_onboard.tracking import render
    from sferum_onboard.tracking.progress import fold_events, person_status

    catalog = _catalog(project)
    with open_store(db) as store:
        school = store.school(school_name)
        if person is None:
            subject = None
            states = store.school_states(school, catalog)
            title = VIEW["school-title"].format(school=school.name)
        else:
            subject = store.resolve_person(school, person)
            states = fold_events(store.events(school, person_ids=[subject.id]), catalog)
            title = store.describe(subject)
    lines, others = person_status(catalog, subject, states)
    if fmt == "json":
        click.echo(json.dumps(render.status_dict(subject, school.name, lines, others, _guide_base(catalog)),
                              ensure_ascii=False, indent=2))
        return
    _console().print(render.status_table(title, lines, others, _guide_base(catalog)))


@cli.command()
@click.option("--class", "class_name", metavar="КЛАСС", help="Только этот класс (ученики, их родители, классный руководитель).")
@click.option("--role", type=click.Choice(["administrator", "teacher", "class_leader", "specialist", "pupil", "parent"]),
              help="Только эта роль.")
@click.option("--by", "by", type=click.Choice(["class", "role"]), default="class", show_default=True,
              help="Вторая таблица: по классам или по ролям.")
@click.option("--as-of", "as_of", metavar="ДАТА", help="Состояние на дату (2026-10-01); по умолчанию сейчас.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="table — для людей; json и csv — для программ и таблиц.")
@project_option
@db_option
@school_option
@reports_errors
def progress(class_name, role, by, as_of, fmt, project, db, school_name) -> None:
    """Показать, сколько участников сделали каждый шаг: всего и по классам.

    Пример: sferum-onboard progress --class 7А
    """
    from sferum_onboard.messages import TRACKING_VIEW as VIEW
    from sferum_onboard.tracking import render
    from sferum_onboard.tracking.marking import parse_at

    catalog = _catalog(project)
    moment = parse_at(as_of) if as_of else None
    with open_store(db) as store:
        school = store.school(school_name)
        if class_name is not None:
            class_name = store.get_class(school, class_name).name
        result = store.progress(catalog, school, by=None if class_name and by == "class" else by,
                                role=role, class_name=class_name, as_of=moment)
    if fmt == "json":
        data = {"school": school.name, "class": class_name, "role": role,
                "as_of": moment.isoformat(sep=" ") if moment else None, **result.as_dict()}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        click.echo(render.csv_text(render.progress_rows(result)), nl=False)
        return
    scope = VIEW["scope-class"].format(name=class_name) if class_name else ""
    if role:
        scope += VIEW["scope-role"].format(name=VIEW["roles"].get(role) or render.role_title(role))
    if moment:
        scope += VIEW["as-of"].format(date=render.format_at(moment))
    title = VIEW["progress-title"].format(
        school=school.name, scope=scope, people=count(result.total.people, "человек", "человека", "человек"))
    _console().print(render.progress_view(result, title))


# --- outputs (issue: reports, kits, reminders) ----------------------------
