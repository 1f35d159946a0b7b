"""What any act's record must be (domain.rules.provenance): no act dated after its recording
(A29), and only values the stores keep and give back (issue 9 item 7)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from domain.rules import provenance as c
from tests.unit.rules.refusing import refused

NOW = datetime(2025, 9, 1, 2, 0, tzinfo=UTC)


def test_an_act_may_be_dated_up_to_the_clock_skew_after_its_recording() -> None:
    c.check_not_future_dated(NOW + c.CLOCK_SKEW, NOW, ["A16.1"])
    c.check_not_future_dated(NOW - timedelta(days=30), NOW, ["A16.1"])
    with refused("A16.1") as caught:
        c.check_not_future_dated(NOW + c.CLOCK_SKEW + timedelta(microseconds=1), NOW, ["A16.1"])
    assert "2025-09-01T10:00:05+08:00" in caught.value.en


def test_an_act_of_no_named_rule_is_refused_under_a29() -> None:
    with refused("A29"):
        c.check_not_future_dated(NOW + timedelta(hours=1), NOW, [])


@pytest.mark.parametrize(
    ("value", "where", "kind"),
    [
        ({"x": math.inf}, "facts.x", "number"),
        ({"x": [1, 2**63]}, "facts.x.1", "integer"),
        ({"x": "a\x00b"}, "facts.x", "text"),
        ({"x\ud800": 1}, "facts.x\ud800", "text"),
        ({"x": {"_type_": "date_iso", "_data_": "2025"}}, "facts.x", "tag"),
    ],
)
def test_a_value_no_store_keeps_is_found_with_its_path(
    value: object, where: str, kind: str
) -> None:
    assert c.unstorable(value, "facts") == (where, kind)
    with refused("A8") as caught:
        c.check_storable(["A8"], {"facts": value})
    assert where in caught.value.en


def test_plain_values_are_kept() -> None:
    assert c.unstorable({"a": [1, 2.5, "text", None, True, NOW, {"b": -(2**63)}]}) is None
    c.check_storable(["A8"], {"facts": {"a": 1}})
