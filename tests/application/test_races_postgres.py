"""Races on a real PostgreSQL server with real threads sharing ONE service (eventsourcing
applications are thread-safe). A lost race must write nothing and surface as `ConcurrentUpdate`;
the rules whose state lives in a shared aggregate (A22.3 in the legal representative's quota
ledger, A13.2 in the round) must hold exactly however the threads interleave."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest

from domain.clock import SettableClock
from domain.errors import ConcurrentUpdate, RuleViolation
from domain.service import Greenlist
from domain.values import Level, UnitKind
from greenlist.config import build_service
from simulation import scenarios as s
from tests.on_time import on_time

pytestmark = pytest.mark.postgres

YEAR = 2025
CITY = "330100"
REPRESENTATIVE = "王建国"
MAX_ATTEMPTS = 200
"""A retry loop that never gets through is a failure, not a hang."""
BARRIER_TIMEOUT = 30.0


@pytest.fixture
def service(postgres_schema: str, clock: SettableClock) -> Iterator[Greenlist]:
    """One service on a fresh schema, shared by every thread of the test."""
    app = build_service(postgres_schema, clock)
    yield app
    app.close()


def run_together(count: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """Run `work(i, barrier)` in `count` threads; each calls `barrier.wait()` to start together.
    Exceptions raised in a thread are re-raised here."""
    barrier = threading.Barrier(count, timeout=BARRIER_TIMEOUT)
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(work, i, barrier) for i in range(count)]
        return [f.result(timeout=120) for f in futures]


def nominated_events(app: Greenlist, code: str) -> list[Any]:
    return [e for e in app.unit_history(code) if e.type == "Nominated"]


def accepted_in_round(app: Greenlist, level: Level, year: int) -> Counter[str]:
    """How often each unit id was accepted by the round (NominationAccepted events)."""
    return Counter(
        str(e.data["unit_id"])
        for e in app.round_history(level, year)
        if e.type == "NominationAccepted"
    )


NOMINATION_DAY = s.at(date(YEAR, 6, 1))
"""The racing nominations are stated for this instant; the clock is set to it first (no act
may be dated after its recording, issue 9 item 3)."""


def prepare_nominee(app: Greenlist, code: str) -> None:
    """Registered, cultivated, evaluated and on the municipal list: ready to be nominated.
    Sequential, so the clock may follow each act's date (tests/on_time.py)."""
    app = on_time(app)
    s.register_and_cultivate(app, code, year=YEAR)
    s.evaluate(app, code, Level.PROVINCIAL, YEAR)
    app.list_municipally(s.city_actor(CITY), code, occurred_at=s.at(date(YEAR, 3, 1)))


def nominate(app: Greenlist, code: str) -> None:
    app.nominate(s.city_actor(CITY), code, Level.PROVINCIAL, YEAR, occurred_at=NOMINATION_DAY)


# --- (a) A22.3 under eight agency threads ------------------------------------------------------


def test_a22_3_caps_national_reports_of_one_legal_representative(service: Greenlist) -> None:
    app = service
    agencies = [s.credit_code(800 + i, "330200") for i in range(2)]
    for i, code in enumerate(agencies):
        app.register_agency(
            s.PROVINCE_ACTOR,
            code,
            f"第三方评价机构{i}",
            REPRESENTATIVE,
            s.representative_id(REPRESENTATIVE),
        )
    units = [s.credit_code(100 + i, CITY) for i in range(24)]
    for code in units:
        app.register_unit(s.city_actor(CITY), code, UnitKind.FACTORY, f"示范工厂{code[-6:]}")
    threads = 8
    per_thread = len(units) // threads

    def submit_reports(i: int, barrier: threading.Barrier) -> dict[str, Any]:
        agency = s.agency_actor(agencies[i % 2])
        result: dict[str, Any] = {"accepted": [], "refused": [], "conflicts": 0}
        barrier.wait()
        for code in units[i * per_thread : (i + 1) * per_thread]:
            before = app.get_unit(code).version
            for _ in range(MAX_ATTEMPTS):
                try:
                    app.submit_evaluation(
                        agency,
                        code,
                        Level.NATIONAL,
                        YEAR,
                        s.report_hash(f"{agency.id}/{code}"),
                        90.0,
                        True,
                    )
                except ConcurrentUpdate:
                    result["conflicts"] += 1
                    assert app.get_unit(code).version == before, "a lost race wrote something"
                    continue
                except RuleViolation as refusal:
                    assert "A22.3" in refusal.codes, refusal
                    result["refused"].append((code, before))
                    break
                result["accepted"].append(code)
                break
            else:
                pytest.fail(f"{code}: no outcome after {MAX_ATTEMPTS} attempts")
        return result

    results = run_together(threads, submit_reports)

    accepted = [code for r in results for code in r["accepted"]]
    refused = [item for r in results for item in r["refused"]]
    conflicts = sum(r["conflicts"] for r in results)
    print(f"\nA22.3 race: {len(accepted)} accepted, {len(refused)} refused, {conflicts} conflicts")
    assert len(accepted) == 15
    assert len(refused) == len(units) - 15
    assert app.quota_used(s.representative_id(REPRESENTATIVE), YEAR)["national"] == 15
    by_agency = [
        e
        for code in units
        for e in app.unit_history(code)
        if e.type == "EvaluationSubmitted" and e.data["agency_id"] is not None
    ]
    assert len(by_agency) == 15
    assert {str(e.data["agency_id"]) for e in by_agency} <= {
        str(app.get_agency(code)["id"]) for code in agencies
    }
    for code, before in refused:
        assert app.get_unit(code).version == before == 1
        assert [e.type for e in app.unit_history(code)] == ["UnitRegistered"]


# --- (b) two nominations of the same unit ------------------------------------------------------


def test_two_nominations_of_one_unit_never_both_win(
    service: Greenlist, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten races, each with a fresh unit. In the even ones both threads are held just before
    saving, after each has loaded and checked the unit and the round, so the conflict is certain;
    in the odd ones only the start is synchronised and the threads race freely."""
    app = service
    on_time(app).open_round(
        s.PROVINCE_ACTOR, Level.PROVINCIAL, YEAR, {CITY: 20}, occurred_at=s.at(date(YEAR, 3, 1))
    )
    codes = [s.credit_code(200 + i, CITY) for i in range(10)]
    for code in codes:
        prepare_nominee(app, code)
    clock.set(NOMINATION_DAY)

    original_save = app._save
    gate: dict[str, threading.Barrier | None] = {"barrier": None}

    def gated_save(*args: Any, **kwargs: Any) -> Any:
        barrier = gate["barrier"]
        if barrier is not None:
            barrier.wait()  # both threads have loaded and validated: now both save
        return original_save(*args, **kwargs)

    monkeypatch.setattr(app, "_save", gated_save)
    real_conflicts = {"held": 0, "free": 0}
    for iteration, code in enumerate(codes):
        held = iteration % 2 == 0
        gate["barrier"] = threading.Barrier(2, timeout=BARRIER_TIMEOUT) if held else None
        app.get_unit(code)  # warm the pool and the reads so the two threads start level
        app.get_round(Level.PROVINCIAL, YEAR)

        def attempt(i: int, barrier: threading.Barrier, code: str = code) -> str:
            barrier.wait()
            try:
                nominate(app, code)
            except ConcurrentUpdate:
                return "conflict"
            except RuleViolation as refusal:
                assert refusal.codes == ("A13.2",), refusal  # "already nominated"
                return "already"
            return "won"

        outcomes = Counter(run_together(2, attempt))
        assert outcomes["won"] == 1, outcomes
        assert outcomes["conflict"] + outcomes["already"] == 1, outcomes
        if held:
            assert outcomes["conflict"] == 1, "both loaded before either saved: must conflict"
        real_conflicts["held" if held else "free"] += outcomes["conflict"]
        assert len(nominated_events(app, code)) == 1
        unit = app.get_unit(code)
        assert unit.status(Level.PROVINCIAL) == "nominated"
        assert app.get_round(Level.PROVINCIAL, YEAR)["nominations"][str(unit.id)] == CITY
    monkeypatch.undo()
    print(f"\nsame-unit races: conflicts {real_conflicts} of 5 held + 5 free iterations")

    # Nothing half-written: the round and the units agree exactly.
    rnd = app.get_round(Level.PROVINCIAL, YEAR)
    unit_ids = {str(app.get_unit(code).id) for code in codes}
    assert set(rnd["nominations"]) == unit_ids
    assert accepted_in_round(app, Level.PROVINCIAL, YEAR) == Counter(dict.fromkeys(unit_ids, 1))
    for code in codes:
        (event,) = nominated_events(app, code)
        assert str(event.data["round_id"]) == str(rnd["id"])
    assert real_conflicts["held"] == 5


# --- (c) nominations of different units against one city's quota ------------------------------


def test_a13_2_quota_holds_under_eight_racing_nominations(
    service: Greenlist, clock: SettableClock
) -> None:
    app = service
    quota = 3
    on_time(app).open_round(
        s.PROVINCE_ACTOR,
        Level.PROVINCIAL,
        YEAR,
        {CITY: quota},
        occurred_at=s.at(date(YEAR, 3, 1)),
    )
    codes = [s.credit_code(300 + i, CITY) for i in range(8)]
    for code in codes:
        prepare_nominee(app, code)
    clock.set(NOMINATION_DAY)

    def attempt(i: int, barrier: threading.Barrier) -> dict[str, Any]:
        code = codes[i]
        before = app.get_unit(code).version
        conflicts = 0
        barrier.wait()
        for _ in range(MAX_ATTEMPTS):
            try:
                nominate(app, code)
            except ConcurrentUpdate:
                conflicts += 1
                continue
            except RuleViolation as refusal:
                assert refusal.codes == ("A13.2",), refusal
                assert app.get_unit(code).version == before
                return {"code": code, "outcome": "refused", "conflicts": conflicts}
            return {"code": code, "outcome": "accepted", "conflicts": conflicts}
        pytest.fail(f"{code}: no outcome after {MAX_ATTEMPTS} attempts")

    results = run_together(len(codes), attempt)

    accepted = [r["code"] for r in results if r["outcome"] == "accepted"]
    conflicts = sum(r["conflicts"] for r in results)
    print(f"\nA13.2 race: {len(accepted)} accepted of {len(codes)}, {conflicts} conflicts")
    assert len(accepted) == quota  # never more; with retries, exactly the quota
    rnd = app.get_round(Level.PROVINCIAL, YEAR)
    assert sorted(rnd["nominations"].values()) == [CITY] * quota
    assert set(rnd["nominations"]) == {str(app.get_unit(code).id) for code in accepted}
    assert sum(accepted_in_round(app, Level.PROVINCIAL, YEAR).values()) == quota
    assert sum(len(nominated_events(app, code)) for code in codes) == quota
    for code in set(codes) - set(accepted):
        assert app.get_unit(code).status(Level.PROVINCIAL) is None
