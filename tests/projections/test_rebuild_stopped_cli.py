"""`greenlist projections rebuild` that stops before its swap says why in one line and that the
live read models are as they were, with exit status 4 (found by an outside attack: a loading
process killed, or its connection cut, ended in a raw traceback)."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import pytest
from eventsourcing.persistence import OperationalError

from greenlist import cli
from projections.engine.runner import RebuildSuperseded, Runner


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
