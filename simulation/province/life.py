"""The province story's listed units' lives: yearly forms on time, late or never (A18, A19.2),
changes declared and re-checked (A20), real-name reports (A23, reporters' identities read),
negative records (A17, reaching the parks that contain them), accidents (A19.4), five-yearly
re-reviews (A21) and parks' members changing."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from uuid import UUID

from domain.aggregates.unit import Unit
from domain.rules.dynamic import ChangeStatus
from domain.rules.stages import Stage
from domain.values import Actor, Level, UnitKind
from simulation import draws
from simulation.cast import Member
from simulation.province.acts import N, P, ProvinceActs
from simulation.scenarios import (
    INSPECTOR,
    PROVINCE_ACTOR,
    PUBLIC,
    SYSTEM_ACTOR,
    city_actor,
    enterprise_actor,
)

GROUNDS = ("A17.1", "A17.2", "A17.4", "A17.5", "A17.6")
CONTINUING = ("A17.1", "A17.5", "A17.6")
REPORTS = ("夜间偷排未经处理的废水", "厂区噪声扰民", "危废贮存场所标识不全")


class ProvinceLife(ProvinceActs):
    """Dynamic management of the listed units, planned a year at a time."""

    def plan_forms(self, year: int, units: list[Member], state: dict[str, Unit]) -> None:
        """A18 for reporting year `year`: mostly on time, some late, some never (A19.2)."""
        a, owing = self.agenda, []
        for u in units:
            for level in (P, N):
                standing = state[u.code].standing_at(level)
                if (
                    standing is not None
                    and standing.stage is Stage.LISTED
                    and standing.listed_on is not None
                    and standing.listed_on.year <= year
                ):
                    owing.append((u.code, level))
        self.rng.shuffle(owing)
        late, overdue = owing[: len(owing) // 20], owing[len(owing) // 20 : len(owing) // 10]
        on_time = owing[len(owing) // 10 :]
        form = partial(self.form, year)
        a.spread(on_time, date(year + 1, 2, 16), date(year + 1, 4, 14), lambda x: form(*x))
        a.spread(late, date(year + 1, 4, 20), date(year + 1, 5, 29), lambda x: form(*x))
        for code, level in overdue:
            mark = partial(self.mark_overdue, year, code, level)
            a.on(date(year + 1, 4, 16), mark, hour=9)

    def form(self, year: int, code: str, level: Level) -> None:
        u = self.unit(code)
        if not u.is_listed(level) or u.form(level, year) is not None:
            return
        indicators = draws.indicators(self.rng)
        actor = enterprise_actor(code)
        self.act(self.app.submit_dynamic_form, actor, code, level, year, indicators)

    def mark_overdue(self, year: int, code: str, level: Level) -> None:
        u = self.unit(code)
        if not u.is_listed(level) or u.form(level, year) is not None:
            return
        self.act(self.app.mark_form_overdue, SYSTEM_ACTOR, code, level, year)

    def plan_life(self, year: int, units: list[Member], state: dict[str, Unit]) -> None:
        """Changes, reports, negative records, accidents, re-reviews and park members."""
        a, rng = self.agenda, self.rng
        first, last = date(year, 3, 2), date(year, 11, 27)
        listed = [u for u in units if state[u.code].listed_levels]
        a.spread(self.sample(listed, 0.05), first, last, self.declare)
        a.spread(self.sample(listed, 0.03), first, last, self.complain)
        a.spread(self.sample(units, 0.012), first, last, self.ground)
        a.spread(self.sample(listed, 0.002), first, last, self.accident)
        a.spread(rng.sample(self.agencies, 3), first, last, self.complain_agency)
        parks = [u for u in units if u.kind is UnitKind.PARK]
        a.spread(self.sample(parks, 0.08), first, last, self.redeclare_members)
        for u in listed:
            for level in state[u.code].listed_levels:
                due = state[u.code].rereview_due(level)
                if due is not None and due.year == year:
                    when = max(date(year, 1, 5), due - timedelta(days=rng.randint(7, 40)))
                    a.on(when, partial(self.rereview, u.code, level))

    def declare(self, unit: Member) -> None:
        """A20.1, re-checked by the city two or three weeks later (A20.2)."""
        u = self.unit(unit.code)
        if not u.listed_levels or any(
            c.status is ChangeStatus.DECLARED for c in u.changes.values()
        ):
            return
        kind = self.rng.choice(("name", "name", "scope", "address"))
        new_name = ""
        if kind == "name":
            new_name = u.name.replace("有限公司", "集团有限公司", 1)
            new_name = new_name if new_name != u.name else f"浙江{u.name}"
        description = {
            "name": "股份制改造后更名",
            "scope": "主体产线搬迁改造，停产约八个月",
            "address": "新增生产基地",
        }[kind]
        receipt = self.act(
            self.app.declare_change,
            enterprise_actor(unit.code),
            unit.code,
            kind,
            description,
            new_name,
        )
        if receipt is not None:
            later = self.today + timedelta(days=self.rng.randint(14, 21))
            recheck = partial(self.recheck, unit, receipt.details["change_id"], kind)
            self.agenda.on(later, recheck)

    def recheck(self, unit: Member, change: UUID, kind: str) -> None:
        """A20.2: the city re-checks; A20.3: for the provincial and national lists its opinion
        goes with its next recommendations (from the round's opening to 30 June)."""
        still_meets = self.rng.random() < 0.93
        receipt = self.act(
            self.app.recheck_change, city_actor(unit.city), unit.code, change, True, still_meets
        )
        year = (
            self.today.year if self.today <= date(self.today.year, 6, 20) else self.today.year + 1
        )
        if receipt is None or year > self.last_year:  # no round of that year in the story
            return
        action = "removal" if not still_meets else ("rename" if kind == "name" else "keep")
        sent = max(self.today + timedelta(days=3), date(year, 3, 10))
        for level in (lv for lv in (P, N) if lv in self.unit(unit.code).listed_levels):
            opinion = {"credit_code": unit.code, "change_ids": [str(change)], "action": action}
            send = partial(
                self.act,
                self.app.submit_adjustment_opinions,
                city_actor(unit.city),
                level,
                year,
                [opinion],
            )
            self.agenda.on(sent, send)

    def complain(self, unit: Member) -> None:
        """A23: a real-name report; the city accepts it, reads who reported, then verifies."""
        if not self.unit(unit.code).listed_levels:
            return
        name, phone = draws.reporter(self.rng)
        content = self.rng.choice(
            ("夜间偷排未经处理的废水", "厂区噪声扰民", "危废贮存场所标识不全")
        )
        evidence = list(draws.EVIDENCE)
        receipt = self.act(
            self.app.file_complaint, PUBLIC, "unit", unit.code, name, phone, evidence, content
        )
        if receipt is None:
            return
        complaint = receipt.aggregate_id
        city = city_actor(unit.city)
        self.accept(city, complaint)
        if self.rng.random() < 0.6:
            reason = "核实需要联系举报人"
            read = partial(self.act, self.app.disclose_reporter, city, complaint, reason)
            self.agenda.on(self.today + timedelta(days=self.rng.randint(2, 7)), read)
        if self.rng.random() < 0.1:
            reason = "监督检查举报处理情况"
            read = partial(self.act, self.app.disclose_reporter, INSPECTOR, complaint, reason)
            self.agenda.on(self.today + timedelta(days=self.rng.randint(8, 12)), read)
        outcome = self.rng.choices(("unfounded", "rectification", "removal"), (50, 38, 12))[0]
        verify = partial(self.verify, city, complaint, outcome)
        self.agenda.on(self.today + timedelta(days=self.rng.randint(21, 42)), verify)

    def accept(self, city: Actor, complaint: UUID) -> None:
        """A23.2: the next day the city accepts the report for verification."""
        accept = partial(self.act, self.app.accept_complaint, city, complaint, draws.ACCEPTED)
        self.agenda.on(self.today + timedelta(days=1), accept)

    def verify(self, city: Actor, complaint: UUID, outcome: str) -> None:
        notes = {
            "unfounded": "监测结果达标，举报不属实",
            "rectification": "属实，已责令限期整改",
            "removal": "经现场核查与执法监测，举报属实",
        }[outcome]
        confirmed = outcome != "unfounded"
        self.act(self.app.verify_complaint, city, complaint, confirmed, outcome, notes)

    def complain_agency(self, agency: tuple[str, str]) -> None:
        code, city = agency[0], agency[0][2:6] + "00"
        receipt = self.act(
            self.app.file_complaint,
            PUBLIC,
            "agency",
            code,
            "王强",
            "13800000000",
            ["报告比对.pdf"],
            "评价报告能耗数据与企业台账不一致",
            city=city,
        )
        if receipt is not None:
            self.accept(city_actor(city), receipt.aggregate_id)
            confirmed = self.rng.random() < 0.5
            outcome = "agency_misconduct" if confirmed else "unfounded"
            verify = partial(self.verify_agency, city, receipt.aggregate_id, confirmed, outcome)
            self.agenda.on(self.today + timedelta(days=30), verify)

    def verify_agency(self, city: str, complaint: UUID, confirmed: bool, outcome: str) -> None:
        notes = "报告数据失实，已报省经信厅" if confirmed else "经核查，报告数据与台账一致"
        self.act(self.app.verify_complaint, city_actor(city), complaint, confirmed, outcome, notes)

    def ground(self, unit: Member) -> None:
        """A17: a ground found by the city; a continuing one often ends months later."""
        ground = self.rng.choice(GROUNDS)
        occurred = self.today - timedelta(days=self.rng.randint(1, 40))
        source = draws.record_source(ground)
        receipt = self.act(
            self.app.record_negative_record,
            city_actor(unit.city),
            unit.code,
            ground,
            occurred,
            source,
            f"第十七条情形 {ground}",
        )
        if receipt is not None and ground in CONTINUING and self.rng.random() < 0.6:
            ended = self.today + timedelta(days=self.rng.randint(30, 150))
            end = partial(self.end_ground, unit, receipt.details["record_id"], ended)
            self.agenda.on(ended + timedelta(days=3), end)

    def end_ground(self, unit: Member, record: UUID, ended: date) -> None:
        self.act(self.app.end_negative_record, city_actor(unit.city), unit.code, record, ended)

    def accident(self, unit: Member) -> None:
        if not self.unit(unit.code).listed_levels:
            return
        occurred = self.today - timedelta(days=1)
        city = city_actor(unit.city)
        args = (city, unit.code, "safety", "II", occurred, draws.ACCIDENT)
        receipt = self.act(self.app.report_accident, *args)
        if receipt is None or not receipt.details["awaiting_province"]:
            return
        accident_id = receipt.details["accident_id"]  # A19.4: the province, then MIIT
        removal = self.act(self.app.remove_after_accident, PROVINCE_ACTOR, unit.code, accident_id)
        if removal is not None and removal.details["reported_to_miit"]:
            document = f"工信厅节函〔{self.today.year}〕{self.rng.randint(10, 99)}号"
            miit = partial(
                self.act, self.app.record_miit_removal, PROVINCE_ACTOR, unit.code, accident_id
            )
            self.agenda.on(self.today + timedelta(days=20), partial(miit, document))

    def rereview(self, code: str, level: Level) -> None:
        if not self.unit(code).is_listed(level):
            return
        passed = self.rng.random() < 0.95
        self.act(self.app.record_rereview, city_actor(code[2:6] + "00"), code, level, passed)

    def redeclare_members(self, park: Member) -> None:
        """A park's members change: one leaves, another factory of the city joins."""
        u = self.unit(park.code)
        members = list(u.members)
        if members:
            members.remove(self.rng.choice(members))
        local = [x.code for x in self.units if x.city == park.city and x.kind is UnitKind.FACTORY]
        joining = [c for c in self.rng.sample(local, min(3, len(local))) if c not in members]
        members += joining[:1]
        actor = city_actor(park.city)
        self.act(self.app.declare_park_members, actor, park.code, sorted(members))
