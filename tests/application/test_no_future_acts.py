"""No act dated in the future (issue 9, item 3), through the service on every store.

A deadline is judged at the act's date, so an act stated after its recording would be judged
past a deadline before the deadline has come: a publication before the notice's end (A16.1),
a form overdue before 16 April (A18 -> A19.2), an 11th provincial report counted in next year's
quota (A22.3). Each is refused naming the rules it would have dodged, with both messages, and
nothing is recorded. The scenarios set the clock themselves and call the service unwrapped
(`app.unwrapped`): the `app` fixture's clock follows the acts' dates (tests/on_time.py), which
would hide the refusal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.acts import Act
from domain.clock import SettableClock
from domain.errors import RuleViolation
from domain.rules import RULES
from domain.rules.checks import CLOCK_SKEW
from domain.service import Greenlist
from domain.values import PROVINCE, Actor, Level, Role, UnitKind, local_midnight
from simulation import scenarios as s
from simulation.scenarios import at
from tests.application.rules_steps import PROV, YEAR, cosign_both, day, under_notice
from tests.refusals import refused

P = s.PROVINCE_ACTOR
INDICATORS = {"energy_per_output": 0.41}


@contextmanager
def refused_as_future(
    app: Greenlist, codes: tuple[str, ...], *units: str
) -> Iterator[pytest.ExceptionInfo[RuleViolation]]:
    """The block is refused for being dated after its recording, naming exactly `codes`, in
    Chinese and English; the units keep their versions, the store gets no event and the clock
    does not move."""
    clock_before = app.clock.now()
    with refused(app, codes[0], *units) as caught:
        yield caught
    assert caught.value.codes == codes, caught.value
    assert "dated in the future" in caught.value.en and "不得记录尚未发生的事项" in caught.value.zh
    assert app.clock.now() - clock_before < timedelta(seconds=1)


# --- the three ways a future date dodged a deadline -------------------------------------------


def test_a_publication_dated_after_the_notice_s_end_is_refused_while_the_notice_runs(
    app: Greenlist, clock: SettableClock
) -> None:
    code = s.credit_code(90)
    under_notice(app, code)  # opened 1 September, last day the 15th: over on the 16th (A16.1)
    cosign_both(app)
    service = app.unwrapped
    clock.set(day(9, 12))
    with refused_as_future(service, ("A16.1", "A16.2"), code):
        service.publish_round(P, PROV, YEAR, occurred_at=day(9, 16))
    assert service.get_unit(code).status(PROV) == "under_notice"
    assert service.get_round(PROV, YEAR)["published_on"] is None

    clock.set(day(9, 16))  # the day the notice is over, the same publication goes through
    service.publish_round(P, PROV, YEAR, occurred_at=day(9, 16))
    assert service.get_unit(code).status(PROV) == "listed"
    assert service.get_round(PROV, YEAR)["published_on"] == date(YEAR, 9, 16)


def test_a_form_marked_overdue_on_16_april_is_refused_on_10_april(
    app: Greenlist, clock: SettableClock
) -> None:
    code = s.credit_code(91)
    s.list_provincially(app, code)
    service = app.unwrapped
    clock.set(at(date(2026, 4, 10)))
    with refused_as_future(service, ("A18", "A19.2"), code):
        service.mark_form_overdue(
            P, code, PROV, 2025, occurred_at=local_midnight(date(2026, 4, 16))
        )
    unit = service.get_unit(code)
    assert unit.forms == {} and "pending_removal" not in unit.standing[PROV.value]

    clock.set(at(date(2026, 4, 12)))  # the enterprise still had until 15 April, and used it
    service.submit_dynamic_form(s.enterprise_actor(code), code, PROV, 2025, INDICATORS)
    assert service.get_unit(code).forms == {"provincial/2025": "submitted"}


def test_an_11th_provincial_report_dated_into_next_year_is_refused(
    app: Greenlist, clock: SettableClock
) -> None:
    """A22.3 counts a report in the year it is submitted: dated 1 January 2026 on New Year's
    Eve, the 11th of 2025 would have counted in 2026's quota."""
    agency = s.register_agency(app, 610, "钱七")
    codes = [s.credit_code(620 + i) for i in range(11)]
    for code in codes:
        s.register_and_cultivate(app, code)

    def report(code: str, when: datetime | None, service: Greenlist = app) -> Any:
        digest = s.report_hash(f"{agency}/{code}")
        year = (when or service.clock.now()).year
        return service.submit_evaluation(
            s.agency_actor(agency), code, PROV, year, digest, 88.0, True, occurred_at=when
        )

    for code in codes[:10]:
        report(code, at(date(2025, 2, 1)))
    assert app.quota_used(s.representative_id("钱七"), 2025)["provincial"] == 10
    service, eleventh = app.unwrapped, codes[10]
    clock.set(at(date(2025, 12, 31), 20))
    with refused_as_future(service, ("A12", "A22.3"), eleventh):
        report(eleventh, at(date(2026, 1, 1), 9), service)
    assert service.quota_used(s.representative_id("钱七"), 2026) == {
        "national": 0,
        "provincial": 0,
        "none": 0,
    }
    with refused(service, "A22.3", eleventh):  # dated now, it is 2025's 11th: the quota is full
        report(eleventh, None, service)

    clock.set(at(date(2026, 1, 1), 9))  # in the new year it counts in the new year's quota
    report(eleventh, at(date(2026, 1, 1), 9), service)
    assert service.quota_used(s.representative_id("钱七"), 2026)["provincial"] == 1
    assert service.quota_used(s.representative_id("钱七"), 2025)["provincial"] == 10


# --- the clock skew ---------------------------------------------------------------------------


def test_four_seconds_of_clock_skew_are_accepted_six_are_not(
    app: Greenlist, clock: SettableClock
) -> None:
    service, now = app.unwrapped, datetime(2025, 1, 10, 2, 0, tzinfo=UTC)
    early, late = s.credit_code(95), s.credit_code(96)
    clock.set(now)
    with refused_as_future(service, ("ID.1", "ID.2")):
        service.register_unit(
            s.city_actor(),
            late,
            UnitKind.FACTORY,
            "快钟工厂",
            occurred_at=now + timedelta(seconds=6),
        )
    service.register_unit(
        s.city_actor(), early, UnitKind.FACTORY, "慢钟工厂", occurred_at=now + timedelta(seconds=4)
    )
    (registered,) = service.unit_history(early)
    assert registered.occurred_at == now + timedelta(seconds=4)
    assert now < registered.recorded_at < registered.occurred_at  # within the skew, kept as said
    assert s.log_size(service) == 1


def test_the_skew_moves_no_deadline(app: Greenlist, clock: SettableClock) -> None:
    """Deadlines are judged at the recording: a publication stated one second into the day the
    notice is over, recorded two seconds before that day, is judged on the notice's last day."""
    code = s.credit_code(97)
    under_notice(app, code)
    cosign_both(app)
    service = app.unwrapped
    clock.set(at(date(YEAR, 9, 15), 23, 59, 58))
    with refused(service, "A16.1", code) as caught:
        service.publish_round(P, PROV, YEAR, occurred_at=at(date(YEAR, 9, 16), 0, 0, 1))
    assert "notice is not over" in caught.value.en  # the notice's refusal, not the skew's
    assert service.get_unit(code).status(PROV) == "under_notice"


# --- the scheduler and the catch-all ---------------------------------------------------------


def test_a_deadline_act_is_refused_before_its_due_date(
    app: Greenlist, clock: SettableClock
) -> None:
    """The scheduler dates its acts at 00:00 of the due date and acts once it has come: a due
    date still ahead is refused, naming the deadline's rules; on the day it is recorded."""
    code = s.credit_code(98)
    s.list_provincially(app, code)
    service, system = app.unwrapped, s.SYSTEM_ACTOR
    clock.set(at(date(2026, 4, 10)))
    with refused_as_future(service, ("A18", "A19.2"), code):
        service.expire_dynamic_form(system, code, PROV, 2025, date(2026, 4, 16))
    clock.set(local_midnight(date(2026, 4, 16)) + timedelta(seconds=1))
    assert service.expire_dynamic_form(system, code, PROV, 2025, date(2026, 4, 16)) is not None
    assert service.get_unit(code).forms == {"provincial/2025": "overdue"}


def test_an_act_built_past_the_service_s_check_is_refused_when_saved(
    app: Greenlist, clock: SettableClock
) -> None:
    """`_save` checks every event again, whichever way its act was built: refused naming the
    rules its events carry, nothing recorded, and the changed cached copy dropped, so that the
    next act starts from what is recorded."""
    park, member, other = s.credit_code(99), s.credit_code(100), s.credit_code(101)
    s.register_and_cultivate(app, park, UnitKind.PARK)
    service = app.unwrapped
    unit = service._unit(park)
    now = clock.now()
    unit.declare_members(Act(s.city_actor(), now, now + timedelta(days=30)), [member])
    with refused(service, "A10.1", park) as caught:
        service._save(unit)
    assert {"A10.1", "A17.1"} <= set(caught.value.codes)
    assert "dated in the future" in caught.value.en
    assert unit.pending_events == [] and service.get_unit(park).members == []

    service.declare_park_members(s.city_actor(), park, [other])
    assert service.get_unit(park).members == [other]
    declared = [e.data["members"] for e in service.unit_history(park) if "members" in e.data]
    assert declared == [[], [other]]  # registered without members, then the one declaration


# --- the property: whatever the act, a date ahead of the skew records nothing ------------------


class StoppedClock:
    """A clock that reads the same instant every time, so that the recording instant of the
    act under test is exactly the one the example is built from."""

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant


class Story:
    """The aggregates every command of the property needs, recorded in order up to July 2026:
    a unit listed provincially in 2025 with a report, a declared change and a continuing
    ground against it; a park; an agency; the 2026 round with a candidate past its preliminary
    review and with its panel drawn; the expert pool."""

    def __init__(self, app: Greenlist) -> None:
        self.listed, self.candidate = s.credit_code(110), s.credit_code(111)
        self.park, self.agency = s.credit_code(112), s.register_agency(app, 113, "孙八")
        s.list_provincially(app, self.listed)
        s.register_and_cultivate(app, self.park, UnitKind.PARK, year=2025)
        when = at(date(2025, 11, 1))
        filed = app.file_complaint(
            s.PUBLIC, "unit", self.listed, "王五", "138", ["a.pdf"], "造假", occurred_at=when
        )
        self.complaint: UUID = filed.aggregate_id
        change = app.declare_change(
            s.enterprise_actor(self.listed), self.listed, "name", "更名", "新名", when
        )
        self.change: UUID = change.details["change_id"]
        record = s.record_ground(app, self.listed, "A17.1", date(2025, 11, 2), date(2025, 11, 3))
        self.record: UUID = record.details["record_id"]
        cand = self.candidate
        s.prepare_candidate(app, cand, year=2026)
        app.list_municipally(s.city_actor(), cand, occurred_at=at(date(2026, 3, 1)))
        s.nominate(app, cand, PROV, 2026)
        app.record_preliminary_review(P, cand, PROV, True, occurred_at=day(7, 5, year=2026))
        drawn = app.draw_expert_panel(P, cand, PROV, 2026, 3, occurred_at=day(7, 6, year=2026))
        self.expert: str = drawn.details["panel"][0]

    def commands(self) -> dict[str, Callable[[Greenlist, datetime], Any]]:
        """Every command that states `occurred_at`, with arguments this story admits."""
        listed, cand, city = self.listed, self.candidate, s.city_actor()
        new_code, facts = s.credit_code(114), s.FACTORY_FACTS
        expert = Actor(self.expert, Role.EXPERT, PROVINCE)
        digest = s.report_hash("p")
        return {
            "register_unit": lambda a, t: a.register_unit(
                city, new_code, UnitKind.FACTORY, "新厂", occurred_at=t
            ),
            "declare_park_members": lambda a, t: a.declare_park_members(
                city, self.park, [new_code], occurred_at=t
            ),
            "cultivate": lambda a, t: a.cultivate(city, cand, 2026, facts, occurred_at=t),
            "self_evaluation": lambda a, t: a.submit_evaluation(
                s.enterprise_actor(cand), cand, PROV, 2026, digest, 80.0, True, occurred_at=t
            ),
            "agency_report": lambda a, t: a.submit_evaluation(
                s.agency_actor(self.agency), cand, PROV, 2026, digest, 80.0, True, occurred_at=t
            ),
            "list_municipally": lambda a, t: a.list_municipally(city, cand, occurred_at=t),
            "open_round": lambda a, t: a.open_round(
                P, Level.NATIONAL, 2026, s.ALL_QUOTAS, occurred_at=t
            ),
            "set_quota": lambda a, t: a.set_quota(
                P, PROV, 2026, "330100", 5, "调整", occurred_at=t
            ),
            "nominate": lambda a, t: a.nominate(city, cand, PROV, 2026, occurred_at=t),
            "enrol_expert": lambda a, t: a.enrol_expert(
                P, "E900", "专家", s.credit_code(901), occurred_at=t
            ),
            "draw_expert_panel": lambda a, t: a.draw_expert_panel(
                P, cand, PROV, 2026, 3, "重抽", occurred_at=t
            ),
            "record_preliminary_review": lambda a, t: a.record_preliminary_review(
                P, cand, PROV, True, occurred_at=t
            ),
            "record_expert_review": lambda a, t: a.record_expert_review(
                P, cand, PROV, True, 90.0, occurred_at=t
            ),
            "score_unit": lambda a, t: a.score_unit(expert, PROV, 2026, cand, 85.0, occurred_at=t),
            "record_on_site_supervision": lambda a, t: a.record_on_site_supervision(
                s.INSPECTOR, PROV, 2026, "expert_review", occurred_at=t
            ),
            "draw_site_sample": lambda a, t: a.draw_site_sample(P, PROV, 2026, 0, occurred_at=t),
            "open_public_notice": lambda a, t: a.open_public_notice(P, PROV, 2026, occurred_at=t),
            "raise_objection": lambda a, t: a.raise_objection(
                s.PROVINCE_ACTOR, cand, PROV, "异议", occurred_at=t
            ),
            "decide_objection": lambda a, t: a.decide_objection(
                P, cand, PROV, UUID(int=1), True, occurred_at=t
            ),
            "cosign_publication": lambda a, t: a.cosign_publication(
                s.NDRC, PROV, 2026, "ndrc", occurred_at=t
            ),
            "publish_round": lambda a, t: a.publish_round(P, PROV, 2026, occurred_at=t),
            "register_agency": lambda a, t: a.register_agency(
                P, s.credit_code(115), "机构", "周九", s.representative_id("周九"), occurred_at=t
            ),
            "report_agency_misconduct": lambda a, t: a.report_agency_misconduct(
                city, self.agency, "造假", occurred_at=t
            ),
            "file_complaint": lambda a, t: a.file_complaint(
                s.PUBLIC, "unit", listed, "李四", "139", [], "超标", occurred_at=t
            ),
            "verify_complaint": lambda a, t: a.verify_complaint(
                city, self.complaint, True, "rectification", occurred_at=t
            ),
            "record_negative_record": lambda a, t: a.record_negative_record(
                city, listed, "A17.6", date(2026, 7, 1), "法院", "失信", occurred_at=t
            ),
            "end_negative_record": lambda a, t: a.end_negative_record(
                city, listed, self.record, date(2026, 7, 1), occurred_at=t
            ),
            "submit_dynamic_form": lambda a, t: a.submit_dynamic_form(
                s.enterprise_actor(listed), listed, PROV, 2025, INDICATORS, occurred_at=t
            ),
            "mark_form_overdue": lambda a, t: a.mark_form_overdue(
                P, listed, PROV, 2025, occurred_at=t
            ),
            "declare_change": lambda a, t: a.declare_change(
                s.enterprise_actor(listed), listed, "scope", "扩产", occurred_at=t
            ),
            "recheck_change": lambda a, t: a.recheck_change(
                city, listed, self.change, True, True, occurred_at=t
            ),
            "decide_removal": lambda a, t: a.decide_removal(
                P, listed, PROV, "A19.3", "造假", occurred_at=t
            ),
            "report_accident": lambda a, t: a.report_accident(
                city, listed, "safety", "II", date(2026, 7, 1), "爆炸", occurred_at=t
            ),
            "remove_after_accident": lambda a, t: a.remove_after_accident(
                P, listed, UUID(int=1), occurred_at=t
            ),
            "record_miit_removal": lambda a, t: a.record_miit_removal(
                P, listed, UUID(int=1), "工信部", occurred_at=t
            ),
            "record_rectification": lambda a, t: a.record_rectification(
                city, self.complaint, True, occurred_at=t
            ),
            "record_rereview": lambda a, t: a.record_rereview(
                city, listed, PROV, False, occurred_at=t
            ),
        }


@pytest.mark.stores("memory", "sqlite")
def test_any_act_dated_beyond_the_skew_records_nothing(app: Greenlist) -> None:
    """For every command and any stated time later than the recording instant plus the skew
    (by a microsecond up to ten years): refused naming the command's own rules, nothing
    recorded. One story serves every example, since no example records anything; the clock is
    stopped so that the recording instant is exactly the one the stated time is built from."""
    story = Story(app)
    service: Greenlist = app.unwrapped
    service.clock = StoppedClock(service.clock.now())
    commands = story.commands()

    @settings(max_examples=150, deadline=None)
    @given(
        name=st.sampled_from(sorted(commands)),
        ahead=st.timedeltas(
            min_value=CLOCK_SKEW + timedelta(microseconds=1), max_value=timedelta(days=3653)
        ),
    )
    def refused_whatever_the_act(name: str, ahead: timedelta) -> None:
        before, now = s.log_size(service), service.clock.now()
        with pytest.raises(RuleViolation) as caught:
            commands[name](service, now + ahead)
        assert "dated in the future" in caught.value.en, (name, caught.value)
        assert caught.value.codes and set(caught.value.codes) <= set(RULES) - {"A29"}, name
        assert caught.value.zh.strip()
        assert s.log_size(service) == before

    refused_whatever_the_act()
