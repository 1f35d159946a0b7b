"""The generated demo history (simulation.demo.history): valid, deterministic, and showing what
the README promises, through the real service."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from stdnum.cn import uscc

from domain.clock import SettableClock
from domain.values import CITIES, SHANGHAI, Level
from greenlist import cli
from greenlist.config import build_service
from simulation.cast import cast
from simulation.demo.history import START, DemoHistory, Outcome, load_if_empty, showcase_code

P = Level.PROVINCIAL


@pytest.fixture(scope="module")
def history() -> tuple[Outcome, list[tuple[str, str, datetime]], dict[str, dict]]:
    """The history on the in-memory store: what it did, every event (stream, type, recorded
    instant) in log order, and each unit's standing at the end."""
    clock = SettableClock(START)
    app = build_service("memory://", clock)
    runner = DemoHistory(app, clock)
    outcome = runner.run()
    events = [
        (str(n.originator_id), n.topic.rsplit(":", 1)[-1], app.mapper.to_domain_event(n).timestamp)
        for n in app.recorder.select_notifications(start=1, limit=10_000)
    ]
    standing = {u.code: app.get_unit(u.code).standing for u in runner.cast.units}
    app.close()
    return outcome, events, standing


def test_the_cast_spans_the_eleven_cities_with_valid_codes() -> None:
    import random

    people = cast(random.Random(1))
    assert (len(people.factories), len(people.parks), len(people.supply_chains)) == (60, 8, 8)
    assert {u.city for u in people.factories} == set(CITIES)
    assert all(uscc.is_valid(u.code) and u.code[2:6] + "00" == u.city for u in people.units)
    assert all(
        park.members and all(uscc.is_valid(m) for m in park.members) for park in people.parks
    )
    representatives = Counter(rep for _, _, rep in people.agencies)
    assert len(people.agencies) == 5 and max(representatives.values()) == 2


def test_the_history_runs_from_july_2024_to_june_2026_in_order(history: tuple) -> None:
    outcome, events, _ = history
    instants = [at for _, _, at in events]
    assert instants == sorted(instants)
    assert instants[0].astimezone(SHANGHAI).date().isoformat() >= "2024-07-01"
    assert instants[-1].astimezone(SHANGHAI).date().isoformat() <= "2026-06-30"
    assert outcome.events == len(events) > 800
    kinds = Counter(kind for _, kind, _ in events)
    for kind in (
        "PublicNoticeOpened", "ObjectionDecided", "SiteInspected", "ListingWithheld",
        "DynamicFormOverdue", "NameChanged", "ListingAdjusted", "ComplaintOutcomeRecorded",
        "NegativeRecordAdded", "NegativeRecordEnded", "ProjectCounted", "Published",
        "ComplaintAccepted", "ComplainedAgainst",
    ):  # fmt: skip
        assert kinds[kind] >= 1, kind
    assert kinds["Published"] == 2


def test_the_rounds_list_withhold_and_remove(history: tuple) -> None:
    outcome, _, standing = history
    assert len(outcome.listed[2025]) >= 15 and len(outcome.listed[2026]) >= 12
    assert len(outcome.withheld[2025]) == 1  # the upheld objection (A16.1)
    assert outcome.showcase == showcase_code()
    assert outcome.showcase in outcome.removed_2026 and outcome.showcase in outcome.adjusted_2026
    assert set(outcome.overdue_forms) <= set(outcome.removed_2026)
    assert any(code.startswith("11") for code in outcome.removed_2026)  # a park (A17, A19.1)
    accident = standing[outcome.accident]
    assert accident[P.value]["status"] == "removed"  # A19.4: from every level at once
    assert {level["status"] for level in accident.values()} == {"removed"}
    for code in outcome.removed_2026:
        assert "removed" in {s["status"] for s in standing[code].values()}


def test_a16_3_the_demo_recommends_to_miit_and_records_its_outcomes(history: tuple) -> None:
    """The national round of 2025 ends with the recommendation to MIIT, no notice; MIIT lists
    two of the three recommended factories and not the third (A15.4, A16.3)."""
    outcome, events, standing = history
    kinds = Counter(kind for _, kind, _ in events)
    assert kinds["MiitRecommendationSubmitted"] == 1 and kinds["RecommendedToMiit"] == 3
    assert kinds["MiitOutcomeRecorded"] == 3 and kinds["Published"] == 2  # no national one
    assert sorted(outcome.miit.values()) == [False, True, True]
    for code, listed in outcome.miit.items():
        national = standing[code]["national"]
        assert national["status"] == ("listed" if listed else "not_listed_by_miit")
        assert national["miit_document"] == "工信厅节函〔2025〕412号"


def test_a16_1_the_demo_has_a_public_objection_registered_and_decided(history: tuple) -> None:
    _, events, _ = history
    kinds = Counter(kind for _, kind, _ in events)
    assert kinds["ObjectionFiled"] == kinds["ObjectionRegistered"] == 1
    assert kinds["ObjectionHandled"] == 1 and kinds["ObjectionDocketed"] == 1


def test_the_history_is_deterministic(history: tuple) -> None:
    outcome, events, _ = history
    clock = SettableClock(START)
    app = build_service("memory://", clock)
    again = DemoHistory(app, clock).run()
    kinds = [
        (n.topic, app.mapper.to_domain_event(n).timestamp)
        for n in app.recorder.select_notifications(start=1, limit=10_000)
    ]
    app.close()
    assert again == outcome
    assert [(t.rsplit(":", 1)[-1], at) for t, at in kinds] == [(k, at) for _, k, at in events]


def test_load_if_empty_loads_once_and_the_demo_prints_the_showcase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    assert cli.run_demo(url) == 0
    first = capsys.readouterr().out
    assert "loaded the demo history" in first and "refused as expected" in first
    assert showcase_code() in first and "ListingAdjusted" in first
    assert load_if_empty(url) is None


def test_a_token_is_minted_with_the_configured_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import jwt

    monkeypatch.setenv("GREENLIST_JWT_SECRET", "s" * 40)
    code = showcase_code()
    argv = ["token", "--role", "enterprise", "--region", "330200", "--uscc", code]
    assert cli.main(argv) == 2  # not the city of its credit code (ID.2)
    assert "refused" in capsys.readouterr().err
    argv = ["token", "--role", "enterprise", "--region", code[2:6] + "00", "--uscc", code]
    assert cli.main(argv) == 0
    claims = jwt.decode(capsys.readouterr().out.strip(), "s" * 40, algorithms=["HS256"])
    assert claims["role"] == "enterprise" and claims["uscc"] == claims["sub"] == showcase_code()
    monkeypatch.delenv("GREENLIST_JWT_SECRET")
    nowhere = "sqlite:///" + str(tmp_path / "none.db")
    argv = ["token", "--role", "province", "--region", "330000", "--database-url", nowhere]
    assert cli.main(argv) == 2  # no secret configured, no demo secret for that store
    assert "GREENLIST_JWT_SECRET" in capsys.readouterr().err
