"""Two service processes on one store. Whatever the cache mode, a command decided on a stale
copy is never recorded; in `checked` mode (several writers) commands and reads see the other
process's writes; in `trusted` mode (one writer) the stale copy costs a conflict, nothing more."""

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from domain.clock import SettableClock
from domain.errors import ConcurrentUpdate, RuleViolation
from domain.service import Greenlist
from domain.values import Level, UnitKind
from greenlist.config import build_service
from simulation import scenarios as s
from tests.on_time import on_time

Processes = Callable[[str], tuple[Greenlist, Greenlist]]


@pytest.fixture
def two_processes(
    store_url: str, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Processes]:
    opened: list[Greenlist] = []

    def start(mode: str) -> tuple[Greenlist, Greenlist]:
        monkeypatch.setenv("GREENLIST_AGGREGATE_CACHE", mode)
        pair = build_service(store_url, clock), build_service(store_url, clock)
        opened.extend(pair)
        return on_time(pair[0]), on_time(pair[1])

    yield start
    for service in opened:
        service.close()


def declared_members(app: Greenlist, code: str) -> list[list[str]]:
    return [e.data["members"] for e in app.unit_history(code) if e.type == "ParkMembersDeclared"]


@pytest.mark.stores("sqlite", "postgres")
def test_a_trusted_stale_copy_costs_a_conflict_and_records_nothing(
    two_processes: Processes,
) -> None:
    first, second = two_processes("trusted")
    code, member_a, member_b = s.credit_code(61), s.credit_code(62), s.credit_code(63)
    s.register_and_cultivate(first, code, UnitKind.PARK)
    first.declare_park_members(s.city_actor(), code, [member_a])  # first keeps a copy
    second.declare_park_members(s.city_actor(), code, [member_b])

    with pytest.raises(ConcurrentUpdate) as conflict:
        first.declare_park_members(s.city_actor(), code, [member_a, member_b])
    assert conflict.value.zh and conflict.value.en
    assert declared_members(first, code) == [[member_a], [member_b]]

    first.declare_park_members(s.city_actor(), code, [member_a, member_b])  # copy was evicted
    assert declared_members(second, code)[-1] == sorted([member_a, member_b])


@pytest.mark.stores("sqlite", "postgres")
def test_checked_copies_see_the_other_process_and_decide_on_fresh_state(
    two_processes: Processes,
) -> None:
    first, second = two_processes("checked")
    code = s.credit_code(64)
    s.register_and_cultivate(first, code)
    first.get_unit(code)
    second.record_negative_record(
        s.city_actor(), code, "A17.6", date(2025, 1, 15), "法院", "失信被执行人"
    )
    assert len(first.get_unit(code).negatives) == 1
    with pytest.raises(RuleViolation) as refusal:
        s.evaluate(first, code, Level.PROVINCIAL)
    assert "A17.6" in refusal.value.codes


@pytest.mark.stores("sqlite", "postgres")
def test_reads_never_come_from_a_trusted_copy(two_processes: Processes) -> None:
    first, second = two_processes("trusted")
    code = s.credit_code(65)
    s.register_and_cultivate(first, code)
    second.record_negative_record(
        s.city_actor(), code, "A17.6", date(2025, 1, 15), "法院", "失信被执行人"
    )
    assert len(first.get_unit(code).negatives) == 1


def test_only_a_park_declares_enterprises_inside_it(app: Greenlist) -> None:
    factory = s.credit_code(66)
    s.register_and_cultivate(app, factory)
    with pytest.raises(RuleViolation) as refusal:
        app.declare_park_members(s.city_actor(), factory, [s.credit_code(67)])
    assert "A10.1" in refusal.value.codes
    assert app.get_unit(factory).members == []
