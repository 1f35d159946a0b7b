"""`greenlist projections rebuild` that stops before its swap says why in one line and that the
live read models are as they were, with exit status 4 (found by an outside attack: a loading
process killed, or its connection cut, ended in a raw traceback); `projections status` shows a
rebuild's new tables and how far they are."""

from __future__ import annotations

import re
from concurrent.futures.process import BrokenProcessPool

import pytest
from eventsourcing.persistence import OperationalError

from greenlist import cli
from greenlist.config import build_service
from greenlist.runtime import read_side
from projections.engine.runner import NEXT, TRACKING, RebuildSuperseded, Runner


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (RebuildSuperseded("another rebuild of lists started; stopping"), "another rebuild"),
        (BrokenProcessPool("a child process terminated abruptly"), "a loading process ended"),
        (OperationalError("terminating connection due to administrator command"), "database"),
    ],
)
def test_a_rebuild_that_stops_says_why_and_that_nothing_was_swapped(
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    said: str,
) -> None:
    def stopped(*_: object, **__: object) -> int:
        raise error

    monkeypatch.setattr(Runner, "rebuild", stopped)
    code = cli.main(["projections", "rebuild", "--database-url", store_url])
    err = capsys.readouterr().err
    assert code == cli.EXIT_REBUILD_STOPPED == 4
    assert said in err and "Nothing was swapped in" in err and "重建已停止" in err
    assert "Traceback" not in err


def test_another_action_s_database_failure_is_not_taken_for_a_rebuild_s(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failed(*_: object, **__: object) -> None:
        raise OperationalError("gone")

    monkeypatch.setattr(cli, "follow", failed)
    with pytest.raises(OperationalError):
        cli.main(["projections", "run", "--database-url", store_url])


@pytest.mark.stores("postgres")
def test_status_shows_a_rebuild_s_new_tables_and_how_far_they_are(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by the outside attack: the status said nothing of a rebuild running or left."""
    assert cli.main(["projections", "status", "--database-url", store_url]) == 0
    assert "new tables of a rebuild" not in capsys.readouterr().out
    app = build_service(store_url)
    side = read_side(app, store_url)
    try:
        models = side.runner.projections
        side.runner._start_afresh(models, [f"audit/by-aggregate{NEXT}"])  # a share's own row
        with side.db.transaction() as tx:  # one loaded by aggregate, one in log order
            tx.execute(f"UPDATE {TRACKING} SET position = -1234 WHERE name = 'lists{NEXT}'")
            tx.execute(
                f"UPDATE {TRACKING} SET position = -77 WHERE name = 'audit/by-aggregate{NEXT}'"
            )
            tx.execute(f"UPDATE {TRACKING} SET position = 56 WHERE name = 'audit{NEXT}'")
    finally:
        side.close()
        app.close()
    assert cli.main(["projections", "status", "--database-url", store_url]) == 0
    out = capsys.readouterr().out
    assert "new tables of a rebuild (running, or left by one that stopped):" in out
    assert re.search(r"lists\s+1234 events read by aggregate", out)
    assert re.search(r"audit\s+position\s+56", out)
    assert re.search(r"audit/by-aggregate\s+77 events read by aggregate", out)


def test_a_rebuild_remembers_as_many_rows_as_it_is_told(
    store_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--remember-rows` bounds what each loading process keeps in memory (README
    "Performance"); the loading processes take it from the parent (`load_part`)."""
    told: list[int] = []

    def rebuild(self: Runner, *_: object, **__: object) -> int:
        told.append(self.remember_rows)
        return 0

    monkeypatch.setattr(Runner, "rebuild", rebuild)
    for given in ("1000", "0"):
        argv = ["projections", "rebuild", "--remember-rows", given, "--database-url", store_url]
        assert cli.main(argv) == 0
    assert cli.main(["projections", "rebuild", "--database-url", store_url]) == 0
    assert told == [1000, 0, Runner.remember_rows]
    for bad, said in (("-1", "0 or more"), ("many", "not a whole number"), ("", "whole")):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["projections", "rebuild", "--remember-rows", bad])
        assert stopped.value.code == 2 and said in capsys.readouterr().err
