"""Scenarios of the public notice and the joint publication (A16.1-A16.3), and of the national
round that follows the same procedure (A15.4), through the service on every store. A refusal
names its code and records nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import OutOfJurisdiction
from domain.service import Greenlist
from simulation import scenarios as s
from tests.application.rules_steps import (
    NAT,
    PROV,
    YEAR,
    D,
    P,
    cosign_both,
    day,
    last_event,
    refused,
    under_notice,
    versions,
)

# --- A15.4 / A16.3: the national round ---------------------------------------------------


def test_the_national_round_follows_the_same_procedure_and_recommends_to_miit(
    app: Greenlist,
) -> None:
    code, nyear = s.credit_code(19), YEAR + 1
    s.list_provincially(app, code, YEAR)
    s.evaluate(app, code, NAT, nyear)
    s.ensure_round(app, NAT, nyear)
    s.nominate_and_review(app, code, NAT, nyear)
    assert last_event(app.unit_history(code), "Nominated").exceptions == []
    with refused(app, "A15.3", versions(app, code, level=NAT, year=nyear)):
        app.recommend_to_miit(P, nyear, occurred_at=day(8, 1, year=nyear))
    s.recommend_to_miit(app, nyear)  # MIIT decides (test_a16_3_miit_decides_the_national_list)
    s.miit_outcome(app, code, nyear)
    assert app.get_unit(code).status(NAT) == "listed"
    recorded = last_event(app.unit_history(code), "MiitOutcomeRecorded")
    recommended = last_event(app.round_history(NAT, nyear), "MiitRecommendationSubmitted")
    for event in (recorded, recommended):
        assert {"A15.4", "A16.3"} <= set(event.rules)


# --- A16.1-A16.2: the notice and the joint publication --------------------------------------------


def test_publication_on_day_14_of_the_notice_is_refused_and_on_day_15_accepted(
    app: Greenlist,
) -> None:
    code = s.credit_code(20)
    under_notice(app, code)
    cosign_both(app)
    day14, day15 = D + timedelta(days=14), D + timedelta(days=15)
    with refused(app, "A16.1", versions(app, code)):
        app.publish_round(P, PROV, YEAR, occurred_at=s.at(day14, 23, 59, 59))
    app.publish_round(P, PROV, YEAR, occurred_at=s.at(day15, 0, 0, 0))
    assert app.get_unit(code).status(PROV) == "listed"
    assert app.get_round(PROV, YEAR)["published_on"] == day15


def test_an_upheld_objection_withholds_the_unit(app: Greenlist) -> None:
    objected, clean = s.credit_code(21), s.credit_code(22)
    under_notice(app, objected, clean)
    receipt = app.raise_objection(
        s.PROVINCE_ACTOR,
        objected,
        PROV,
        "环评手续不全",
        occurred_at=s.at(D + timedelta(days=14), 23),
    )
    objection = receipt.details["objection_id"]
    app.decide_objection(P, objected, PROV, objection, True, occurred_at=day(9, 16))
    cosign_both(app)
    app.publish_round(P, PROV, YEAR, occurred_at=day(9, 20))
    assert app.get_unit(objected).status(PROV) == "withheld"
    assert app.get_unit(clean).status(PROV) == "listed"
    assert "A16.1" in last_event(app.unit_history(objected), "ListingWithheld").rules
    published = last_event(app.round_history(PROV, YEAR), "Published")
    assert published.data["withheld"] == [str(app.get_unit(objected).id)]


def test_an_objection_after_the_notice_is_refused(app: Greenlist) -> None:
    code = s.credit_code(23)
    under_notice(app, code)
    with refused(app, "A16.1", lambda: app.get_unit(code).version):
        app.raise_objection(
            s.PROVINCE_ACTOR, code, PROV, "迟到的异议", occurred_at=day(9, 16, 0, 0, 0)
        )


def test_publication_with_an_undecided_objection_is_refused(app: Greenlist) -> None:
    code = s.credit_code(24)
    under_notice(app, code)
    receipt = app.raise_objection(s.PROVINCE_ACTOR, code, PROV, "数据存疑", occurred_at=day(9, 5))
    cosign_both(app)
    with refused(app, "A16.1", versions(app, code)):
        app.publish_round(P, PROV, YEAR, occurred_at=day(9, 20))
    objection = receipt.details["objection_id"]
    app.decide_objection(P, code, PROV, objection, False, occurred_at=day(9, 21))
    app.publish_round(P, PROV, YEAR, occurred_at=day(9, 22))
    assert app.get_unit(code).status(PROV) == "listed"


@pytest.mark.parametrize("signers", [(), ("ndrc",), ("eco_env",)])
def test_provincial_publication_without_both_co_signatures_is_refused(
    app: Greenlist, signers: tuple[str, ...]
) -> None:
    code = s.credit_code(25)
    under_notice(app, code)
    actors = {"ndrc": s.NDRC, "eco_env": s.ECO_ENV}
    for dept in signers:
        app.cosign_publication(actors[dept], PROV, YEAR, dept, occurred_at=day(9, 10))
    publish = app.publish_round
    with refused(app, "A16.2", versions(app, code)):
        publish(P, PROV, YEAR, occurred_at=day(9, 20))
    cosign_both(app)
    publish(P, PROV, YEAR, occurred_at=day(9, 20))
    assert app.get_unit(code).status(PROV) == "listed"
    assert "A16.2" in last_event(app.unit_history(code), "Listed").rules


def test_only_the_co_publishing_departments_sign(app: Greenlist) -> None:
    code = s.credit_code(26)
    under_notice(app, code)
    cosign = app.cosign_publication
    with refused(app, "A16.2", versions(app, code)):
        cosign(s.NDRC, PROV, YEAR, "finance", occurred_at=day(9, 10))
    with refused(app, "ID.3", versions(app, code), OutOfJurisdiction):
        cosign(P, PROV, YEAR, "ndrc", occurred_at=day(9, 10))
