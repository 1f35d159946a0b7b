"""Objections during the public notice (A16.1), filed by anyone under their real name with
contact and evidence (as A23.1 asks of reports), registered and decided by the province; and
the notice as the public reads it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.aggregates.objection import NoticeObjection, ObjectionDocket, docket_id
from domain.aggregates.round import Round, round_id
from domain.aggregates.unit import Unit
from domain.errors import NotFound
from domain.reporters import withheld
from domain.rules import publication
from domain.service.base import ExpectedVersion, Receipt, ServiceBase
from domain.values import Actor, Level, local_date

NEUTRAL_SUMMARY = "公示期实名异议 / an objection filed during the notice"
"""What the unit's history shows of a registered objection when the province gives no summary."""


class ObjectionActs(ServiceBase):
    """A16.1: the objector's filing, the province's registration and decision, the objector's
    identity for the province and inspectors only, and the public notice."""

    def file_objection(
        self,
        actor: Actor,
        level: Level,
        year: int,
        credit_code: str,
        objector_name: str,
        objector_contact: str,
        evidence: list[str],
        grounds: str,
        occurred_at: datetime | None = None,
    ) -> Receipt:
        """A16.1: anyone (but the inspectors and auditors, who change nothing) objects to a
        unit on the round's proposed list while its notice runs, under their real name with
        contact and evidence (A23.1). Only the objection and the round's docket are written:
        the unit and the round are read, never changed, so that filings cannot contend with
        their writes nor put the objector in the unit's history."""
        self._authorise(actor, "file_objection")
        act = self._act(actor, occurred_at, rules=("A16.1",))
        rnd = self._get(Round, round_id(level, year), f"{year}年{level.value}轮次 round")
        unit = self._unit(credit_code)
        publication.check_a16_1_opened(rnd.notice is not None)
        assert rnd.notice is not None
        publication.check_a16_1_within_notice(rnd.notice["last_day"], act.judged_at)
        publication.check_a16_1_on_notice(str(unit.id) in rnd.notice["unit_ids"])
        objection = NoticeObjection.file(
            act,
            level,
            year,
            unit.id,
            objector_name,
            objector_contact,
            evidence,
            grounds,
            self.vault,
        )
        act = withheld(act)  # the docket's entry names no filer either (issue 14)
        docket = self._get_or_open(
            ObjectionDocket,
            docket_id(rnd.id),
            lambda: ObjectionDocket.open(act, level, year, rnd.id),
        )
        docket.add(act, objection.id, unit.id)
        return self._save(objection, docket)

    def register_objection(
        self,
        actor: Actor,
        objection_id: UUID,
        summary: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A16.1: the province registers a filed objection for handling: only now does the
        unit's history say an objection was raised (`ObjectionRaised`, the province as the
        actor, judged at the filing's date), in the same transaction. `summary`, the
        province's own words, is what the unit's history shows; by default a neutral line, never
        the objector's sealed grounds (issue 14)."""
        self._authorise(actor, "register_objection")
        objection = self._expect(self._objection(objection_id), expected_version)
        act = self._act(actor, occurred_at, rules=("A16.1",))
        shown = summary.strip() or NEUTRAL_SUMMARY
        objection.register(act, shown)
        unit = self._get(Unit, objection.unit_id, "unit")
        level = Level(objection.level)
        unit.raise_objection(act, level, objection.id, shown, filed_at=objection.filed_at)
        return self._save(objection, unit)

    def decide_filed_objection(
        self,
        actor: Actor,
        objection_id: UUID,
        upheld: bool,
        reasons: str,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A16.1: the province decides a registered objection, with its reasons; the outcome is
        recorded on the objection and on the unit (`ObjectionDecided`): an upheld one keeps the
        unit off the list at the publication."""
        self._authorise(actor, "decide_filed_objection")
        objection = self._expect(self._objection(objection_id), expected_version)
        act = self._act(actor, occurred_at, reasons, rules=("A16.1",))
        objection.decide(act, upheld, reasons)
        unit = self._get(Unit, objection.unit_id, "unit")
        unit.decide_objection(act, Level(objection.level), objection.id, upheld)
        return self._save(objection, unit)

    def disclose_objector(
        self, actor: Actor, objection_id: UUID, reason: str
    ) -> tuple[dict[str, Any], Receipt]:
        """The objector's identity, for the province and inspectors only, for a stated reason
        (issue 14): the disclosure is recorded in the objection's stream first."""
        self._authorise(actor, "disclose_objector")
        objection = self._objection(objection_id)
        act = self._act(actor, None, reason, rules=("A16.1", "A23.1"))
        identity = objection.disclose(act, reason, self.vault)
        return identity, self._save(objection)

    def read_objection(self, actor: Actor, objection_id: UUID) -> dict[str, Any]:
        """The objection as the province handles it: the unit, its state, the grounds and
        evidence (opened from the seal), never who filed it."""
        objection = self._objection(objection_id)
        case = objection.read_case(actor, self.vault)
        return {
            "id": objection.id,
            "level": objection.level,
            "year": objection.year,
            "unit_id": objection.unit_id,
            "registered": objection.registered,
            "upheld": objection.upheld,
            **case,
            **objection.custody,
        }

    def erase_objector_data(
        self,
        actor: Actor,
        objection_id: UUID,
        reason: str,
        occurred_at: datetime | None = None,
        *,
        basis: str = "order",
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """Issue 14: erase the objector's sealed data (`_erase_sealed`): by the province with a
        reason, or by the scheduler at the end of the retention."""
        self._authorise(actor, "erase_objector_data")
        objection = self._expect(self._objection(objection_id), expected_version)
        act = self._act(actor, occurred_at, reason, rules=("A16.1", "A23.1"))
        return self._erase_sealed(objection, act, basis, reason)

    def _objection(self, objection_id: UUID) -> NoticeObjection:
        return self._get(NoticeObjection, objection_id, "异议 objection")

    def _check_filed_objections_decided(self, rnd: Round) -> None:
        """A16.1: publication waits for every objection filed during the notice."""
        docket = self.aggregate_store.load(docket_id(rnd.id), False)
        if not isinstance(docket, ObjectionDocket):
            return
        pending = sum(1 for oid in docket.filed if self._objection(UUID(oid)).upheld is None)
        publication.check_a16_1_filed_objections_handled(pending)

    # --- the public notice (no token) ----------------------------------------------------

    def public_notice(self, level: Level, year: int) -> Mapping[str, Any]:
        """The round's proposed list under notice as the public reads it (A16.1): the units
        (credit code, name, kind, city), the dates, the status and the objections' counts and
        outcomes, never who objected. NotFound while no notice was opened."""
        rnd = self._get(Round, round_id(level, year), "公示 notice", fresh=True)
        if rnd.notice is None:
            raise NotFound(zh=f"{year}年{level.value}轮次尚未公示", en="no notice in this round")
        docket = self.aggregate_store.load(docket_id(rnd.id), True)
        filed = docket.filed if isinstance(docket, ObjectionDocket) else {}
        outcomes = {
            oid: self._get(NoticeObjection, UUID(oid), "objection", fresh=True) for oid in filed
        }
        units = []
        for uid in rnd.notice["unit_ids"]:
            unit = self._get(Unit, UUID(uid), "unit", fresh=True)
            standing = unit.standing_at(level)
            current = standing is not None and standing.year == year
            own = [o.upheld for o in outcomes.values() if str(o.unit_id) == uid]
            ids = {oid for oid, o in outcomes.items() if str(o.unit_id) == uid}
            official = [
                o.upheld
                for o in ((standing.objections or ()) if standing and current else ())
                if o.id not in ids
            ]
            decided = [*own, *official]
            units.append(
                {
                    "credit_code": unit.credit_code,
                    "name": unit.name,
                    "kind": unit.kind.value,
                    "city": unit.city,
                    "stage": standing.stage.value if standing and current else None,
                    "objections": {
                        "raised": len(decided),
                        "pending": sum(1 for u in decided if u is None),
                        "upheld": sum(1 for u in decided if u is True),
                        "not_upheld": sum(1 for u in decided if u is False),
                    },
                }
            )
        return {
            "level": level.value,
            "year": year,
            "opened_on": rnd.notice["opened_on"],
            "last_day": rnd.notice["last_day"],
            "status": self._notice_status(rnd),
            "filed": len(filed),
            "units": sorted(units, key=lambda u: (u["city"], u["credit_code"])),
        }

    def _notice_status(self, rnd: Round) -> str:
        assert rnd.notice is not None
        if rnd.published_on is not None:
            return "published"
        over = rnd.notice.get("closed_on") is not None
        if over or local_date(self.clock.now()) > rnd.notice["last_day"]:
            return "closed"
        return "open"
