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

# --- tracking (issue: per-person tracking) ---------------------------------

# --- outputs (issue: reports, kits, reminders) ----------------------------
