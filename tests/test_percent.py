"""One rounding rule for shares: the terminal, JSON, CSV, report.html and report.xlsx say the same number."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from python_calamine import CalamineWorkbook

from sferum_onboard import percent
from tests.test_report_support import PROJECT, catalog, run  # noqa: F401 (fixture)


@pytest.mark.parametrize("value, shown, number", [
    (None, "—", None), (0.0, "0\u00a0%", 0.0), (5.0, "5\u00a0%", 5.0), (100.0, "100\u00a0%", 100.0),
    (200 / 3, "66,6\u00a0%", 66.6), (99.96, "99,9\u00a0%", 99.9), (70.1, "70,1\u00a0%", 70.1),
    (100 * 317 / 396, "80\u00a0%", 80.0),  # 80.05 %: «80 %» everywhere, never 80.1 in one place
])
def test_shares_are_rounded_down_to_a_tenth(value, shown, number):
    assert percent.text(value) == shown
    assert percent.rounded(value) == number


def floored(done: int, of: int) -> float:
    """The rule, in integers: tenths of a percent, rounded down."""
    return (1000 * done // of) / 10


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    db = str(folder / "demo.sqlite")
    run("demo", *PROJECT, "--db", db)
    return folder, db


def test_every_output_shows_the_same_share(demo, catalog):
    folder, db = demo
    data = json.loads(run("progress", *PROJECT, "--db", db, "--format", "json"))
    step = next(s for s in data["total"]["steps"] if s["step"] == "parent-active")
    expected = floored(step["done"], step["applicable"])
    assert step["percent"] == expected
    rows = list(csv.reader(io.StringIO(run("progress", *PROJECT, "--db", db, "--format", "csv")), delimiter=";"))
    assert next(r for r in rows if r[:2] == ["всего", "parent-active"])[-1] == str(expected)
    table = next(line for line in run("progress", *PROJECT, "--db", db).splitlines() if "(parent-active)" in line)
    assert f" {percent.text(expected)} " in table

    # The road-map target «parents active» counts the same people and the same step.
    title = next(t.title for t in catalog.roadmap.targets if t.id == "parents-active")
    assert next(t.steps for t in catalog.roadmap.targets if t.id == "parents-active") == ("parent-active",)
    printed = run("report", *PROJECT, "--db", db, "-o", str(folder / "out"))
    assert f"«{title}»: {percent.text(expected)} (цель" in printed
    html = (folder / "out" / "report.html").read_text(encoding="utf-8")
    values = re.findall(r"<span class=\"value\" data-value>([^<]*)</span>", html)
    assert percent.text(expected) in values
    summary = CalamineWorkbook.from_path(str(folder / "out" / "report.xlsx")).get_sheet_by_name("Сводка").to_python()
    row = next(r for r in summary if r[0] == title)
    assert row[5] == pytest.approx(expected / 100, abs=1e-12)
