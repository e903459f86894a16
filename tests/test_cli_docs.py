"""Every command has Russian help, -h, --version and an example (sqlite-utils' test_docs idea)."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from sferum_onboard import __version__
from sferum_onboard.cli import cli


def all_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    yield prefix, group
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))
        else:
            yield prefix + (name,), command


COMMANDS = list(all_commands())


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) or "sferum-onboard" for p, _ in COMMANDS])
def test_help_version_and_example(path, command):
    runner = CliRunner()
    for flag in ("--help", "-h"):
        result = runner.invoke(cli, [*path, flag])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Использование: "), result.output
        assert "Параметры:" in result.output
    version = runner.invoke(cli, [*path, "--version"])
    assert version.exit_code == 0 and version.output == f"sferum-onboard {__version__}\n"
    help_text = command.help or ""
    assert help_text and any("а" <= ch <= "я" for ch in help_text.lower()), "a Russian summary"
    if not isinstance(command, click.Group):
        assert "Пример: sferum-onboard " in help_text, "an example invocation"
    for param in command.params:
        if isinstance(param, click.Option) and param.name not in ("help", "version"):
            assert param.help, f"option {param.opts} has no help"


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "sferum_onboard", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == f"sferum-onboard {__version__}\n"


def test_unknown_command_is_usage_error():
    result = CliRunner().invoke(cli, ["valdate"])
    assert result.exit_code == 2
    assert "Ошибка: Нет такой команды «valdate»." in result.output


@pytest.mark.parametrize("args", [["members", "resolve", "abc"], ["validate", ".", "--stale", "abc"]])
def test_a_word_where_a_number_is_wanted_is_refused_in_russian(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "«abc» — не число" in result.output and "integer" not in result.output, result.output
