"""Why the system or the database driver refused, in Russian: their own texts are English here."""

from __future__ import annotations

import errno

_OS_ERRORS = {
    errno.ENOENT: "нет такого файла или папки",
    errno.EACCES: "нет прав доступа",
    errno.EPERM: "действие запрещено системой",
    errno.EISDIR: "это папка, а не файл",
    errno.ENOTDIR: "часть пути — не папка",
    errno.ENOSPC: "на диске нет места",
    errno.EROFS: "диск только для чтения",
    errno.EEXIST: "такой файл уже есть",
    errno.ENAMETOOLONG: "слишком длинное имя",
    errno.EMFILE: "открыто слишком много файлов",
    errno.EBUSY: "файл занят другой программой",
}


# The database driver answers in English: its usual refusals, by a phrase of its text.
_DRIVER_REASONS = (
    ("connection refused", "сервер базы не отвечает: он не запущен или слушает другой порт"),
    ("timeout expired", "сервер базы не ответил вовремя"),
    ("could not translate host name", "нет сервера с таким именем; проверьте адрес"),
    ("name or service not known", "нет сервера с таким именем; проверьте адрес"),
    ("password authentication failed", "неверное имя пользователя или пароль"),
    ("no password supplied", "сервер требует пароль, а в адресе его нет"),
    ("no pg_hba.conf entry", "сервер не принимает подключения с этого компьютера"),
    ("does not exist", "на сервере нет такой базы или такого пользователя"),
    ("disk full", "на диске сервера нет места"),
    ("no space left", "на диске нет места"),
    ("read-only", "база открыта только для чтения"),
    ("readonly", "база открыта только для чтения"),
)


def driver_reason(text: str) -> str:
    """Why the database refused, in Russian; an unknown answer is quoted as the server gave it."""
    lowered = text.lower()
    known = next((reason for phrase, reason in _DRIVER_REASONS if phrase in lowered), None)
    return known or f"ответ сервера: {text}"


def os_reason(error: OSError) -> str:
    """Why the system refused, in Russian (the OS's own text is English here)."""
    return _OS_ERRORS.get(error.errno, error.strerror or type(error).__name__)


def os_error(error: OSError) -> str:
    """A whole Russian sentence for a file-system error, naming the path."""
    path = error.filename
    where = f"«{path}»" if path else "файл"
    return f"не удаётся записать или прочитать {where}: {os_reason(error)}"
