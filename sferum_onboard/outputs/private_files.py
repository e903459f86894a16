"""Private outputs hold names: each file is readable by its owner only and lands whole or not at all."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path


def write_private(path: Path, data: bytes | str) -> Path:
    """Write next to the target (mode 0600) and rename: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(raw)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def save_workbook(book, path: Path) -> Path:
    """An openpyxl workbook, written as `write_private` writes."""
    buffer = io.BytesIO()
    book.save(buffer)
    return write_private(path, buffer.getvalue())
