"""LibreOffice as a school uses it, headless: save as ODS or XLSX (with a password too), sort a column, retype a cell.

Each test gets a private profile (`-env:UserInstallation`), copied from one
made once per session, so parallel runs never share LibreOffice's state.
Edits are LibreOffice Basic macros run by LibreOffice itself, so the files
the tests import are written byte for byte by LibreOffice, as a class leader's
would be.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require

TIMEOUT = 240
_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
{code}
</script:module>
"""
# Open a file hidden, do something with it (`doc`), close it.
_MACRO = """Sub Main
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL({path}), "_blank", 0, args())
{body}
  doc.close(True)
End Sub"""


def _basic(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class LibreOffice:
    def __init__(self, binary: str, profile: Path):
        self.binary = binary
        self.profile = profile

    def _run(self, *args: str) -> None:
        result = subprocess.run([self.binary, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
                                 "--norestore", *args], capture_output=True, text=True, timeout=TIMEOUT)
        assert result.returncode == 0, result.stderr

    def convert(self, source: Path, fmt: str, folder: Path) -> Path:
        """Open `source` and save it as `fmt` ("ods", "xlsx") into `folder`, as File → Save As does."""
        folder.mkdir(parents=True, exist_ok=True)
        self._run("--convert-to", fmt, "--outdir", str(folder), str(source))
        made = folder / f"{source.stem}.{fmt}"
        assert made.exists(), f"LibreOffice wrote no {made}"
        return made

    def macro(self, path: Path, body: str) -> None:
        """Open the file in LibreOffice and run Basic statements on it (the variable `doc`)."""
        code = _MACRO.format(path=_basic(str(path)), body=body)
        module = self.profile / "user" / "basic" / "Standard" / "Module1.xba"
        module.write_text(_MODULE.format(code=html.escape(code, quote=False)), encoding="utf-8")
        self._run("macro:///Standard.Module1.Main")

    def edit(self, path: Path, sheet: str, body: str) -> None:
        """Run Basic statements on `sheet` (the variable `sheet`, unprotected) of the file; save it in place."""
        self.macro(path, f"""  sheet = doc.Sheets.getByName({_basic(sheet)})
  sheet.unprotect("")
{body}
  doc.store()""")

    def save_with_password(self, path: Path, target: Path, password: str = "secret") -> Path:
        """File → Save As ODS with «Save with password» ticked."""
        self.macro(path, f"""  Dim how(1) As New com.sun.star.beans.PropertyValue
  how(0).Name = "FilterName"
  how(0).Value = "calc8"
  how(1).Name = "Password"
  how(1).Value = {_basic(password)}
  doc.storeToURL(ConvertToURL({_basic(str(target))}), how())""")
        assert target.exists(), f"LibreOffice wrote no {target}"
        return target

    def sort_alone(self, path: Path, sheet: str, cells: str, descending: bool = True) -> None:
        """Sort one column's range on its own ("continue with the current selection")."""
        self.edit(path, sheet, f"""  Dim field(0) As New com.sun.star.table.TableSortField
  field(0).Field = 0
  field(0).IsAscending = {"False" if descending else "True"}
  Dim how(0) As New com.sun.star.beans.PropertyValue
  how(0).Name = "SortFields"
  how(0).Value = field()
  sheet.getCellRangeByName({_basic(cells)}).sort(how())""")

    def type_text(self, path: Path, sheet: str, cell: str, text: str) -> None:
        """Type text into a cell, as a teacher retyping it does."""
        self.edit(path, sheet, f"  sheet.getCellRangeByName({_basic(cell)}).setString({_basic(text)})")


@pytest.fixture(scope="session")
def _libreoffice_profile(tmp_path_factory) -> tuple[str, Path]:
    binary = shutil.which("soffice")
    require(binary is not None, "LibreOffice (soffice) не установлен")
    profile = tmp_path_factory.mktemp("lo-profile-template")
    subprocess.run([binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--terminate_after_init"], capture_output=True, timeout=TIMEOUT, check=True)
    assert (profile / "user" / "basic" / "Standard" / "Module1.xba").exists(), "LibreOffice made no Basic library"
    return binary, profile


@pytest.fixture
def libreoffice(_libreoffice_profile, tmp_path) -> LibreOffice:
    binary, template = _libreoffice_profile
    profile = tmp_path / "lo-profile"
    shutil.copytree(template, profile)
    return LibreOffice(binary, profile)
