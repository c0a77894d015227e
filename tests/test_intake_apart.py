"""The Upload centre's check in a process of its own (scorecard/intake/apart.py): the same answer as the check in
the app's process, most of the work off the app's interpreter, and a process that dies is a clear refusal."""
import gc
import time

import pytest

from benchmarks.generate import big_workbook
from scorecard.intake import load
from scorecard.intake.apart import CheckFailed, check_files_apart
from scorecard.store import open_store
from tests.conftest import make_workbook

PLAN = "Tameside 2023-25"


def seen(checked: list[load.Checked]) -> list:
    """What an officer is shown of a check, and what a Load would write."""
    return [(c.file_name, c.sha256, c.parsed, c.duplicate_of, [(s.name, len(s.rows)) for s in c.sheets])
            for c in checked]


def test_the_check_apart_asks_the_store_and_finds_what_the_check_here_finds(demo_store_db, tmp_path, good_workbook):
    store = open_store(demo_store_db)  # on either store: the questions are answered by the app's own
    # a monthly Values-only file: its codes are known only from the store (the plan's measures, asked for)
    monthly = make_workbook(tmp_path / "monthly.xlsx", {"Plan": [["Plan", PLAN]], "Values": [
        ["Code", "Period", "Value"], ["CIN8", "Mar-24", 0.81], ["NOPE", "Mar-24", 50], ["CIN8", "Apr-24", 140]]},
        percent_cells={"Values": ["C2"]})  # 81% as Excel keeps it: read from the styles, sent with the sheets
    files = [("monthly.xlsx", monthly.read_bytes()), ("good.xlsx", good_workbook.read_bytes())]
    load.commit(store, load.check_files(store, files[1:])[0])  # so the second is a re-upload (asked for)
    here, apart = load.check_files(store, files, audience="app"), check_files_apart(store, files, audience="app")
    assert seen(apart) == seen(here)
    assert [len(c.parsed.errors) for c in apart] == [2, 0]  # NOPE unknown, 140% out of range: CIN8 was known
    assert apart[1].duplicate_of["status"] == "committed"
    assert apart[0].parsed.values[0][0] == "CIN8" and apart[0].parsed.values[0][3] == 81.0  # 0.81 as 81%
    values = apart[0].sheets[1]
    assert values.is_percent_formatted(1, 2) and not values.is_percent_formatted(3, 2)  # for the mapping step
    store.close()


def test_the_app_process_does_a_small_part_of_the_checking(store, tmp_path):
    """Reading and parsing happen in the other process: the app's process only unpickles the answer."""
    data = big_workbook(tmp_path / "big.xlsx", measures=200, months=60, actions=100, snapshots=12,
                        audit_cases=8000).read_bytes()
    files = [("big.xlsx", data)]

    def cpu(check) -> float:
        gc.collect()  # not the garbage of the tests before this one
        t = time.process_time()  # every thread of this process (the reader uses two), none of another
        checked = check(store, files)
        assert checked[0].ok and checked[0].parsed.plan == "Bigshire 2014-24"
        return time.process_time() - t

    here, apart = cpu(load.check_files), min(cpu(check_files_apart) for _ in range(2))  # the quieter of two
    assert apart < 0.4 * here, (apart, here)


def test_a_checking_process_that_dies_is_a_clear_refusal(store, good_workbook, dying_checker):
    with pytest.raises(CheckFailed, match=r"^the file could not be checked: the checking process stopped "
                                          r"\(exit code -9\)$"):
        check_files_apart(store, [("good.xlsx", good_workbook.read_bytes())])
    assert store.history().empty
