"""Explaining a decision from the log, on every store: the event, the unit just before it, and
each rule applied with its outcome (an A14.2 exception shown as overridden, with its written
justification)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import NotFound
from domain.rules import RULES, RULESET_VERSION, rule_order
from domain.service import Greenlist
from domain.service.explain import OVERRIDDEN, PASSED
from domain.values import Level
from simulation import scenarios as s
from simulation.scenarios import at

P = Level.PROVINCIAL
WHY = "该企业为行业龙头，市级名单评选延期，特此说明"


def nominated_version(app: Greenlist, code: str) -> int:
    return next(e.version for e in app.unit_history(code) if e.type == "Nominated")


def test_a_nomination_off_the_municipal_list_is_explained(app: Greenlist) -> None:
    code = s.credit_code(1)
    s.prepare_candidate(app, code)  # not on the municipal list
    city = s.city_actor()
    app.nominate(city, code, P, 2025, justification=WHY, occurred_at=at(date(2025, 6, 2)))
    version = nominated_version(app, code)

    why = app.explain_decision(code.lower(), version)

    event = why.event
    assert (event.type, event.version) == ("Nominated", version)
    assert (event.actor_id, event.actor_role, event.actor_region) == (city.id, "city", "330100")
    assert event.occurred_at == at(date(2025, 6, 2)) <= event.recorded_at  # never dated later
    assert event.exceptions == ["A14.2"] and event.data["year"] == 2025
    assert why.justification == WHY and why.ruleset == RULESET_VERSION

    before = why.before
    assert before is not None and before.version == version - 1
    assert before.status(P) is None and before.status(Level.MUNICIPAL) is None
    assert app.get_unit(code).status(P) == "nominated"

    assert [r.code for r in why.rules] == sorted(event.rules, key=rule_order)
    outcomes = {r.code: r.outcome for r in why.rules}
    assert outcomes.pop("A14.2") == OVERRIDDEN
    assert set(outcomes.values()) == {PASSED}
    assert {"A13.2", "A14.1", "A17.1"} <= set(outcomes)
    a14_2 = next(r for r in why.rules if r.code == "A14.2")
    assert (a14_2.article, a14_2.zh, a14_2.en) == (
        RULES["A14.2"].article,
        RULES["A14.2"].zh,
        RULES["A14.2"].en,
    )
    assert a14_2.effect == "warn"


def test_a_nomination_from_the_municipal_list_passes_every_rule(app: Greenlist) -> None:
    code = s.credit_code(2)
    s.prepare_candidate(app, code)
    app.list_municipally(s.city_actor(), code, occurred_at=at(date(2025, 3, 1)))
    app.nominate(s.city_actor(), code, P, 2025, occurred_at=at(date(2025, 6, 2)))

    why = app.explain_decision(code, nominated_version(app, code))

    assert why.before is not None and why.before.status(Level.MUNICIPAL) == "listed"
    assert {r.outcome for r in why.rules} == {PASSED} and why.justification == ""


def test_the_first_event_has_no_state_before_and_unknown_versions_are_not_found(
    app: Greenlist,
) -> None:
    code = s.credit_code(3)
    s.register_and_cultivate(app, code)
    registered = app.explain_decision(code, 1)
    assert registered.event.type == "UnitRegistered" and registered.before is None
    assert [r.code for r in registered.rules] == registered.event.rules
    for version in (0, 3):
        with pytest.raises(NotFound):
            app.explain_decision(code, version)
    with pytest.raises(NotFound):
        app.explain_decision(s.credit_code(4), 1)
