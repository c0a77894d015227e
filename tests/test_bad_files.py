"""Every file in the bad-files corpus is refused by the CLI with its exact messages, and the store is
left exactly as it was (same history, same data version, same rows in every table)."""
import shutil

import pytest

from scorecard.cli import main
from scorecard.store import Store
from tests.bad_files import CORPUS


@pytest.fixture(scope="module")
def db(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("bad") / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


TABLES = ("uploads", "plans", "measures", "measure_values", "audits", "audit_case_refs", "actions", "benchmarks")


def state(capsys, db) -> tuple:
    """The history as the CLI prints it, the data version and every table's row count."""
    assert main(["history", "--db", str(db)]) == 0
    history = capsys.readouterr().out
    s = Store(db, read_only=True)
    try:
        counts = {t: s.query(f"SELECT count(*) AS n FROM {t}")["n"].iloc[0] for t in TABLES}
        return history, s.data_version(), counts
    finally:
        s.close()


def test_the_corpus_has_at_least_30_files_with_distinct_names():
    assert len(CORPUS) >= 30 and len({b.name for b in CORPUS}) == len(CORPUS)


@pytest.mark.slow
@pytest.mark.parametrize("bad", CORPUS, ids=[b.name for b in CORPUS])
def test_bad_file_is_refused_with_its_exact_messages_and_nothing_changes(bad, db, tmp_path, capsys):
    before = state(capsys, db)
    path = tmp_path / bad.name
    path.write_bytes(bad.build())
    code = main(["import", str(path), "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 1
    assert [line for line in out.splitlines() if not line.startswith(("warning: ", "note: "))] == list(bad.errors), out
    assert "nothing was imported" in err
    assert state(capsys, db) == before
