"""The runner: lag, following the log, read-your-writes with a bounded wait, rebuilds."""

import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from greenlist.runtime import InProcessRunner
from projections.catalogue import all_projections
from projections.engine.checksum import table_checksums
from projections.engine.db import Db
from projections.engine.runner import Runner, wait_for
from projections.errors import ProjectionsBehind
from projections.lists import list_as_of
from simulation import scenarios as s
from tests.projections.test_crash_safety import record_history

pytestmark = pytest.mark.stores("sqlite", "postgres")


def test_lag_counts_the_events_not_yet_applied(app: Greenlist, runner: Runner) -> None:
    s.register_and_cultivate(app, s.credit_code(1))
    assert runner.lag()["lists"] == 2
    runner.catch_up()
    assert set(runner.lag().values()) == {0}


def test_a_read_can_wait_for_the_position_of_a_command(
    app: Greenlist, runner: Runner, views: Db
) -> None:
    with InProcessRunner(runner, poll=0.05):
        code = s.credit_code(2)
        s.list_provincially(app, code)
        receipt = app.declare_change(s.enterprise_actor(code), code, "scope", "扩产")
        wait_for(views, ["lists"], receipt.position, timeout=10)
        assert [r["credit_code"] for r in list_as_of(views, "provincial")] == [code]


def test_waiting_is_bounded_and_says_why_in_both_languages(
    app: Greenlist, runner: Runner, views: Db
) -> None:
    receipt = app.register_unit(s.city_actor(), s.credit_code(3), s.UnitKind.FACTORY, "示范工厂")
    with pytest.raises(ProjectionsBehind) as behind:
        wait_for(views, ["lists"], receipt.position, timeout=0.05)
    assert behind.value.names == ["lists"]
    assert behind.value.zh and behind.value.en


def test_a_rebuild_from_zero_gives_the_same_rows(app: Greenlist, runner: Runner, views: Db) -> None:
    s.list_provincially_together(app, s.credit_code(4), s.credit_code(5))
    runner.catch_up()
    before = list_as_of(views, "provincial")
    assert runner.rebuild() > 0
    assert list_as_of(views, "provincial") == before
    assert set(runner.lag().values()) == {0}


def test_a_rebuild_remembering_its_rows_gives_the_rows_of_a_catch_up(
    app: Greenlist, clock: SettableClock, views: Db
) -> None:
    """A rebuild remembers the rows of its new tables from batch to batch instead of reading
    them again: each remembered row is the stored one (value and type), and the rows are those
    of a runner that reads them, whether it remembers them all or forgets them on the way."""
    record_history(app, clock, listed=20, more=6)
    models = all_projections()
    Runner(app, views, models, batch_size=7).catch_up()
    built = table_checksums(views, models)
    for limit in (Runner.remember_rows, 40, 7):
        rebuilder = Runner(app, views, all_projections(), batch_size=5)
        rebuilder.remember_rows, rebuilder.verify_remembered = limit, True
        assert rebuilder.rebuild() == rebuilder.head()
        assert table_checksums(views, models) == built


def _index_count(views: Db) -> int:
    try:
        rows = views.query(
            "SELECT count(*) AS n FROM pg_indexes WHERE schemaname = current_schema()"
        )
    except Exception:
        rows = views.query("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index'")
    return int(rows[0]["n"])


def test_starting_the_runners_again_adds_no_index(
    app: Greenlist, runner: Runner, views: Db
) -> None:
    """Each start sets up the read models' tables: existing tables (and their indexes) are left
    as they are, so restarts never pile up duplicate indexes (found on PostgreSQL: 27 more at
    every start)."""
    s.register_and_cultivate(app, s.credit_code(91))
    runner.catch_up()
    before = _index_count(views)
    for _ in range(3):
        Runner(app, views, all_projections()).catch_up()
    assert _index_count(views) == before
    runner.rebuild()
    Runner(app, views, all_projections()).catch_up()
    assert _index_count(views) == before
