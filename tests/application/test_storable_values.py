"""The domain is the last line (issue 9 item 7): whatever reaches the service, an act whose event
would hold a value no store keeps and gives back as JSON is refused under the rules it applies,
and nothing is recorded. Non-finite numbers (written back as `Infinity`, which is not JSON),
integers beyond 64 bits, text with NUL or a lone surrogate, objects shaped like the event
store's own type tag; a score outside 0-100 (NaN included), a park's value-added share that is
no percentage. On every store; the unit's history reads as strict JSON afterwards."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

import pytest

from domain.service import Greenlist
from domain.values import PROVINCE, Actor, Level, Role, UnitKind
from simulation import scenarios as s
from tests.application.rules_steps import PROV, YEAR, P, day, nominate, ready
from tests.refusals import refused

HANGZHOU = s.city_actor("330100")
UNSTORABLE: list[Any] = [
    float("inf"),
    float("-inf"),
    float("nan"),
    2**63,
    -(2**63) - 1,
    10**5000,
    "绿\x00色",
    "\ud800",
    {"_type_": "uuid_hex", "_data_": "not-a-uuid"},
    {"_type_": "date_iso", "_data_": "2025-01-01"},
]
"""Python values that the API refuses before the service; here they come straight in."""


def ident(value: Any) -> str:
    """A test id (`repr` of an integer of 5,000 digits raises in Python 3.11)."""
    if isinstance(value, int) and abs(value) > 10**30:
        return f"int of {len(str(value)) if abs(value) < 10**4000 else 'many'} digits"
    return repr(value)


def strict_history(app: Greenlist, code: str) -> list[dict[str, Any]]:
    """The unit's history as JSON in the RFC 8259 sense (no NaN, no Infinity)."""
    text = json.dumps([asdict(e) for e in app.unit_history(code)], allow_nan=False, default=str)
    events: list[dict[str, Any]] = json.loads(text)
    return events


@pytest.mark.parametrize("value", UNSTORABLE, ids=ident)
def test_facts_no_store_keeps_are_refused(app: Greenlist, value: Any) -> None:
    code = s.credit_code(70)
    app.register_unit(HANGZHOU, code, UnitKind.FACTORY, "边界工厂")
    for facts in (
        {**s.FACTORY_FACTS, "x": value},
        {**s.FACTORY_FACTS, "evidence": [{"nested": value}]},
    ):
        with refused(app, "A8", code) as refusal:
            app.cultivate(HANGZHOU, code, YEAR, facts)
        assert "facts" in refusal.value.en and "facts" in refusal.value.zh
    assert [e["type"] for e in strict_history(app, code)] == ["UnitRegistered"]


@pytest.mark.parametrize("value", UNSTORABLE, ids=ident)
def test_indicators_no_store_keeps_are_refused(app: Greenlist, value: Any) -> None:
    code = s.credit_code(71)
    s.list_provincially(app, code)
    with refused(app, "A18", code):
        app.submit_dynamic_form(
            s.enterprise_actor(code), code, PROV, YEAR, {"energy_per_output": value}
        )
    assert app.get_unit(code).forms == {}
    strict_history(app, code)


def test_a_name_no_store_keeps_is_refused(app: Greenlist) -> None:
    """The first event of an aggregate is checked as every other."""
    before = s.log_size(app)
    for name in ("绿\x00色工厂", "\udfff工厂"):
        with pytest.raises(Exception) as caught:
            app.register_unit(HANGZHOU, s.credit_code(72), UnitKind.FACTORY, name)
        assert "ID.1" in getattr(caught.value, "codes", ()), caught.value
    assert s.log_size(app) == before


SCORES: list[Any] = [float("nan"), float("inf"), float("-inf"), -0.5, 100.5, True]


@pytest.mark.parametrize("points", SCORES, ids=ident)
def test_an_evaluation_score_outside_0_to_100_is_refused(app: Greenlist, points: Any) -> None:
    code = s.credit_code(73)
    s.register_and_cultivate(app, code)
    with refused(app, "A12", code):
        app.submit_evaluation(
            s.enterprise_actor(code),
            code,
            Level.MUNICIPAL,
            YEAR,
            s.report_hash("x"),
            points,
            True,
            occurred_at=day(2, 1),
        )
    strict_history(app, code)


@pytest.mark.parametrize("points", SCORES, ids=ident)
def test_an_expert_score_outside_0_to_100_is_refused(app: Greenlist, points: Any) -> None:
    code = s.credit_code(74)
    ready(app, code)
    nominate(app, code)
    app.record_preliminary_review(P, code, PROV, True, occurred_at=day(7, 5))
    panel = app.draw_expert_panel(P, code, PROV, YEAR, 3, occurred_at=day(7, 6))
    expert = Actor(panel.details["panel"][0], Role.EXPERT, PROVINCE)
    with refused(app, "A15.2", code):
        app.score_unit(expert, PROV, YEAR, code, points, "意见", occurred_at=day(7, 8))
    with refused(app, "A15.2", code):
        app.record_expert_review(P, code, PROV, True, points, occurred_at=day(7, 9))


@pytest.mark.parametrize(
    "share", [float("inf"), float("nan"), 10**400, 100.5, "62.5", "inf", True, None], ids=ident
)
def test_a_value_added_share_that_is_no_percentage_is_refused(app: Greenlist, share: Any) -> None:
    """A10.1: `float("inf")` of the text "inf" passed the "more than 50 %" test until now, and
    `float(10**400)` failed the request."""
    code = s.credit_code(75)
    app.register_unit(HANGZHOU, code, UnitKind.PARK, "边界园区")
    facts = {**s.PARK_FACTS, "value_added_share": share}
    with refused(app, "A10.1", code):
        app.cultivate(HANGZHOU, code, YEAR, facts)


def test_ordinary_values_are_recorded(app: Greenlist) -> None:
    """Large but sane numbers, text in any script, nested facts: recorded as they were."""
    code = s.credit_code(76)
    app.register_unit(HANGZHOU, code, UnitKind.FACTORY, "正常工厂 🌿")
    facts = {**s.FACTORY_FACTS, "output_yuan": 2**62, "ratio": 1e300, "notes": ["节能", {"a": 0}]}
    app.cultivate(HANGZHOU, code, YEAR, facts, occurred_at=s.at(date(YEAR, 1, 10)))
    (_, cultivated) = strict_history(app, code)
    assert cultivated["data"]["facts"] == facts
