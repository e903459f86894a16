"""Russian wording for Click's own messages (usage, help, usage errors).

Click looks its strings up through `gettext`; it ships no Russian catalog,
so the CLI installs this table once at start-up. Only the strings a user can
meet are listed; anything else stays as Click wrote it.
"""

from __future__ import annotations

RUSSIAN = {
    "Usage:": "Использование:",
    "Options": "Параметры",
    "Commands": "Команды",
    "Positional arguments": "Аргументы",
    "Show this message and exit.": "Показать эту справку и выйти.",
    "Show the version and exit.": "Показать версию и выйти.",
    "Aborted!": "Прервано.",
    "Missing command.": "Не указана команда.",
    "Error: {message}": "Ошибка: {message}",
    "Try '{command} {option}' for help.": "Справка: «{command} {option}».",
    "Invalid value for {param_hint}: {message}": "Неверное значение {param_hint}: {message}",
    "Invalid value: {message}": "Неверное значение: {message}",
    "Missing argument": "Не указан аргумент",
    "Missing option": "Не указан параметр",
    "Missing parameter": "Не указан параметр",
    "Missing parameter: {param_name}": "Не указан параметр: {param_name}",
    "Missing {param_type}": "Не указан {param_type}",
    "No such command {name!r}.": "Нет такой команды «{name}».",
    "No such option {name!r}.": "Нет такого параметра «{name}».",
    "Option {name!r} does not take a value.": "Параметр «{name}» не принимает значения.",
    "Argument {name!r} takes {nargs} values.": "Аргумент «{name}» принимает {nargs} значения.",
    "Could not open file {filename!r}: {message}": "Не удаётся открыть файл «{filename}»: {message}",
    "default: {default}": "по умолчанию: {default}",
    "env var: {var}": "переменная окружения: {var}",
    "directory": "Папка",
    "file": "Файл",
    "path": "Путь",
    "{name} {filename!r} does not exist.": "{name} «{filename}» не существует.",
    "{name} {filename!r} is a directory.": "{name} «{filename}» — это папка.",
    "{name} {filename!r} is a file.": "{name} «{filename}» — это файл.",
    "{name} {filename!r} is not readable.": "{name} «{filename}» недоступен для чтения.",
    "{name} {filename!r} is not writable.": "{name} «{filename}» недоступен для записи.",
    "{value!r} is not a valid {number_type}.": "«{value}» — не число.",  # Click's type name is English
    "{value} is not in the range {range}.": "{value} вне диапазона {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "«{value}» — не логическое значение; допустимо: {states}",
    "Choose from:\n\t{choices}": "Выберите одно из:\n\t{choices}",
    "Error: invalid input": "Ошибка: неверный ввод",
    "Do you want to continue?": "Продолжить?",
    "unknown error": "неизвестная ошибка",
}
RUSSIAN_PLURAL = {
    "Got unexpected extra argument ({args})": "Лишний аргумент ({args})",
    "Got unexpected extra arguments ({args})": "Лишние аргументы ({args})",
    "Did you mean {possibility}?": "Может быть, {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Может быть, одно из: {possibilities}?)",
    "Option {name!r} requires an argument.": "Параметру «{name}» нужно значение.",
    "Option {name!r} requires {nargs} arguments.": "Параметру «{name}» нужно значений: {nargs}.",
    "{value!r} is not {choice}.": "«{value}» — не {choice}.",
    "{value!r} is not one of {choices}.": "«{value}» — не одно из: {choices}.",
    "{value!r} does not match the format {format}.": "«{value}» не соответствует формату {format}.",
    "{value!r} does not match the formats {formats}.": "«{value}» не соответствует форматам {formats}.",
}


def _gettext(message: str) -> str:
    return RUSSIAN.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return RUSSIAN_PLURAL.get(chosen, chosen)


def install() -> None:
    """Point Click's modules at the Russian table (idempotent)."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
