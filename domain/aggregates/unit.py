"""The Unit: one applicant (factory, park or supply-chain company) and its whole history.

Commands check their rules then record one event; `when()` handlers are pure state changes.
Checks that need other aggregates (round quotas, park members' records) get their data from
the application service.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import GreenAggregate, applies, natural_id
from domain.errors import RuleViolation
from domain.events import unit as ev
from domain.rules import checks
from domain.rules.checks import NegativeRecord
from domain.values import Level, UnitKind

A17 = sorted(checks.A17_GROUNDS)
"""A17.1-6: the negative list is checked as a whole."""
IN_SELECTION = ("nominated", "preliminary_passed", "expert_passed", "site_passed", "under_notice")
LEVEL_RANK = {Level.MUNICIPAL.value: 0, Level.PROVINCIAL.value: 1, Level.NATIONAL.value: 2}


def unit_id(credit_code: str) -> UUID:
    """A unit's id is derived from its credit code (a park: its management body's code)."""
    return natural_id("unit", credit_code)


def _refuse(code: str, zh: str, en: str) -> RuleViolation:
    return RuleViolation(code, zh=zh, en=en)


def _park_members(kind: UnitKind, members: Iterable[str]) -> list[str]:
    """A10.1: only a park, with its boundary, has enterprises inside it; each is named by a
    valid credit code (ID.1)."""
    codes = sorted({checks.check_id1_credit_code(code.strip().upper()) for code in members})
    if codes and kind is not UnitKind.PARK:
        raise RuleViolation(
            "A10.1", zh="只有园区可申报园区内企业", en="only a park declares enterprises inside it"
        )
    return codes


class Unit(GreenAggregate):
    """An applicant unit: standing per level, names, negative records, reports, forms, changes."""

    if TYPE_CHECKING:  # attributes set by when(); no class annotations, which
        # would make eventsourcing turn the aggregate into a dataclass
        credit_code: str
        kind: str
        name: str
        city: str
        members: list[str]

    @classmethod
    def register(
        cls, act: Act, credit_code: str, kind: UnitKind, name: str, members: Iterable[str]
    ) -> Unit:
        """ID.1, ID.2 (A9.1): a valid Zhejiang code; factories and supply chains are enterprises."""
        code = checks.check_id1_credit_code(credit_code)
        city = checks.check_id2_city(code)
        checks.check_a9_1_registration_type(kind, code)
        if not name.strip():
            raise _refuse("ID.1", "单位名称不能为空", "the unit's name is required")
        members = _park_members(kind, members)
        return cls._create(
            ev.UnitRegistered,
            id=unit_id(code),
            **act.provenance(["ID.1", "ID.2"]),
            credit_code=code,
            kind=kind.value,
            name=name.strip(),
            city=city,
            members=members,
        )

    # --- queries -------------------------------------------------------------------------

    @property
    def unit_kind(self) -> UnitKind:
        return UnitKind(self.kind)

    def status(self, level: Level) -> str | None:
        return self.standing.get(level.value, {}).get("status")

    def is_listed(self, level: Level) -> bool:
        return self.status(level) == "listed"

    @property
    def listed_levels(self) -> list[Level]:
        return [lvl for lvl in Level if self.is_listed(lvl)]

    def negative_records(self) -> list[NegativeRecord]:
        return [
            NegativeRecord(r["ground"], r["occurred_on"], r["ended_on"], self.credit_code)
            for r in self.negatives.values()
        ]

    def passed_levels(self) -> set[str]:
        """The levels whose standards a passing report shows; a higher one covers lower ones."""
        best = [LEVEL_RANK[r["level"]] for r in self.reports.values() if r["passed"]]
        return {lvl for lvl, rank in LEVEL_RANK.items() if best and rank <= max(best)}

    def evaluating_agency(self, level: Level) -> str | None:
        """The agency of the latest passing third-party report of a level (A15.2 conflicts)."""
        agencies = [
            r["agency_id"]
            for r in self.reports.values()
            if r["passed"] and r["level"] == level.value and r["agency_id"]
        ]
        return str(agencies[-1]) if agencies else None

    def owes_form(self, level: Level, year: int) -> bool:
        """A18: listed at the level during `year` (or before) and still listed, with no form
        for that year recorded (submitted, late or overdue)."""
        return (
            self.is_listed(level)
            and self.standing[level.value]["listed_on"].year <= year
            and f"{level.value}/{year}" not in self.forms
        )

    def rereview_due(self, level: Level) -> date | None:
        """A21: the date the next five-yearly re-review is due, if listed."""
        s = self.standing.get(level.value, {})
        if s.get("status") != "listed":
            return None
        return checks.rereview_due(s["listed_on"], s.get("last_rereview"))

    # --- guards --------------------------------------------------------------------------

    def check_not_excluded(self, on: date, member_records: Iterable[NegativeRecord] = ()) -> None:
        """A17: neither the unit nor, for a park, an enterprise inside it has a ground."""
        checks.check_a17_exclusions([*self.negative_records(), *member_records], on)

    def check_cultivated(self) -> None:
        """A8 with A9.1/A10.1/A11.1: only a unit the city found eligible and put in its
        cultivation pool is listed or recommended."""
        if not self.pools:
            raise RuleViolation(
                ("A8", checks.ELIGIBILITY_RULE[self.unit_kind]),
                zh="该单位未经设区市列为培育对象（资格未审核）",
                en="the unit was never put in a city's cultivation pool (eligibility unchecked)",
            )

    def _require_listed(self, level: Level, code: str) -> None:
        if not self.is_listed(level):
            raise _refuse(
                code, f"该单位不在{level.value}名单中", f"the unit is not on the {level.value} list"
            )

    # --- commands ------------------------------------------------------------------------

    def declare_members(self, act: Act, members: Iterable[str]) -> None:
        """A park declares the enterprises inside it (A17 includes them)."""
        declared = _park_members(self.unit_kind, members)
        self.record(ev.ParkMembersDeclared, act, ["A10.1", *A17], members=declared)

    def cultivate(
        self,
        act: Act,
        year: int,
        priority: bool,
        facts: dict[str, Any],
        member_records: Iterable[NegativeRecord],
    ) -> None:
        """A8-A11: the city puts an eligible unit in its pool, optionally as a priority."""
        checks.check_cultivation_facts(self.unit_kind, facts)
        self.check_not_excluded(act.on, member_records)
        rules = {
            "factory": ["A9.1"],
            "park": ["A10.1", "A10.2"],
            "supply_chain": ["A11.1", "A11.2"],
        }
        self.record(
            ev.Cultivated,
            act,
            ["A8", *rules[self.kind], *A17],
            year=year,
            priority=priority,
            facts=facts,
        )

    def submit_evaluation(
        self,
        act: Act,
        report_id: UUID,
        level: Level,
        year: int,
        agency_id: UUID | None,
        content_hash: str,
        score: float,
        passed: bool,
        member_records: Iterable[NegativeRecord],
        extra_rules: Iterable[str] = (),
    ) -> None:
        """A12: a self or third-party report; refused for a unit with an A17 ground."""
        checks.check_score("A12", score)
        self.check_not_excluded(act.on, member_records)
        self.record(
            ev.EvaluationSubmitted,
            act,
            ["A12", *A17, *extra_rules],
            report_id=report_id,
            level=level.value,
            year=year,
            evaluator="third_party" if agency_id else "self",
            agency_id=agency_id,
            content_hash=content_hash,
            score=score,
            passed=passed,
        )

    def list_municipally(self, act: Act, member_records: Iterable[NegativeRecord]) -> None:
        """A13.1: the city's own list; the standards (A9.2/A10.3/A11.3) and A17 still apply."""
        if self.is_listed(Level.MUNICIPAL):
            raise _refuse("A13.1", "已在市级名单中", "already on the municipal list")
        self.check_cultivated()
        checks.check_passing_report(self.unit_kind, self.passed_levels(), Level.MUNICIPAL)
        self.check_not_excluded(act.on, member_records)
        standard = checks.STANDARD_RULE[self.unit_kind]
        self.record(
            ev.MunicipallyListed, act, ["A13.1", standard, *A17], listed_on=act.on, name=self.name
        )

    def nominate(
        self,
        act: Act,
        level: Level,
        year: int,
        round_id: UUID,
        member_records: Iterable[NegativeRecord],
    ) -> None:
        """A14 + A17 + the standards; the round checks the deadline and quota (A13.2, A14.1)."""
        if self.status(level) in (*IN_SELECTION, "listed"):
            raise _refuse(
                "A13.2",
                f"该单位已被推荐或已在{level.value}名单中",
                f"the unit is already nominated for or on the {level.value} list",
            )
        self.check_cultivated()
        checks.check_passing_report(self.unit_kind, self.passed_levels(), level)
        self.check_not_excluded(act.on, member_records)
        lower, principle = (
            (Level.MUNICIPAL, "A14.2") if level is Level.PROVINCIAL else (Level.PROVINCIAL, "A14.3")
        )
        exceptions = checks.in_principle(principle, self.is_listed(lower), act.justification)
        standard = checks.STANDARD_RULE[self.unit_kind]
        self.record(
            ev.Nominated,
            act,
            ["A13.2", "A14.1", principle, standard, *A17],
            exceptions=exceptions,
            level=level.value,
            year=year,
            round_id=round_id,
        )

    def review_preliminarily(self, act: Act, level: Level, passed: bool, notes: str) -> None:
        """A15.1: the materials are reviewed first."""
        checks.check_stage(self.status(level), ["nominated"], "A15.1", "preliminary review")
        self.record(
            ev.PreliminaryReviewed,
            act,
            ["A15.1"],
            level=level.value,
            year=self._year(level),
            passed=passed,
            notes=notes,
        )

    def review_by_experts(
        self, act: Act, level: Level, passed: bool, score: float, panel: list[str]
    ) -> None:
        """A15.2: after a passed preliminary review, by the drawn panel."""
        checks.check_score(("A15.1", "A15.2"), score)
        checks.check_stage(
            self.status(level), ["preliminary_passed"], ("A15.1", "A15.2"), "expert review"
        )
        self.record(
            ev.ExpertReviewed,
            act,
            ["A15.1", "A15.2"],
            level=level.value,
            year=self._year(level),
            passed=passed,
            score=score,
            panel=panel,
        )

    def inspect_site(self, act: Act, level: Level, passed: bool, notes: str) -> None:
        """A15.3: only after the expert review."""
        checks.check_stage(self.status(level), ["expert_passed"], "A15.3", "site inspection")
        self.record(
            ev.SiteInspected,
            act,
            ["A15.3"],
            level=level.value,
            year=self._year(level),
            passed=passed,
            notes=notes,
        )

    def enter_notice(self, act: Act, level: Level, last_day: date) -> None:
        """A16.1: only units that passed every review go under notice."""
        checks.check_stage(
            self.status(level), ["expert_passed", "site_passed"], "A16.1", "enter public notice"
        )
        self.record(
            ev.PublicNoticeEntered,
            act,
            ["A15.3", "A16.1"],
            level=level.value,
            year=self._year(level),
            last_day=last_day,
        )

    def raise_objection(self, act: Act, level: Level, objection_id: UUID, summary: str) -> None:
        """A16.1: objections are raised during the 15-day notice."""
        checks.check_stage(self.status(level), ["under_notice"], "A16.1", "raise an objection")
        checks.check_a16_1_within_notice(self.standing[level.value]["last_day"], act.judged_at)
        self.record(
            ev.ObjectionRaised,
            act,
            ["A16.1"],
            level=level.value,
            year=self._year(level),
            objection_id=objection_id,
            summary=summary,
        )

    def decide_objection(self, act: Act, level: Level, objection_id: UUID, upheld: bool) -> None:
        """A16.1: an upheld objection blocks the unit."""
        objections = self.standing.get(level.value, {}).get("objections", {})
        if objections.get(str(objection_id), "absent") is not None:
            raise _refuse("A16.1", "无待决异议", "no such pending objection")
        self.record(
            ev.ObjectionDecided,
            act,
            ["A16.1"],
            level=level.value,
            year=self._year(level),
            objection_id=objection_id,
            upheld=upheld,
        )

    def has_pending_objection(self, level: Level) -> bool:
        objections = self.standing.get(level.value, {}).get("objections", {})
        return any(v is None for v in objections.values())

    def publish(self, act: Act, level: Level, member_records: Iterable[NegativeRecord]) -> bool:
        """A16.2 at the joint publication: listed, or withheld for an upheld objection (A16.1)
        or a ground found since nomination (A17). Returns whether the unit was listed."""
        checks.check_stage(self.status(level), ["under_notice"], "A16.2", "publish")
        if self.has_pending_objection(level):
            raise _refuse(
                "A16.1",
                "公示期异议尚未处理，不得发布",
                "an objection raised during the notice is not decided yet: publication refused",
            )
        objections = self.standing[level.value].get("objections", {})
        if any(objections.values()):
            self.record(
                ev.ListingWithheld, act, ["A16.1"], level=level.value, year=self._year(level)
            )
            return False
        try:
            self.check_not_excluded(act.on, member_records)
        except RuleViolation as refusal:
            self.record(
                ev.ListingWithheld,
                act,
                list(refusal.codes),
                level=level.value,
                year=self._year(level),
            )
            return False
        rules = ["A16.2", *A17] + (["A15.4", "A16.3"] if level is Level.NATIONAL else [])
        self.record(
            ev.Listed,
            act,
            rules,
            level=level.value,
            year=self._year(level),
            listed_on=act.on,
            name=self.name,
        )
        return True

    def add_negative_record(
        self,
        act: Act,
        record_id: UUID,
        ground: str,
        occurred_on: date,
        ended_on: date | None,
        source: str,
        description: str,
    ) -> None:
        """A17.x: a ground found by the city (信用中国, inspections, courts ...)."""
        if ground not in checks.A17_GROUNDS:
            raise _refuse(
                "A17.1", f"未知的第十七条情形：{ground}", f"unknown article 17 ground {ground!r}"
            )
        if ended_on is not None and (ground not in checks.A17_CONTINUING or ended_on < occurred_on):
            raise _refuse(
                ground,
                "只有持续性情形（A17.1/5/6）可登记结束日期，且不得早于发生日期",
                "only continuing grounds (A17.1/5/6) end, and not before they began",
            )
        self.record(
            ev.NegativeRecordAdded,
            act,
            [ground],
            record_id=record_id,
            ground=ground,
            occurred_on=occurred_on,
            ended_on=ended_on,
            source=source,
            description=description,
        )

    def end_negative_record(self, act: Act, record_id: UUID, ended_on: date) -> None:
        """A17.1/A17.5/A17.6 end: operating again, rectified, no longer a dishonest debtor."""
        record = self.negatives.get(str(record_id))
        if record is None or record["ground"] not in checks.A17_CONTINUING or record["ended_on"]:
            raise _refuse("A17.1", "该记录不存在或不可结束", "no such open continuing record")
        if ended_on < record["occurred_on"]:
            raise _refuse(record["ground"], "结束日期早于发生日期", "ends before it began")
        self.record(
            ev.NegativeRecordEnded, act, [record["ground"]], record_id=record_id, ended_on=ended_on
        )

    def lapse_negative_record(self, act: Act, record_id: UUID) -> bool:
        """A17: three years after a ground happened (or ended) it stops counting; recorded once
        (False: already recorded, or a continuing ground that still goes on)."""
        record = self.negatives.get(str(record_id))
        if record is None:
            raise _refuse("A17.1", "该记录不存在", "no such negative record")
        lapses = checks.a17_lapses_on(
            NegativeRecord(record["ground"], record["occurred_on"], record["ended_on"], "")
        )
        if lapses is None or record.get("lapsed_on") is not None:
            return False
        if act.on < lapses:
            raise _refuse(
                record["ground"],
                f"该情形至{lapses.isoformat()}方满三年",
                f"the ground counts until {lapses.isoformat()}",
            )
        self.record(
            ev.NegativeRecordLapsed,
            act,
            [record["ground"]],
            record_id=record_id,
            ground=record["ground"],
            lapsed_on=lapses,
        )
        return True

    def submit_dynamic_form(
        self, act: Act, level: Level, year: int, indicators: dict[str, Any]
    ) -> None:
        """A18: a listed unit's yearly form, for a year that has begun and in which it was
        listed (as `mark_form_overdue` asks: a form for an earlier year would settle a deadline
        that never was and open the next, long past due); one after 15 April is recorded as
        late."""
        checks.check_a18_year_begun(year, act.recorded_at)
        self._require_listed(level, "A18")
        if self.standing[level.value]["listed_on"].year > year:
            raise _refuse("A18", f"{year}年度尚未列入名单", f"the unit was not listed in {year}")
        if f"{level.value}/{year}" in self.forms:
            raise _refuse(
                "A18", f"{year}年度动态管理表已处理", f"the {year} form is already recorded"
            )
        late = act.on > checks.dynamic_form_deadline(year)
        self.record(
            ev.DynamicFormSubmitted,
            act,
            ["A18"],
            level=level.value,
            year=year,
            indicators=indicators,
            late=late,
        )

    def mark_form_overdue(self, act: Act, level: Level, year: int) -> None:
        """A18 -> A19.2: the form was not in by 15 April."""
        self._require_listed(level, "A18")
        if self.standing[level.value]["listed_on"].year > year:
            raise _refuse("A18", f"{year}年度尚未列入名单", f"the unit was not listed in {year}")
        checks.check_a18_overdue(year, act.judged_at)
        if f"{level.value}/{year}" in self.forms:
            raise _refuse(
                "A18", f"{year}年度动态管理表已处理", f"the {year} form is already recorded"
            )
        self.record(ev.DynamicFormOverdue, act, ["A18", "A19.2"], level=level.value, year=year)

    def declare_change(
        self, act: Act, change_id: UUID, change_kind: str, new_name: str, description: str
    ) -> None:
        """A20.1: a change of name, scope, address or boundary of a listed unit."""
        if not self.listed_levels:
            raise _refuse("A20.1", "仅名单单位需申报变更", "only listed units declare changes")
        if change_kind not in ("name", "scope", "address", "boundary"):
            raise _refuse("A20.1", "变更类型无效", f"unknown change kind {change_kind!r}")
        if change_kind == "name" and not new_name.strip():
            raise _refuse("A20.1", "名称变更须提供新名称", "a name change needs the new name")
        self.record(
            ev.ChangeDeclared,
            act,
            ["A20.1"],
            change_id=change_id,
            change_kind=change_kind,
            new_name=new_name.strip(),
            description=description,
        )

    def recheck_change(
        self, act: Act, change_id: UUID, confirmed: bool, still_meets_standards: bool
    ) -> list[Level]:
        """A20.2: the city re-checks; a confirmed rename takes effect; a unit that no longer meets
        the standards leaves the municipal list now. Returns the higher levels whose removal must
        wait for the annual publication (A20.3)."""
        change = self.changes.get(str(change_id))
        if change is None or change["status"] != "declared":
            raise _refuse("A20.2", "无待复核的变更", "no declared change to re-check")
        self.record(
            ev.ChangeRechecked,
            act,
            ["A20.2"],
            change_id=change_id,
            confirmed=confirmed,
            still_meets_standards=still_meets_standards,
        )
        if confirmed and change["kind"] == "name" and change["new_name"] != self.name:
            self.record(
                ev.NameChanged,
                act,
                ["A20.2", "A20.3"],
                old_name=self.name,
                new_name=change["new_name"],
            )
        if still_meets_standards:
            return []
        if self.is_listed(Level.MUNICIPAL):
            self.remove(
                act,
                Level.MUNICIPAL,
                ["A20.2"],
                immediate=True,
                reason="变更后不再符合标准 / no longer meets the standards after a change",
            )
        return [lvl for lvl in (Level.PROVINCIAL, Level.NATIONAL) if self.is_listed(lvl)]

    def decide_removal(self, act: Act, level: Level, codes: list[str], reason: str) -> None:
        """A19.1-3, A20.3, A21, A23.2: removal decided now, effective at the annual publication."""
        self._require_listed(level, codes[0])
        if self.standing[level.value].get("pending_removal"):
            return
        self.record(ev.RemovalDecided, act, codes, level=level.value, reason=reason)

    def remove(
        self, act: Act, level: Level, codes: list[str], immediate: bool, reason: str
    ) -> None:
        """The unit leaves a list (A19); the removal is itself an A17.3 ground for three years."""
        self._require_listed(level, codes[0])
        self.record(
            ev.Removed,
            act,
            [*codes, "A17.3"],
            level=level.value,
            effective_on=act.on,
            immediate=immediate,
            reason=reason,
        )

    def adjust_listing(self, act: Act, level: Level, name: str) -> None:
        """A20.3: the list of a level shows the confirmed new name from the annual publication."""
        if self.is_listed(level) and self.standing[level.value].get("listed_name") != name:
            self.record(ev.ListingAdjusted, act, ["A20.3"], level=level.value, name=name)

    def mark_rereview_due(self, act: Act, level: Level) -> bool:
        """A21: the five-yearly re-review fell due; recorded once per due date (False: already
        recorded, or the unit is no longer listed at that level)."""
        due = self.rereview_due(level)
        if due is None or self.standing[level.value].get("rereview_fell_due") == due:
            return False
        if act.on < due:
            raise _refuse(
                "A21", f"五年复核于{due.isoformat()}到期", f"the re-review is due on {due}"
            )
        self.record(ev.RereviewFellDue, act, ["A21"], level=level.value, due_on=due)
        return True

    def rereview(self, act: Act, level: Level, passed: bool) -> None:
        """A21: the five-yearly re-review of a listed unit."""
        self._require_listed(level, "A21")
        self.record(
            ev.Rereviewed, act, ["A21"], level=level.value, reviewed_on=act.on, passed=passed
        )

    def check_reportable(self) -> None:
        """A23.1: only a listed unit is reported. Checked when a report is filed, which
        records nothing in the unit's stream (issue 9 item 4)."""
        if not self.listed_levels:
            raise _refuse("A23.1", "被举报单位不是名单单位", "only listed units can be reported")

    def complained_against(self, act: Act, complaint_id: UUID) -> None:
        """A23.2: the handling city accepted a report against the unit for verification; the
        city is the actor, the reporter stays in the complaint. A report filed before
        acceptance existed is already in the stream (the retired `ComplaintReceived`):
        nothing more is recorded for it."""
        if str(complaint_id) in self.complaints:
            return
        self.record(ev.ComplainedAgainst, act, ["A23.2"], complaint_id=complaint_id)

    def record_complaint_outcome(
        self, act: Act, complaint_id: UUID, confirmed: bool, outcome: str
    ) -> None:
        """A23.2: the verified outcome of a report."""
        self.record(
            ev.ComplaintOutcomeRecorded,
            act,
            ["A23.2"],
            complaint_id=complaint_id,
            confirmed=confirmed,
            outcome=outcome,
        )

    def _year(self, level: Level) -> int:
        return int(self.standing[level.value]["year"])

    # --- state changes (pure) ------------------------------------------------------------

    @applies
    def _(self, e: ev.UnitRegistered) -> None:
        self.credit_code, self.kind, self.name = e.credit_code, e.kind, e.name
        self.city, self.members = e.city, list(e.members)
        self.names: list[str] = [e.name]
        self.standing: dict[str, dict[str, Any]] = {}
        self.pools: dict[str, bool] = {}
        self.reports: dict[str, dict[str, Any]] = {}
        self.negatives: dict[str, dict[str, Any]] = {}
        self.forms: dict[str, str] = {}
        self.changes: dict[str, dict[str, Any]] = {}
        self.complaints: dict[str, str | None] = {}

    @applies
    def _(self, e: ev.ParkMembersDeclared) -> None:
        self.members = list(e.members)

    @applies
    def _(self, e: ev.Cultivated) -> None:
        self.pools[str(e.year)] = e.priority

    @applies
    def _(self, e: ev.EvaluationSubmitted) -> None:
        self.reports[str(e.report_id)] = {
            "level": e.level,
            "year": e.year,
            "passed": e.passed,
            "agency_id": str(e.agency_id) if e.agency_id else None,
        }

    @applies
    def _(self, e: ev.MunicipallyListed) -> None:
        self.standing[Level.MUNICIPAL.value] = {
            "status": "listed",
            "year": e.listed_on.year,
            "listed_on": e.listed_on,
            "listed_name": e.name,
        }

    @applies
    def _(self, e: ev.Nominated) -> None:
        self.standing[e.level] = {
            "status": "nominated",
            "year": e.year,
            "round_id": str(e.round_id),
        }

    def _advance(self, level: str, passed: bool, to: str) -> None:
        self.standing[level]["status"] = to if passed else "failed"

    @applies
    def _(self, e: ev.PreliminaryReviewed) -> None:
        self._advance(e.level, e.passed, "preliminary_passed")

    @applies
    def _(self, e: ev.ExpertReviewed) -> None:
        self._advance(e.level, e.passed, "expert_passed")
        self.standing[e.level]["expert_score"] = e.score

    @applies
    def _(self, e: ev.SiteInspected) -> None:
        self._advance(e.level, e.passed, "site_passed")

    @applies
    def _(self, e: ev.PublicNoticeEntered) -> None:
        self.standing[e.level].update(status="under_notice", last_day=e.last_day, objections={})

    @applies
    def _(self, e: ev.ObjectionRaised) -> None:
        self.standing[e.level]["objections"][str(e.objection_id)] = None

    @applies
    def _(self, e: ev.ObjectionDecided) -> None:
        self.standing[e.level]["objections"][str(e.objection_id)] = e.upheld

    @applies
    def _(self, e: ev.Listed) -> None:
        self.standing[e.level].update(status="listed", listed_on=e.listed_on, listed_name=e.name)

    @applies
    def _(self, e: ev.ListingWithheld) -> None:
        self.standing[e.level]["status"] = "withheld"

    @applies
    def _(self, e: ev.NegativeRecordAdded) -> None:
        self.negatives[str(e.record_id)] = {
            "ground": e.ground,
            "occurred_on": e.occurred_on,
            "ended_on": e.ended_on,
        }

    @applies
    def _(self, e: ev.NegativeRecordEnded) -> None:
        self.negatives[str(e.record_id)]["ended_on"] = e.ended_on

    @applies
    def _(self, e: ev.DynamicFormSubmitted) -> None:
        self.forms[f"{e.level}/{e.year}"] = "late" if e.late else "submitted"

    @applies
    def _(self, e: ev.DynamicFormOverdue) -> None:
        self.forms[f"{e.level}/{e.year}"] = "overdue"

    @applies
    def _(self, e: ev.ChangeDeclared) -> None:
        self.changes[str(e.change_id)] = {
            "kind": e.change_kind,
            "new_name": e.new_name,
            "status": "declared",
        }

    @applies
    def _(self, e: ev.ChangeRechecked) -> None:
        self.changes[str(e.change_id)]["status"] = "confirmed" if e.confirmed else "rejected"

    @applies
    def _(self, e: ev.NameChanged) -> None:
        self.name = e.new_name
        self.names.append(e.new_name)

    @applies
    def _(self, e: ev.RemovalDecided) -> None:
        self.standing[e.level]["pending_removal"] = list(e.rules)

    @applies
    def _(self, e: ev.Removed) -> None:
        self.standing[e.level] = {
            "status": "removed",
            "year": e.effective_on.year,
            "removed_on": e.effective_on,
        }
        self.negatives[f"removal/{e.originator_version}"] = {
            "ground": "A17.3",
            "occurred_on": e.effective_on,
            "ended_on": None,
        }

    @applies
    def _(self, e: ev.ListingAdjusted) -> None:
        self.standing[e.level]["listed_name"] = e.name

    @applies
    def _(self, e: ev.Rereviewed) -> None:
        self.standing[e.level]["last_rereview"] = e.reviewed_on

    @applies
    def _(self, e: ev.RereviewFellDue) -> None:
        self.standing[e.level]["rereview_fell_due"] = e.due_on

    @applies
    def _(self, e: ev.NegativeRecordLapsed) -> None:
        self.negatives[str(e.record_id)]["lapsed_on"] = e.lapsed_on

    @applies
    def _(self, e: ev.ComplaintReceived) -> None:
        self.complaints[str(e.complaint_id)] = None

    @applies
    def _(self, e: ev.ComplainedAgainst) -> None:
        self.complaints[str(e.complaint_id)] = None

    @applies
    def _(self, e: ev.ComplaintOutcomeRecorded) -> None:
        self.complaints[str(e.complaint_id)] = e.outcome
