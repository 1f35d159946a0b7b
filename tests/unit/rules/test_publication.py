"""The public notice and the joint publication (A16, domain.rules.publication) as pure
functions."""

from __future__ import annotations

from datetime import date

import pytest

from domain.rules import publication as c
from domain.rules.calendar import notice_last_day, notice_over_on
from simulation import scenarios as s
from tests.unit.rules.refusing import refused

D = date(2025, 9, 1)


def test_publication_on_day_14_is_refused_and_on_day_15_accepted() -> None:
    last = notice_last_day(D)
    with refused("A16.1"):
        c.check_a16_1_notice_over(last, s.at(date(2025, 9, 15), 23, 59, 59))
    with refused("A16.1"):
        c.check_a16_1_notice_over(None, s.at(date(2025, 12, 1)))
    c.check_a16_1_notice_over(last, s.at(date(2025, 9, 16), 0, 0, 0))


def test_an_objection_after_the_notice_is_refused() -> None:
    last = notice_last_day(D)
    c.check_a16_1_within_notice(last, s.at(date(2025, 9, 15), 23, 59, 59))
    with refused("A16.1"):
        c.check_a16_1_within_notice(last, s.at(date(2025, 9, 16), 0, 0, 0))
    with refused("A16.1"):
        c.check_a16_1_within_notice(None, s.at(date(2025, 9, 2)))


def test_a_notice_opens_once_and_closes_the_day_after_its_last_day() -> None:
    c.check_a16_1_not_open(False)
    with refused("A16.1"):
        c.check_a16_1_not_open(True)
    with refused("A16.1"):
        c.check_a16_1_opened(False)
    last = notice_last_day(D)
    with refused("A16.1") as caught:
        c.check_a16_1_ended(last, last, notice_over_on(last))
    assert "2025-09-15" in caught.value.en and "2025-09-15" in caught.value.zh
    c.check_a16_1_ended(last, date(2025, 9, 16), notice_over_on(last))


@pytest.mark.parametrize("summary", ["", "   "])
def test_an_objection_states_its_grounds(summary: str) -> None:
    c.check_a16_1_objection_grounds("材料不实")
    with refused("A16.1"):
        c.check_a16_1_objection_grounds(summary)


def test_only_a_pending_objection_is_decided_and_none_may_be_pending_at_publication() -> None:
    c.check_a16_1_pending(True)
    with refused("A16.1"):
        c.check_a16_1_pending(False)
    c.check_a16_1_objections_decided(False)
    with refused("A16.1"):
        c.check_a16_1_objections_decided(True)


@pytest.mark.parametrize("signed", [[], ["ndrc"], ["eco_env"]])
def test_joint_publication_needs_both_co_signatures(signed: list[str]) -> None:
    with refused("A16.2"):
        c.check_a16_2_cosigned(signed)
    c.check_a16_2_cosigned(["eco_env", "ndrc"])


def test_each_co_publisher_signs_once() -> None:
    for department in c.CO_PUBLISHERS:
        c.check_a16_2_department(department)
    with refused("A16.2"):
        c.check_a16_2_department("mof")
    c.check_a16_2_signs_once(False)
    with refused("A16.2"):
        c.check_a16_2_signs_once(True)


def test_a_round_is_published_once() -> None:
    c.check_a16_2_not_published(None)
    with refused("A16.2"):
        c.check_a16_2_not_published(date(2025, 9, 16))
