"""kill -9 during `sheet import`: the store keeps all of the sheet's events or none of them."""

from __future__ import annotations


import openpyxl
from click.testing import CliRunner

from sferum_onboard.cli import cli
from sferum_onboard.tracking.roster import Roster, RosterPerson
from sferum_onboard.tracking.store import Store
from tests.storekit import TRACKING_PROJECT, store_url  # noqa: F401 (fixture)
from tests.test_faults import NAMES_LIST, killed_after, snapshot

PUPILS = 3000  # × 3 steps: 9,000 events in one transaction


def test_kill_9_of_sheet_import_leaves_all_or_nothing(store_url, tmp_path):
    people = tuple(RosterPerson(n + 2, "pupils", NAMES_LIST[n], "pupil", class_name="7А") for n in range(PUPILS))
    with Store.open(store_url) as store:
        school = store.get_or_create_school("Школа № 1")
        store.apply_import(store.plan_import(school, Roster(tmp_path / "r.csv", "pupils", "utf-8", people, ())))
    sheet = tmp_path / "7А.xlsx"
    result = CliRunner().invoke(cli, ["sheet", "export", "--class", "7А", "-o", str(sheet), "--db", store_url,
                                      "--project", str(TRACKING_PROJECT)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(sheet)
    for row in book["Ученики"].iter_rows(min_row=4, min_col=4, max_col=6):
        for cell in row:
            cell.value = "+"
    book.save(sheet)
    before = snapshot(store_url)
    for delay in (0.5, 1.0, 1.5, 2.5, 4.0):
        killed_after(delay, "sheet", "import", str(sheet), "--db", store_url, "--project", str(TRACKING_PROJECT),
                     timeout=120)
        now = snapshot(store_url)
        assert len(now["events"]) in (0, 3 * PUPILS), f"a partial sheet is visible: {len(now['events'])} events"
        if not now["events"]:
            assert now == before
        else:
            assert {e[7] for e in now["events"]} == {"sheet"}
            break
