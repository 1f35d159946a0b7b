"""Scenarios of A15.4 / A16.3 (issue 12 item 1): the national list is MIIT's decision. The
national round follows the provincial procedure (A15.4) and ends with the province's
recommendation to MIIT, with no 15-day provincial notice, co-signature or publication (A16.3);
MIIT's published outcome (listed or not, its document number and date) is recorded by the
province, and only a "listed" outcome puts a unit on the national list. On every store; a
refusal names its code and records nothing."""

from __future__ import annotations

from datetime import date

import pytest

from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s
from tests.application.rules_steps import NAT, YEAR, P, day, last_event, refused, versions

NYEAR = YEAR + 1
"""The national round's year: its nominees were listed provincially the year before (A14.3)."""


def reviewed_nationally(app: Greenlist, *serials: int) -> list[str]:
    """Units listed provincially in YEAR, nominated and reviewed in NYEAR's national round."""
    codes = [s.credit_code(serial) for serial in serials]
    s.list_provincially_together(app, *codes, year=YEAR)
    for code in codes:
        s.evaluate(app, code, NAT, NYEAR)
    s.ensure_round(app, NAT, NYEAR)
    for code in codes:  # every nomination by 1 June, before the first review in July
        s.nominate(app, code, NAT, NYEAR)
    for code in codes:
        s.review(app, code, NAT, NYEAR)
    return codes


def recommended(app: Greenlist, *serials: int) -> list[str]:
    codes = reviewed_nationally(app, *serials)
    s.recommend_to_miit(app, NYEAR)
    return codes


def outcome(
    app: Greenlist, code: str, published: date, listed: bool = True, number: str = "x"
) -> None:
    document = s.miit_document(NYEAR) if number == "x" else number
    app.record_miit_outcome(P, code, NYEAR, listed, document, s.at(published))


def test_a16_3_the_province_recommends_the_national_round_to_miit_without_a_notice(
    app: Greenlist,
) -> None:
    (code,) = reviewed_nationally(app, 41)
    with refused(app, "A15.3", versions(app, code, level=NAT, year=NYEAR)):
        app.recommend_to_miit(P, NYEAR, occurred_at=day(8, 1, year=NYEAR))  # no sample yet
    recommended_on = s.recommend_to_miit(app, NYEAR)
    unit = app.get_unit(code)
    assert unit.status(NAT) == "recommended_to_miit"
    event = last_event(app.unit_history(code), "RecommendedToMiit")
    assert str(event.data["recommended_on"]) == recommended_on.isoformat()
    sent = last_event(app.round_history(NAT, NYEAR), "MiitRecommendationSubmitted")
    assert {"A15.4", "A16.3"} <= set(sent.rules) and sent.data["unit_ids"] == [str(unit.id)]
    assert [e.type for e in app.round_history(NAT, NYEAR)].count("PublicNoticeOpened") == 0
    with refused(app, "A16.3", versions(app, code, level=NAT, year=NYEAR)):
        app.recommend_to_miit(P, NYEAR, occurred_at=day(9, 2, year=NYEAR))  # once


def test_a16_3_a_national_round_has_no_provincial_notice_cosignature_or_publication(
    app: Greenlist,
) -> None:
    (code,) = reviewed_nationally(app, 42)
    s.sample_and_inspect(app, NAT, NYEAR, 0)
    unchanged = versions(app, code, level=NAT, year=NYEAR)
    with refused(app, "A16.3", unchanged):
        app.open_public_notice(P, NAT, NYEAR, occurred_at=day(9, 1, year=NYEAR))
    with refused(app, "A16.3", unchanged):
        app.cosign_publication(s.NDRC, NAT, NYEAR, "ndrc", occurred_at=day(9, 2, year=NYEAR))
    with refused(app, "A16.3", unchanged):
        app.publish_round(P, NAT, NYEAR, occurred_at=day(9, 20, year=NYEAR))


def test_a16_3_miit_listed_puts_the_unit_on_the_national_list_from_miit_date(
    app: Greenlist,
) -> None:
    listed, not_listed = recommended(app, 43, 44)
    published = date(NYEAR, 11, 20)
    outcome(app, listed, published)
    outcome(app, not_listed, published, listed=False)
    unit = app.get_unit(listed)
    assert unit.status(NAT) == "listed"
    assert unit.standing["national"]["listed_on"] == published
    assert unit.standing["national"]["miit_document"] == s.miit_document(NYEAR)
    recorded = last_event(app.unit_history(listed), "MiitOutcomeRecorded")
    assert recorded.occurred_at.date() == published and {"A16.3"} <= set(recorded.rules)
    assert "Listed" not in [e.type for e in app.unit_history(listed)][-3:]
    other = app.get_unit(not_listed)
    assert other.status(NAT) == "not_listed_by_miit"


@pytest.mark.parametrize(
    ("case", "published", "number"),
    [
        ("no document number", date(NYEAR, 11, 20), "  "),
        ("before the recommendation", date(NYEAR, 8, 31), "x"),
    ],
)
def test_a16_3_a_miit_outcome_needs_its_document_number_and_a_date_after_the_recommendation(
    app: Greenlist, case: str, published: date, number: str
) -> None:
    (code,) = recommended(app, 45)
    app.clock.set(s.at(date(NYEAR, 12, 1)))
    with refused(app.unwrapped, "A16.3", versions(app, code, level=NAT, year=NYEAR)):
        outcome(app.unwrapped, code, published, number=number)


def test_a16_3_a_miit_outcome_in_the_future_is_refused(app: Greenlist) -> None:
    (code,) = recommended(app, 46)
    with refused(app.unwrapped, "A16.3", versions(app, code, level=NAT, year=NYEAR)):
        outcome(app.unwrapped, code, date(NYEAR, 12, 30))


def test_a16_3_only_recommended_units_get_a_miit_outcome_once_a_year(app: Greenlist) -> None:
    (code,) = reviewed_nationally(app, 47)
    unchanged = versions(app, code, level=NAT, year=NYEAR)
    with refused(app, "A16.3", unchanged):
        outcome(app, code, date(NYEAR, 8, 30))  # reviewed, never recommended
    s.recommend_to_miit(app, NYEAR)
    outcome(app, code, date(NYEAR, 11, 20))
    with refused(app, "A16.3", versions(app, code, level=NAT, year=NYEAR)):
        outcome(app, code, date(NYEAR, 11, 25), listed=False)
    assert app.get_unit(code).status(Level.NATIONAL) == "listed"
