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
from sferum_onboard.messages import CATALOG
from sferum_onboard.reasons import os_error
from sferum_onboard.wording import plural

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
            from sferum_onboard.views.people import detail_lines, error_text

            click.echo(f"Ошибка: {error_text(error)}", err=True)
            for line in detail_lines(error):
                click.echo(f"  {line}", err=True)
            sys.exit(1)
        except OSError as error:  # the disk, not the program: a full disk, a read-only folder
            click.echo(f"Ошибка: {os_error(error)}", err=True)
            sys.exit(1)

    return wrapper


def _problem_summary(n: int) -> str:
    return f"Найдено {plural(n, 'error')}."


_PROJECT_META = "sferum_onboard.project"
_PROJECT_HELP = ("Папка проекта (в ней checklists/, content/, site_config/); по умолчанию SFERUM_ONBOARD_PROJECT, "
                 "иначе эта папка или ближайшая папка выше, где они есть.")


def _project(value: Path | None) -> Path:
    """The project folder: the command's --project, the global one, SFERUM_ONBOARD_PROJECT, or found upwards."""
    from sferum_onboard.catalog.project import locate_project

    ctx = click.get_current_context(silent=True)
    try:
        return locate_project(value or (ctx.meta.get(_PROJECT_META) if ctx else None))
    except SferumError as error:
        raise click.ClickException(str(error)) from None


def project_option(func=None, *, needed: bool = True):
    """`--project ПАПКА`; the command gets the folder found (see `_project`), or None when not `needed` and
    there is none (a roster import only reads the school's name from the project, if it has one)."""

    def resolve(ctx, _param, value):
        from sferum_onboard.catalog.project import PROJECT_ENV, is_project

        if needed:
            return _project(value)
        given = value or ctx.meta.get(_PROJECT_META) or os.environ.get(PROJECT_ENV)
        if not given:  # only a folder the user did not name may be missing
            try:
                return _project(None)
            except click.ClickException:
                return None
        project = _project(value)
        if not is_project(project):
            raise click.ClickException(CATALOG["not-a-project"].format(folder=project))
        return project

    def decorate(f):
        return click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=None,
                            metavar="ПАПКА", callback=resolve, help=_PROJECT_HELP)(f)

    return decorate(func) if func else decorate


def _remember_project(ctx: click.Context, value: Path | None) -> None:
    if value:
        ctx.meta[_PROJECT_META] = value


@click.group(cls=Group)
@click.option("--db", "db", metavar="ФАЙЛ|URL", expose_value=False, callback=lambda ctx, _p, v: _remember_db(ctx, v),
              help="База учёта для всех команд (как --db у команды).")
@click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), metavar="ПАПКА",
              expose_value=False, callback=lambda ctx, _p, v: _remember_project(ctx, v),
              help="Папка проекта для всех команд (как --project у команды).")
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
    except OSError as error:
        click.echo(f"Ошибка: {os_error(error)}", err=True)
        sys.exit(1)
    except Exception as error:  # the last guard: a user must never see a traceback
        if os.environ.get("SFERUM_ONBOARD_DEBUG"):
            raise
        click.echo(f"Внутренняя ошибка: {type(error).__name__}: {error}. "
                   "Сообщите разработчикам; подробности: SFERUM_ONBOARD_DEBUG=1.", err=True)
        sys.exit(3)


# --- catalog ---------------------------------------------------------------


@cli.command()
@click.argument("path", metavar="[ПАПКА]", type=click.Path(path_type=Path), default=None, required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text — для людей, json — для программ.")
@click.option("--stale", "stale_days", type=click.IntRange(min=0), default=None, metavar="ДНЕЙ",
              help="Ещё и перечислить шаги, которые пора проверить заново: не подтверждённые (unverified), "
                   "без даты review.checked или проверенные больше ДНЕЙ дней назад. Это список, а не ошибки: "
                   "код выхода остаётся 0, если в содержании нет ошибок.")
def validate(path: Path, fmt: str, stale_days: int | None) -> None:
    """Проверить чек-листы, дорожную карту и ссылки на инструкции.

    Пример: sferum-onboard validate .  После обновления платформы:
    sferum-onboard validate --stale 90
    """
    from datetime import date

    from sferum_onboard.catalog import validate_project
    from sferum_onboard.catalog.freshness import due_steps, due_summary

    path = path or _project(None)
    try:
        report = validate_project(path)
    except SferumError as error:
        raise click.BadParameter(str(error), param_hint="ПАПКА") from None
    catalog = report.catalog
    due = due_steps(catalog, stale_days, date.today()) if catalog and stale_days is not None else None
    if fmt == "json":
        document = {"files": report.files, "problems": [p.as_dict() for p in report.problems]}
        if due is not None:
            document["stale"] = [d.as_dict() for d in due]
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(str(problem))
        click.echo(report.summary())
        if due is not None:
            for item in due:
                click.echo(f"{item.location}: {item.describe()}")
            click.echo(due_summary(due, len(catalog.steps) + len(catalog.org_steps), stale_days))
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
    click.echo(SITE["built"].format(pages=plural(result.pages, "page"),
                                    site=_shown(result.site_dir)))
    _warn_if_local_site_url(result.catalog.settings)


def _warn_if_local_site_url(settings) -> None:
    """The site is built either way (a local preview is fine); printed codes from it would lead nowhere."""
    from sferum_onboard.messages import SITE
    from sferum_onboard.site.urls import is_local_address

    if settings is not None and is_local_address(settings.site_url):
        click.echo(SITE["site-url-local"].format(where=settings.site_url_at, url=settings.site_url), err=True)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path) + os.sep
    except ValueError:
        return str(path)


def _host_port(value: str) -> str:
    host, _, port = value.rpartition(":")
    if not host or not port.isdecimal() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"«{value}» — нужен адрес вида 127.0.0.1:8000")
    return value


@cli.command()
@project_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="АДРЕС:ПОРТ",
              callback=lambda _ctx, _param, value: _host_port(value), help="Адрес, на котором показать сайт.")
@click.option("--open", "open_browser", is_flag=True, help="Открыть сайт в браузере.")
@reports_errors
def serve(project: Path, dev_addr: str, open_browser: bool) -> None:
    """Показать сайт на этом компьютере и пересобирать его при каждой правке.

    Пример: sferum-onboard serve — и откройте адрес из строки «Serving on …».
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

    columns = os.environ.get("COLUMNS", "")
    width = None if sys.stdout.isatty() else int(columns) if columns.isdecimal() else 120
    return Console(file=sys.stdout, width=width, highlight=False, soft_wrap=False)


def who_records(by: str | None) -> str | None:
    """Who is recorded as having made a mark: --by, SFERUM_ONBOARD_USER, or the login name."""
    import getpass

    if by or os.environ.get("SFERUM_ONBOARD_USER"):
        return by or os.environ["SFERUM_ONBOARD_USER"]
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container: record nobody rather than fail
        return None


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
    from sqlalchemy.exc import ArgumentError

    from sferum_onboard.tracking.paths import is_url, store_target

    ctx = click.get_current_context()
    target = store_target(db or ctx.meta.get(_DB_META))
    if is_url(target):
        try:
            target = make_url(target).render_as_string(hide_password=True)
        except ArgumentError:  # an unparsable URL is shown as typed; opening it reports the problem
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
    from sferum_onboard.views.messages import TRACKING_VIEW as VIEW

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
    from sferum_onboard.views.messages import TRACKING_VIEW as VIEW

    with open_store(db) as store:
        path = store.backup(file)
    size = path.stat().st_size
    click.echo(VIEW["db-backup-done"].format(path=path, size=f"{max(1, size // 1024)} КБ"))


def _mark_options():
    """mark and unmark share their arguments and their output."""
    decorators = [
        click.argument("args", nargs=-1, required=True, metavar="[УЧАСТНИК]... ШАГ"),
        click.option("--at", "at", metavar="ДАТА",
                     help="Когда это было: 2026-09-10, 10.09.2026 или «2026-09-10 18:30»; по умолчанию сейчас."),
        click.option("--note", metavar="ТЕКСТ", help="Примечание к отметке."),
        click.option("--by", "by", metavar="ИМЯ",
                     help="Кто отмечает; по умолчанию SFERUM_ONBOARD_USER или имя пользователя."),
        click.option("--source", type=click.Choice(["meeting", "sheet", "import", "self"]), default="meeting",
                     show_default=True, help="Откуда сведения: собрание, таблица, импорт, сам участник."),
    ]

    def decorate(func):
        for decorator in reversed(decorators):  # click lists options in the order they are written here
            func = decorator(func)
        return func

    return decorate


def _record_marks(args, action, at, note, by, source, project, db, school_name) -> None:
    from sferum_onboard.dates import parse_at
    from sferum_onboard.views.messages import TRACKING_VIEW as VIEW
    from sferum_onboard.tracking import marking
    from sferum_onboard.views.marks import outcome_lines

    catalog = _catalog(project)
    moment = parse_at(at)
    recorded_by = who_records(by)
    *queries, step_text = args
    with open_store(db) as store:
        school = store.school(school_name)
        outcomes, old_id = marking.record(
            store, catalog, school, tuple(queries), step_text, action, at=moment, recorded_by=recorded_by,
            source=source, note=note, force=bool(at or note))
    if old_id:
        click.echo(VIEW["step-renamed"].format(old=old_id, new=outcomes[0].step_id))
    for line in outcome_lines(outcomes, catalog, action, school):
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
    from sferum_onboard.views.messages import TRACKING_VIEW as VIEW
    from sferum_onboard.tracking.fold import fold_events, verified_keys
    from sferum_onboard.tracking.progress import person_status
    from sferum_onboard.views.people import describe_person
    from sferum_onboard.views.status import status_dict, status_table

    catalog = _catalog(project)
    verified = frozenset()
    with open_store(db) as store:
        school = store.school(school_name)
        if person is None:
            subject = None
            states = store.school_states(school, catalog)
            title = VIEW["school-title"].format(school=school.name)
        else:
            subject = store.resolve_person(school, person)
            history = store.events(school, person_ids=[subject.id])
            states, verified = fold_events(history, catalog), verified_keys(history, catalog)
            title = describe_person(store.candidates([subject])[0])
    lines, others = person_status(catalog, subject, states)
    if fmt == "json":
        click.echo(json.dumps(status_dict(subject, school.name, lines, others, _guide_base(catalog), verified),
                              ensure_ascii=False, indent=2))
        return
    _console().print(status_table(title, lines, others, _guide_base(catalog), verified))


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
    from sferum_onboard.catalog.model import PERSON_ROLES
    from sferum_onboard.dates import moment_text, parse_at
    from sferum_onboard.views.messages import TRACKING_VIEW as VIEW
    from sferum_onboard.outputs.spreadsheet import csv_text
    from sferum_onboard.views.progress import progress_rows, progress_view
    from sferum_onboard.wording import role_title, role_title_plural

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
        click.echo(csv_text(progress_rows(result)), nl=False)
        return
    scope = VIEW["scope-class"].format(name=class_name) if class_name else ""
    if role:
        # A person role in the plural («родители»); a teacher's flag names the one teacher kind.
        scope += VIEW["scope-role"].format(name=role_title_plural(role) if role in PERSON_ROLES else role_title(role))
    if moment:
        scope += VIEW["as-of"].format(date=moment_text(moment))
    title = VIEW["progress-title"].format(
        school=school.name, scope=scope, people=plural(result.total.people, "person"))
    _console().print(progress_view(result, title))


# --- tracking: roster import/list, class sheet, demo school -------------------


@cli.group(name="roster")
def roster_group() -> None:
    """Списки школы: загрузка из XLSX, ODS или CSV и просмотр.

    Пример: sferum-onboard roster import ученики.xlsx --dry-run
    """


def _site_school(project: Path | None) -> str | None:
    """The school named in the site's settings, if there is a project with readable ones."""
    if project is None:
        return None
    try:
        settings = _catalog(project).settings
    except SferumError:
        return None
    return settings.school_name if settings else None


def _progress_bar(label: str):
    """A rich progress bar on stderr (shown on a terminal only) and its callback."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    console = Console(file=sys.stderr)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                   console=console, transient=True, disable=not console.is_terminal)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total or None)

    return bar, update


@roster_group.command(name="import")
@click.argument("file", metavar="ФАЙЛ", type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(["pupils", "parents", "staff"]),
              help="Вид списка: ученики, родители, сотрудники; по умолчанию — по заголовку.")
@click.option("--dry-run", "dry_run", is_flag=True, help="Показать, что изменится, ничего не записывая.")
@click.option("--skip-invalid", "skip_invalid", is_flag=True,
              help="Загрузить остальных, пропустив строки с ошибками (без флага при любой ошибке ничего не пишется).")
@click.option("--deactivate-missing", "deactivate_missing", is_flag=True,
              help="Отметить выбывшими тех, кого нет в этом (полном) списке; переводы записываются.")
@click.option("--apply-moves", "apply_moves", is_flag=True,
              help="Записать переводы в другой класс и новые связи родителей с теми, кто уже есть в базе.")
@project_option(needed=False)
@db_option
@school_option
@reports_errors
def roster_import(file, kind, dry_run, skip_invalid, deactivate_missing, apply_moves, project, db,
                  school_name) -> None:
    """Загрузить список учеников, родителей или сотрудников (XLSX, ODS или CSV).

    Всё или ничего: при ошибке в любой строке ничего не записывается.
    Повторная загрузка того же файла ничего не меняет. Ученик из базы,
    найденный в другом классе, переводится только с --apply-moves (или
    при загрузке полного списка с --deactivate-missing): тёзка в новом
    списке — не повод переводить ребёнка.

    Пример: sferum-onboard roster import 7А.xlsx --dry-run
    """
    from sferum_onboard.views.messages import ROSTER_VIEW as VIEW
    from sferum_onboard.tracking.roster import read_roster
    from sferum_onboard.views.roster import file_line, held_lines, plan_lines

    big = file.is_file() and file.stat().st_size > 512 * 1024
    bar, update = _progress_bar(VIEW["reading"].format(file=file.name))
    with bar:
        roster = read_roster(file, kind, progress=update if big else None)
    click.echo(file_line(roster))
    click.echo(VIEW["read"].format(people=plural(len(roster.people), "person"), rows=roster.rows_read))
    with open_store(db) as store:
        plan = store.plan_roster_import(roster, school_name, site_school=_site_school(project),
                                        deactivate_missing=deactivate_missing, apply_moves=apply_moves,
                                        dry_run=dry_run)
        school = plan.school
        names = {}
        if plan.kind == "parents" and school.id:
            names = {p.id: f"{p.full_name} ({p.class_name})" for p in store.people(school, role="pupil", active=None)}
        problems = list(roster.problems) + list(plan.problems)
        if problems:
            click.echo(VIEW["problems-title"], err=True)
            for problem in sorted(problems):
                click.echo(f"  {problem}", err=True)
        if plan.held:
            for line in held_lines(plan, names):
                click.echo(line, err=True)
        if (problems or plan.held) and not skip_invalid:
            errors = plural(len(problems), "error")
            if plan.held:
                held = VIEW["held-what"].format(people=plural(len(plan.held), "person"))
                click.echo(VIEW["refused-held"].format(what=f"{errors}, {held}" if problems else held), err=True)
            else:
                click.echo(VIEW["refused"].format(problems=errors), err=True)
            sys.exit(1)
        if problems:
            click.echo(VIEW["skipped"].format(n=len(problems)), err=True)
        if not dry_run and plan.changes_anything:
            bar, update = _progress_bar(VIEW["writing"])
            with bar:
                plan = store.apply_import(plan, skip_invalid=skip_invalid, progress=update if big else None)
        for line in plan_lines(plan, dry_run, names):
            click.echo(line)
        if dry_run:
            click.echo(VIEW["dry-run"])
        elif plan.changes_anything:
            click.echo(VIEW["written"].format(target=store.display_target, school=school.name))
        else:
            click.echo(VIEW["nothing-to-write"])


@roster_group.command(name="list")
@click.option("--class", "class_name", metavar="КЛАСС", help="Только этот класс (ученики, их родители, классный руководитель).")
@click.option("--role", type=click.Choice(["administrator", "teacher", "class_leader", "specialist", "pupil", "parent"]),
              help="Только эта роль.")
@click.option("--all", "include_inactive", is_flag=True, help="Показать и выбывших.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="table — для людей; json и csv — для программ и таблиц.")
@db_option
@school_option
@reports_errors
def roster_list(class_name, role, include_inactive, fmt, db, school_name) -> None:
    """Показать, кто есть в базе: код, ФИО, роль, класс, отметки.

    Пример: sferum-onboard roster list --class 7А --role parent
    """
    from rich.table import Table

    from sferum_onboard.views.messages import ROSTER_VIEW as VIEW
    from sferum_onboard.outputs.spreadsheet import csv_text
    from sferum_onboard.views.roster import csv_rows, person_dict, table_rows

    with open_store(db) as store:
        school = store.school(school_name)
        if class_name is not None:
            class_name = store.get_class(school, class_name).name
        people = store.people(school, role=role, class_name=class_name, active=None if include_inactive else True)
        class_of = {p.id: p.class_name for p in store.people(school, role="pupil", active=None)}
    if fmt == "json":
        click.echo(json.dumps([person_dict(p, class_of) for p in people], ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        click.echo(csv_text(csv_rows(people, class_of)), nl=False)
        return
    if not people:
        click.echo(VIEW["list-empty"])
        return
    table = Table(title=VIEW["list-title"].format(school=school.name, people=plural(len(people), "person")))
    for column in VIEW["list-columns"]:
        table.add_column(column, overflow="fold")
    for row in table_rows(people, class_of):
        table.add_row(*row)
    _console().print(table)


@cli.group(name="sheet")
def sheet_group() -> None:
    """Лист класса для классного руководителя: выгрузить в XLSX и загрузить отметки обратно (XLSX или ODS).

    Пример: sferum-onboard sheet export --class 7А -o 7А.xlsx
    """


@sheet_group.command(name="export")
@click.option("--class", "class_name", metavar="КЛАСС", required=True, help="Класс, например 7А.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="ФАЙЛ", help="Куда записать; по умолчанию «КЛАСС.xlsx» в текущей папке.")
@click.option("--force", is_flag=True, help="Заменить существующий файл.")
@project_option
@db_option
@school_option
@reports_errors
def sheet_export(class_name, output, force, project, db, school_name) -> None:
    """Выгрузить лист класса: ученики и родители, столбец на каждый шаг их чек-листа.

    Пример: sferum-onboard sheet export --class 7А -o 7А.xlsx
    """
    from sferum_onboard.dates import now as dt_now
    from sferum_onboard.views.messages import ROSTER_VIEW as VIEW
    from sferum_onboard.outputs import sheet
    from sferum_onboard.outputs.private_files import save_workbook
    from sferum_onboard.outputs.report import check_output_dir

    catalog = _catalog(project)
    with open_store(db) as store:
        school = store.school(school_name)
        the_class = store.get_class(school, class_name)
        output = output or Path(f"{the_class.name}.xlsx")
        check_output_dir(output.resolve().parent, project)
        if output.exists() and not force:
            raise click.UsageError(VIEW["sheet-out-exists"].format(file=output))
        last_event_id = store.last_event_id(school)
        pupils = store.people(school, role="pupil", class_name=the_class.name)
        parents = store.people(school, role="parent", class_name=the_class.name)
        ids = [p.id for p in pupils + parents]
        states = store.current_states(school, catalog, person_ids=ids)
        in_class = {p.id: p.full_name for p in pupils}
        children = {p.id: ", ".join(in_class[c] for c in p.children if c in in_class) for p in parents}
        book = sheet.build_sheet(catalog, school, the_class.name, pupils, parents, states,
                                 exported_at=dt_now(),
                                 last_event_id=last_event_id, children_names=children)
    save_workbook(book, output)
    click.echo(VIEW["sheet-written"].format(
        class_name=the_class.name, file=output, pupils=plural(len(pupils), "pupil"),
        parents=plural(len(parents), "parent")))


@sheet_group.command(name="import")
@click.argument("file", metavar="ФАЙЛ", type=click.Path(path_type=Path))
@click.option("--class", "class_name", metavar="КЛАСС", help="Проверить, что это лист этого класса.")
@click.option("--dry-run", "dry_run", is_flag=True, help="Показать изменения, ничего не записывая.")
@click.option("--skip-invalid", "skip_invalid", is_flag=True,
              help="Записать остальное, пропустив непонятные ячейки и конфликты.")
@click.option("--by", "by", metavar="ИМЯ", help="Кто вносит отметки; по умолчанию SFERUM_ONBOARD_USER или имя пользователя.")
@project_option
@db_option
@school_option
@reports_errors
def sheet_import(file, class_name, dry_run, skip_invalid, by, project, db, school_name) -> None:
    """Загрузить отметки из листа класса (XLSX или ODS): записываются только изменения.

    Лист другого класса, другой школы или старой версии чек-листа не
    принимается, как и лист, где ФИО в строке не совпадает с кодом (столбец
    ФИО отсортирован отдельно, имя исправлено в листе). Если шаг после
    выгрузки отметили в другом месте иначе, это конфликт: он показывается,
    а не угадывается.

    Пример: sferum-onboard sheet import 7А.xlsx
    """
    from sferum_onboard.views.messages import ROSTER_VIEW as VIEW
    from sferum_onboard.outputs.sheet_import import compare_sheet, read_sheet, record_sheet, summary
    from sferum_onboard.views.sheet import change_lines, mismatch_lines, refusal_lines, refused_line

    catalog = _catalog(project)
    data = read_sheet(file)
    recorded_by = who_records(by)
    with open_store(db) as store:
        compared = compare_sheet(store, catalog, data, school_name, class_name)
        if compared.mismatches:  # ticks would land on the wrong people: never recorded, not even skipped
            for line in mismatch_lines(compared):
                click.echo(line, err=True)
            sys.exit(1)
        for line in refusal_lines(compared):
            click.echo(line, err=True)
        if compared.refused and not skip_invalid:
            click.echo(refused_line(compared), err=True)
            sys.exit(1)
        if not compared.diff.changes:
            click.echo(VIEW["sheet-nothing"])
            return
        for line in change_lines(compared, catalog):
            click.echo(line)
        if dry_run:
            click.echo(VIEW["sheet-dry-run"])
            return
        record_sheet(store, compared, recorded_by, file.name)
    click.echo(VIEW["sheet-recorded"].format(changes=summary(compared.diff)))


def _by_option(who: str):
    """`--by ИМЯ`: who is recorded as having done it (`who_records`)."""
    return click.option("--by", "by", metavar="ИМЯ", help=f"{who}; по умолчанию SFERUM_ONBOARD_USER или имя пользователя.")


@cli.group(name="members")
def members_group() -> None:
    """Сверка участников чата класса со списками школы: кто в чате, кого нет, кто посторонний.

    Пример: sferum-onboard members import участники.txt --class 7А --chat "Родители 7А" -o сверка.xlsx
    """


@members_group.command(name="import")
@click.argument("file", metavar="ФАЙЛ", type=click.Path(path_type=Path))
@click.option("--class", "class_name", metavar="КЛАСС", required=True, help="Класс, чей это чат, например 7А.")
@click.option("--chat", metavar="НАЗВАНИЕ", help="Название чата, например «Родители 7А».")
@click.option("--date", "date", metavar="ДАТА", help="Когда скопирован список (2026-12-05); по умолчанию сейчас.")
@click.option("--audience", type=click.Choice(["pupils", "parents", "all"]), default=None,
              help="Для кого чат: ученики, родители или все; по умолчанию — по названию чата.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table — для людей, json — для программ.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="ФАЙЛ", help="Записать лист сверки (XLSX), чтобы решить строки «не уверены» и «посторонний».")
@click.option("--force", is_flag=True, help="Заменить существующий лист сверки.")
@click.option("--dry-run", "dry_run", is_flag=True, help="Показать сверку, ничего не записывая.")
@click.option("--skip-invalid", "skip_invalid", is_flag=True, help="Сверить остальных, пропустив непонятные строки.")
@_by_option("Кто сверяет")
@project_option
@db_option
@school_option
@reports_errors
def members_import(file, class_name, chat, date, audience, fmt, output, force, dry_run, skip_invalid, by, project, db,
                   school_name) -> None:
    """Сверить список участников чата класса с учениками, родителями и учителями.

    ФАЙЛ — текст, скопированный из списка участников чата в веб-версии MAX
    или в приложении для компьютера (по участнику в строке; «в сети»,
    «администратор», значки и номера убираются сами), или таблица CSV, XLSX,
    ODS со столбцом «ФИО» или «Имя». Найденным в чате класса вступление в
    класс записывается как проверенное по списку. Сам список в базе не
    хранится: только кто найден, сколько и имена посторонних до разбора.

    Пример: sferum-onboard members import участники.txt --class 7А --chat "Родители 7А" -o сверка.xlsx
    """
    from sferum_onboard.dates import date_text, now, parse_at
    from sferum_onboard.errors import DataError
    from sferum_onboard.messages import MEMBERS
    from sferum_onboard.outputs.members_sheet import build_sheet
    from sferum_onboard.outputs.private_files import save_workbook
    from sferum_onboard.outputs.report import check_output_dir
    from sferum_onboard.tracking.members.listing import read_member_list
    from sferum_onboard.tracking.members.matching import audience_of_chat
    from sferum_onboard.tracking.members.recording import record_list
    from sferum_onboard.views.members import import_lines, result_dict, result_table
    from sferum_onboard.views.messages import MEMBERS_VIEW as VIEW

    if output is not None and dry_run:
        raise click.UsageError(VIEW["dry-run-sheet"])
    if output is not None:
        check_output_dir(output.resolve().parent, project)
        if output.exists() and not force:
            raise click.UsageError(VIEW["out-exists"].format(file=output))
    catalog = _catalog(project)
    listed_at = parse_at(date) or now()
    listing = read_member_list(file)
    if listing.problems:
        click.echo(VIEW["problems-title"], err=True)
        for problem in listing.problems:
            click.echo(f"  {problem}", err=True)
        if not skip_invalid:
            click.echo(VIEW["refused"].format(problems=plural(len(listing.problems), "error")), err=True)
            sys.exit(1)
        click.echo(VIEW["skipped"].format(n=len(listing.problems)), err=True)
    if not listing.members:
        raise DataError(MEMBERS["no-members"].format(file=file))
    with open_store(db) as store:
        school = store.school(school_name)
        the_class = store.get_class(school, class_name)
        audience = audience or audience_of_chat(chat)
        record = record_list(store, catalog, school, the_class.name, chat, audience, listing.members, listed_at,
                             who_records(by), dry_run=dry_run)
    if output is not None:
        save_workbook(build_sheet(school, record.check, record.result, record.people), output)
    if fmt == "json":
        click.echo(json.dumps(result_dict(record, school.name, chat, listed_at, listing.problems),
                              ensure_ascii=False, indent=2))
        return
    title = VIEW["title"].format(chat=f" «{chat}»" if chat else "", class_name=the_class.name,
                                 audience=VIEW["audiences"][audience], date=date_text(listed_at.date()),
                                 members=plural(len(listing.members), "person"))
    _console().print(result_table(record, title))
    for line in import_lines(record, catalog, str(output) if output else None, dry_run):
        click.echo(line)


@members_group.command(name="confirm")
@click.argument("file", metavar="ФАЙЛ", type=click.Path(path_type=Path))
@click.option("--dry-run", "dry_run", is_flag=True, help="Показать, что запишется, ничего не записывая.")
@_by_option("Кто решал")
@project_option
@db_option
@school_option
@reports_errors
def members_confirm(file, dry_run, by, project, db, school_name) -> None:
    """Загрузить решения из листа сверки (XLSX или ODS): записываются только решённые строки.

    Пример: sferum-onboard members confirm сверка.xlsx
    """
    from sferum_onboard.errors import DataError
    from sferum_onboard.messages import MEMBERS
    from sferum_onboard.outputs.members_sheet import read_sheet
    from sferum_onboard.tracking.members.recording import confirm
    from sferum_onboard.tracking.names import fold_name
    from sferum_onboard.views.members import confirm_lines

    catalog = _catalog(project)
    sheet = read_sheet(file)
    if sheet.problems:
        raise DataError(MEMBERS["confirm-refused"].format(n=plural(len(sheet.problems), "error")),
                        list(sheet.problems))
    with open_store(db) as store:
        if school_name is None:  # the sheet's own school, found by the number the sheet keeps
            school = next((s for s in store.schools() if s.id == sheet.school_id), None) or store.school()
        else:
            school = store.school(school_name)
        if sheet.school_id != school.id:
            same_name = fold_name(sheet.school) == fold_name(school.name)
            raise DataError(MEMBERS["sheet-other-store" if same_name else "sheet-other-school"].format(
                file=file, sheet_school=sheet.school, school=school.name))
        record = confirm(store, catalog, school, sheet.check_id, sheet.decisions, who_records(by), dry_run=dry_run)
        _, rows_now = store.member_check(sheet.check_id)
    if dry_run:
        rows_now = [next((c for c in record.changed if c.id == row.id), row) for row in rows_now]
    for line in confirm_lines(record, rows_now, catalog, dry_run):
        click.echo(line)


@members_group.command(name="resolve")
@click.argument("numbers", nargs=-1, type=int, metavar="[№]...")
@click.option("--all", "everything", is_flag=True, help="Все неразобранные (с --class — этого класса).")
@click.option("--class", "class_name", metavar="КЛАСС", help="Только этот класс.")
@_by_option("Кто разобрал")
@db_option
@school_option
@reports_errors
def members_resolve(numbers, everything, class_name, by, db, school_name) -> None:
    """Посторонние в чатах: без номеров — список; с номерами (или --all) — отметить разобранными.

    Разобранный посторонний — тот, кого удалили из чата или признали своим;
    его имя удаляется из базы.

    Пример: sferum-onboard members resolve 3 4
    """
    from sferum_onboard.views.members import outsiders_table
    from sferum_onboard.views.messages import MEMBERS_VIEW as VIEW

    with open_store(db) as store:
        school = store.school(school_name)
        if class_name is not None:
            class_name = store.get_class(school, class_name).name
        if not numbers and not everything:
            found = store.open_outsiders(school, class_name)
            if not found:
                click.echo(VIEW["outsiders-none"])
                return
            _console().print(outsiders_table(found))
            return
        n = store.resolve_outsiders(school, None if everything and not numbers else numbers, who_records(by),
                                    class_name)
    click.echo(VIEW["resolved"].format(n=n))


@cli.command()
@project_option
@db_option
@reports_errors
def demo(project, db) -> None:
    """Загрузить вымышленную демо-школу (с прогрессом за первую четверть).

    Повторный запуск ничего не меняет.

    Пример: sferum-onboard demo --db build/demo.sqlite
    """
    from sferum_onboard.views.messages import ROSTER_VIEW as VIEW
    from sferum_onboard.tracking.demo import load_demo

    catalog = _catalog(project)
    if db and "://" not in db:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    with open_store(db) as store:
        result = load_demo(store, catalog)
        target = store.display_target
    click.echo(VIEW["demo-loaded" if result.loaded else "demo-already"].format(school=result.school.name, target=target))
    click.echo(VIEW["demo-summary"].format(
        classes=plural(result.classes, "class"),
        staff=plural(result.staff, "staff"),
        leaders=plural(result.class_leaders, "class_leader"),
        specialists=plural(result.specialists, "specialist"),
        pupils=plural(result.pupils, "pupil"),
        parents=plural(result.parents, "parent"),
        events=plural(result.events, "mark")))
    click.echo(VIEW["demo-next"].format(db=f" --db {db}" if db else ""))


# --- outputs (issue: reports, kits, reminders) ----------------------------

ROLE_CHOICES = ["administrator", "teacher", "class_leader", "specialist", "pupil", "parent"]


def allow_local_url_option(func):
    return click.option(
        "--allow-local-url", "allow_local_url", is_flag=True,
        help="Печатать, даже если site_url в site_config/site.yml — адрес этого компьютера или локальной сети "
             "(для пробы: с телефонов такие QR-коды и ссылки не откроются).")(func)


def output_option(func):
    return click.option(
        "-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
        show_default=True, metavar="ПАПКА",
        help="Куда записать (в ней будут ФИО: не внутри папки сайта).")(func)


def _as_of_date(text: str | None):
    from sferum_onboard.dates import parse_at

    moment = parse_at(text)
    return moment.date() if moment else None


@cli.command(name="report")
@output_option
@click.option("--as-of", "as_of", metavar="ДАТА", help="Состояние на прошедшую дату (2026-10-01); по умолчанию сегодня.")
@project_option
@db_option
@school_option
@reports_errors
def report_command(out_dir: Path, as_of: str | None, project: Path, db: str | None, school_name: str | None) -> None:
    """Записать отчёт по дорожной карте: report.html и report.xlsx.

    Цели, графики, воронка, классы, кто отстаёт и кто поможет. Если в базе
    несколько школ — сводка по району и отчёт каждой школы. В отчёте ФИО:
    он не публикуется и не пишется в папку сайта.

    Пример: sferum-onboard report -o отчёт --as-of 2026-10-01
    """
    from sferum_onboard.messages import REPORTS
    from sferum_onboard.outputs import report as reports

    catalog = _catalog(project)
    day = _as_of_date(as_of)
    reports.check_output_dir(out_dir, project)
    with open_store(db) as store:
        results = reports.evaluate_schools(store, catalog, school_name, as_of=day)
    written = reports.write_reports(catalog, results, out_dir, project)
    for path in written.files:
        click.echo(REPORTS["written"].format(path=path))
    if len(results) == 1:
        for line in reports.target_lines(results[0]):
            click.echo(line)
    click.echo(REPORTS["private-banner"])


@cli.command(name="kit")
@click.option("--class", "class_name", metavar="КЛАСС", required=True, help="Класс, например 7А.")
@output_option
@click.option("--common", is_flag=True,
              help="Одна общая памятка без имён (размножить для всех) вместо страницы на каждого родителя.")
@allow_local_url_option
@project_option
@db_option
@school_option
@reports_errors
def kit_command(class_name: str, out_dir: Path, common: bool, allow_local_url: bool, project: Path, db: str | None,
                school_name: str | None) -> None:
    """Подготовить к родительскому собранию памятки с QR-кодами и лист отметок (A4).

    На каждого родителя — страница с чек-листом, QR-кодом инструкции и
    приглашения в чат класса (если сохранено: class set-link). Лист отметок
    идёт в том же порядке, что таблица класса (sheet export).

    Пример: sferum-onboard kit --class 7А -o собрание
    """
    from sferum_onboard.messages import REPORTS
    from sferum_onboard.outputs import kit
    from sferum_onboard.outputs.labels import check_public_site_url
    from sferum_onboard.outputs.report import check_output_dir

    catalog = _catalog(project)
    check_public_site_url(catalog, allow_local_url)
    check_output_dir(out_dir, project)
    with open_store(db) as store:
        school = store.school(school_name)
        the_class = store.get_class(school, class_name)
        pupils = store.people(school, role="pupil", class_name=the_class.name)
        parents = store.people(school, role="parent", class_name=the_class.name)
        leader = store.person(the_class.leader_id) if the_class.leader_id else None
        states = kit.kit_states(store, catalog, school, parents)
    built = kit.build_kit(catalog, school, the_class, pupils, parents, leader, states, common=common)
    files = kit.write_kit(built, out_dir, project)
    for path in files:
        click.echo(REPORTS["written"].format(path=path))
    click.echo(REPORTS["kit-summary"].format(
        class_name=the_class.name, parents=plural(len(parents), "parent"),
        link=REPORTS["kit-link-yes"] if built.invite_link else REPORTS["kit-link-no"].format(class_name=the_class.name)))
    if not any(p.suffix == ".pdf" for p in files):
        click.echo(REPORTS["kit-no-pdf"])


@cli.group(name="class")
def class_group() -> None:
    """Классы: ссылка-приглашение в чат класса (хранится только в базе).

    Пример: sferum-onboard class set-link 7А https://…
    """


@class_group.command(name="set-link")
@click.argument("class_name", metavar="КЛАСС")
@click.argument("url", metavar="ССЫЛКА", required=False)
@click.option("--clear", is_flag=True, help="Удалить сохранённую ссылку.")
@db_option
@school_option
@reports_errors
def class_set_link(class_name: str, url: str | None, clear: bool, db: str | None, school_name: str | None) -> None:
    """Сохранить ссылку-приглашение в чат класса: её QR-код попадёт на памятки (kit).

    Ссылка хранится только в базе учёта: на сайт и в отчёты она не попадает.

    Пример: sferum-onboard class set-link 7А https://max.ru/join/…
    """
    from sferum_onboard.messages import REPORTS
    from sferum_onboard.outputs.kit import check_invite_link

    if clear == bool(url):
        raise click.UsageError(REPORTS["link-usage"])
    link = None if clear else check_invite_link(url)
    with open_store(db) as store:
        school = store.school(school_name)
        the_class = store.set_invite_link(school, class_name, link)
    click.echo(REPORTS["link-cleared" if clear else "link-saved"].format(class_name=the_class.name))


@cli.command(name="remind")
@click.option("--class", "class_name", metavar="КЛАСС", help="Только этот класс (ученики, их родители, классный руководитель).")
@click.option("--role", type=click.Choice(ROLE_CHOICES), help="Только эта роль.")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True,
              help="text — прочитать и скопировать; csv — для рассылки слиянием.")
@allow_local_url_option
@project_option
@db_option
@school_option
@reports_errors
def remind_command(class_name, role, fmt, allow_local_url, project, db, school_name) -> None:
    """Напоминания отстающим: следующий шаг, ссылка на инструкцию, вежливое сообщение и куда его отправить.

    Каждое сообщение — одному человеку, без других имён. Тем, кто уже в MAX, — в личный чат; остальным —
    тем путём, который у школы уже есть: записка ученику в руки, SMS на телефон родителя, сообщение в
    электронном журнале. За ученика 1–4 классов сообщение получает родитель.

    Пример: sferum-onboard remind --class 7А --role parent
    """
    from sferum_onboard.messages import REPORTS
    from sferum_onboard.outputs import remind
    from sferum_onboard.outputs.labels import check_public_site_url
    from sferum_onboard.outputs.report import load_situations
    from sferum_onboard.tracking.roadmap import evaluate_school

    catalog = _catalog(project)
    check_public_site_url(catalog, allow_local_url)
    with open_store(db) as store:
        school = store.school(school_name)
        if class_name is not None:
            class_name = store.get_class(school, class_name).name
        situation = load_situations(store, catalog, [school])[0]
    items = remind.reminders(catalog, evaluate_school(catalog, situation), class_name, role)
    if fmt == "csv":
        click.echo(remind.as_csv(items), nl=False)
        return
    if not items:
        click.echo(REPORTS["remind-none"])
        return
    click.echo(REPORTS["remind-title"].format(people=plural(len(items), "person")))
    click.echo()
    click.echo(remind.as_text(items), nl=False)
