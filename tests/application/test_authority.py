"""The service is the one authority (issue 11 item 3): every command is decided from one table
of who may do what (domain.rules.jurisdiction), and takes the version of the record it acts on
that its caller read (`expected_version`), checked when it loads that record.

Scenarios: the table names every command of the service, and a role it does not grant is
refused under ID.3 before anything is read (so the answer does not depend on whether the
record exists); a stale expected version is refused, nothing recorded, `ANY_VERSION` only
asks that the record exist, and a command's expected version is that of the record its
receipt names (a panel's draw: the round's)."""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any

import pytest

from domain.aggregates.round import round_id
from domain.errors import NotFound, OutOfJurisdiction, VersionMismatch
from domain.rules.jurisdiction import ACTS, DEADLINES, describe
from domain.service import Greenlist
from domain.service.base import ANY_VERSION
from domain.values import PROVINCE, Actor, Level, Role
from simulation import scenarios as s

READS_ONE_PERSON = {"read_complaint", "read_objection"}
"""The methods that take an actor and are no command: a report's case file is read by the
handling city and the inspectors (A23.1), an objection's by the province and the inspectors
(A16.1), the report or objection deciding it (the identity is a disclosure, a command)."""
CALENDAR = {act for act, grants in ACTS.items() if grants is DEADLINES}
"""The calendar's acts first look whether anything fell due: nothing falls due, nothing is
decided (they need a record, so the scenarios of tests/scheduler drive them)."""


def commands() -> set[str]:
    return {
        name
        for name, method in inspect.getmembers(Greenlist, inspect.isfunction)
        if not name.startswith("_") and list(inspect.signature(method).parameters)[1:2] == ["actor"]
    }


def test_the_table_names_every_command_of_the_service_and_nothing_else() -> None:
    assert commands() - READS_ONE_PERSON == set(ACTS)
    assert {
        "close_nomination_window",
        "close_public_notice",
        "expire_dynamic_form",
        "mark_rereview_due",
        "lapse_negative_record",
        "flag_rectification_overdue",
    } == CALENDAR
    for grants in ACTS.values():
        assert grants, "every act is someone's"
        for role, grant in grants.items():
            assert describe(role, grant).startswith(role.value)


def actor_of(role: Role) -> Actor:
    """An actor of `role` whose credentials are in order (ID.3): only its role is wrong."""
    if role is Role.CITY:
        return s.city_actor("330100")
    if role is Role.ENTERPRISE:
        return s.enterprise_actor(s.credit_code(1, "330100"))
    if role is Role.AGENCY:
        return s.agency_actor(s.credit_code(60, "330100"))
    return Actor(f"{role.value}-01", role, PROVINCE, "ndrc" if role is Role.CODEPT else None)


REFUSED = [
    (act, role) for act in sorted(set(ACTS) - CALENDAR) for role in Role if role not in ACTS[act]
]


@pytest.mark.stores("memory")
@pytest.mark.parametrize(("act", "role"), REFUSED, ids=[f"{a}-{r.value}" for a, r in REFUSED])
def test_a_role_the_table_does_not_grant_is_refused_before_anything_is_read(
    app: Greenlist, act: str, role: Role
) -> None:
    """Every other argument is None: the refusal comes before any of them is looked at, and
    before any record is read."""
    command = getattr(app, act)
    parameters = list(inspect.signature(getattr(Greenlist, act)).parameters.values())[2:]
    required = [p for p in parameters if p.default is inspect.Parameter.empty]
    before = s.log_size(app)
    with pytest.raises(OutOfJurisdiction) as refused:
        command(actor_of(role), *(None for _ in required))
    assert refused.value.codes[0] == "ID.3"  # with the rule that says whose act it is (A19.4)
    assert refused.value.zh.strip() and refused.value.en.strip()
    assert s.log_size(app) == before


def negative_record(app: Greenlist, code: str, **expect: Any) -> Any:
    """The unit's city records an article 17 ground (A17.4) on the unit."""
    return app.record_negative_record(
        s.city_actor(),
        code,
        "A17.4",
        date(2024, 6, 1),
        "信用中国",
        "授权测试 authority",
        occurred_at=s.at(date(2025, 2, 1)),
        **expect,
    )


def test_a_stale_expected_version_is_refused_and_nothing_is_recorded(app: Greenlist) -> None:
    code = s.credit_code(11)
    s.register_and_cultivate(app, code)
    read = app.get_unit(code).version
    before = s.log_size(app)
    for stale in (read - 1, read + 1):
        with pytest.raises(VersionMismatch) as refused:
            negative_record(app, code, expected_version=stale)
        assert str(read) in refused.value.en and str(read) in refused.value.zh
    assert s.log_size(app) == before and app.get_unit(code).version == read
    receipt = negative_record(app, code, expected_version=read)
    assert receipt.version > read
    again = negative_record(app, code, expected_version=ANY_VERSION)
    assert again.version > receipt.version


def test_who_may_act_is_decided_before_the_version_is_looked_at(app: Greenlist) -> None:
    """A role that may not act learns nothing of the record: the refusal is the same whether
    the expected version is stale or the record does not exist."""
    code = s.credit_code(12)
    s.register_and_cultivate(app, code)
    for target, version in ((code, 0), (s.credit_code(13), 1)):
        with pytest.raises(OutOfJurisdiction):
            app.cultivate(
                s.PROVINCE_ACTOR, target, 2025, dict(s.FACTORY_FACTS), expected_version=version
            )
    with pytest.raises(NotFound):
        app.cultivate(s.city_actor(), s.credit_code(13), 2025, {}, expected_version=1)


def test_any_version_asks_that_the_record_exist(app: Greenlist) -> None:
    """The first enrolment opens the expert pool: a caller expecting a version of it, any,
    finds none; nothing is recorded."""
    before = s.log_size(app)
    with pytest.raises(VersionMismatch) as refused:
        app.enrol_expert(
            s.PROVINCE_ACTOR, "E900", "专家", s.credit_code(900), expected_version=ANY_VERSION
        )
    assert "does not exist" in refused.value.en
    assert s.log_size(app) == before
    first = app.enrol_expert(s.PROVINCE_ACTOR, "E900", "专家", s.credit_code(900))
    app.enrol_expert(
        s.PROVINCE_ACTOR, "E901", "专家", s.credit_code(901), expected_version=first.version
    )


def test_the_expected_version_is_that_of_the_record_the_receipt_names(app: Greenlist) -> None:
    """A panel is drawn on the round, which holds the panels: its receipt names the round, and
    the caller's expected version is the round's, not the unit's."""
    code = s.credit_code(14)
    s.prepare_candidate(app, code)
    city = s.city_actor()
    app.list_municipally(city, code, occurred_at=s.at(date(2025, 3, 1)))
    s.ensure_round(app, Level.PROVINCIAL, 2025)
    app.nominate(city, code, Level.PROVINCIAL, 2025, occurred_at=s.at(date(2025, 6, 1)))
    s.ensure_experts(app, 3)
    app.record_preliminary_review(s.PROVINCE_ACTOR, code, Level.PROVINCIAL, True)
    round_version = app.get_round(Level.PROVINCIAL, 2025)["version"]
    unit_version = app.get_unit(code).version
    assert unit_version != round_version
    draw: dict[str, Any] = {"size": 3}
    with pytest.raises(VersionMismatch):
        app.draw_expert_panel(
            s.PROVINCE_ACTOR,
            code,
            Level.PROVINCIAL,
            2025,
            expected_version=unit_version,
            **draw,
        )
    receipt = app.draw_expert_panel(
        s.PROVINCE_ACTOR, code, Level.PROVINCIAL, 2025, expected_version=round_version, **draw
    )
    assert receipt.aggregate_id == round_id(Level.PROVINCIAL, 2025)
