"""Acts on a unit before selection: registration, cultivation, evaluation, the municipal list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any
from uuid import uuid4

from domain.acts import Act
from domain.aggregates.agency import Agency, EvaluationQuota, agency_id, quota_id
from domain.aggregates.membership import ParkMembership, membership_id
from domain.aggregates.unit import Unit
from domain.errors import AlreadyExists, ConcurrentUpdate
from domain.service.base import ExpectedVersion, Receipt, ServiceBase
from domain.values import Actor, Level, Role, UnitKind


class UnitActs(ServiceBase):
    """Registration (ID.1-2), cultivation (A8-A11), evaluation (A12, A22.3), A13.1."""

    def register_unit(
        self,
        actor: Actor,
        credit_code: str,
        kind: UnitKind,
        name: str,
        members: Iterable[str] = (),
        occurred_at: datetime | None = None,
    ) -> Receipt:
        """Register a factory, park or supply-chain company under its credit code."""
        self._may(actor, "register_unit")
        act = self._act(actor, occurred_at, rules=("ID.1", "ID.2"))
        unit = Unit.register(act, credit_code, kind, name, members)
        self._authorise(actor, "register_unit", unit)
        try:
            return self._save(unit, *self._index_members(act, unit, []))
        except ConcurrentUpdate:
            if self.aggregate_store.load(unit.id, fresh=False) is None:
                raise
            what = unit.credit_code
            raise AlreadyExists(zh=f"单位{what}已存在", en=f"unit {what} already exists") from None

    def declare_park_members(
        self,
        actor: Actor,
        credit_code: str,
        members: Iterable[str],
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A park declares the enterprises inside it; A17 then checks them too."""
        self._may(actor, "declare_park_members")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "declare_park_members", unit)
        act = self._act(actor, occurred_at, rules=("A10.1",))
        before = list(unit.members)
        unit.declare_members(act, members)
        return self._save(unit, *self._index_members(act, unit, before))

    def _index_members(self, act: Act, park: Unit, before: list[str]) -> list[ParkMembership]:
        """Keep each member's list of parks in step with the park's declaration."""
        changed = []
        for code in sorted(set(before) ^ set(park.members)):
            index = self._get_or_open(
                ParkMembership, membership_id(code), partial(ParkMembership.open, act, code)
            )
            if code in park.members:
                index.join(act, park.id)
            else:
                index.leave(act, park.id)
            changed.append(index)
        return changed

    def cultivate(
        self,
        actor: Actor,
        credit_code: str,
        year: int,
        facts: dict[str, Any],
        priority: bool = False,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A8-A11: the city puts an eligible unit in its cultivation pool."""
        self._may(actor, "cultivate")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "cultivate", unit)
        unit.cultivate(
            self._act(actor, occurred_at, rules=("A8",)),
            year,
            priority,
            facts,
            self._member_records(unit),
        )
        return self._save(unit)

    def submit_evaluation(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        year: int,
        content_hash: str,
        score: float,
        passed: bool,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A12: an enterprise submits its self-evaluation; an agency (actor id = its credit code)
        a third-party report, which counts toward its legal representative's quota (A22.3) of
        the year it is submitted in (not the year the report declares, which could be chosen)."""
        self._may(actor, "submit_evaluation")
        unit = self._expect(self._unit(credit_code), expected_version)
        by_agency = actor.role is Role.AGENCY
        act = self._act(actor, occurred_at, rules=("A12", "A22.3") if by_agency else ("A12",))
        report_id = uuid4()
        self._authorise(actor, "submit_evaluation", unit)  # an agency: any unit that engaged it
        if by_agency:
            agency = self._get(Agency, agency_id(actor.id), f"机构 agency {actor.id}")
            quota = self._quota(act, agency, act.on.year)
            quota.count(act, report_id, unit.id, agency.id, level, unit.kind)
            unit.submit_evaluation(
                act,
                report_id,
                level,
                year,
                agency.id,
                content_hash,
                score,
                passed,
                self._member_records(unit),
                ["A22.3"],
            )
            return self._save(unit, quota, report_id=report_id)
        unit.submit_evaluation(
            act,
            report_id,
            level,
            year,
            None,
            content_hash,
            score,
            passed,
            self._member_records(unit),
        )
        return self._save(unit, report_id=report_id)

    def _quota(self, act: Any, agency: Agency, year: int) -> EvaluationQuota:
        """A22.3: the yearly ledger of the agency's legal representative as of now: the person
        (keyed identity), shared by every agency registered with them; for an agency registered
        before identities were recorded, the name's ledger it always used."""
        return self._get_or_open(
            EvaluationQuota,
            quota_id(agency.quota_key, year),
            lambda: EvaluationQuota.open(
                act, agency.legal_representative, agency.representative, year
            ),
        )

    def list_municipally(
        self,
        actor: Actor,
        credit_code: str,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A13.1: the city puts a unit on its own municipal list."""
        self._may(actor, "list_municipally")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "list_municipally", unit)
        act = self._act(actor, occurred_at, rules=("A13.1",))
        unit.list_municipally(act, self._member_records(unit))
        return self._save(unit)
