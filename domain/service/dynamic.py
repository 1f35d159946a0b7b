"""Dynamic management of listed units: negative records, yearly forms, changes, removals,
major accidents and five-yearly re-reviews (A17-A21)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from domain.aggregates.unit.dynamic import DeclaredChange
from domain.rules.dynamic import DEFERRED_GROUNDS as DEFERRED_GROUNDS  # api.schemas reads it
from domain.rules.dynamic import check_a19_deferred_ground, check_a19_listed
from domain.rules.exclusions import A17_CONTINUING, A17_GROUNDS
from domain.service.base import ExpectedVersion, Receipt
from domain.service.removals import RemovalPolicy
from domain.values import Actor, Level


class DynamicManagementActs(RemovalPolicy):
    """What happens to a unit once it is listed."""

    def record_negative_record(
        self,
        actor: Actor,
        credit_code: str,
        ground: str,
        occurred_on: date,
        source: str,
        description: str,
        ended_on: date | None = None,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A17: a ground found by the city. For a listed unit it also decides the removal at the
        next annual publication (A19.1)."""
        self._may(actor, "record_negative_record")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "record_negative_record", unit)
        act = self._act(actor, occurred_at, rules=self._ground_rules(ground, "A19.1"))
        record_id = uuid4()
        unit.add_negative_record(act, record_id, ground, occurred_on, ended_on, source, description)
        queue = self._queue(act)
        in_force = unit.ground_in_force(record_id, act.on)
        deferred = (
            self._defer_removal(
                act,
                unit,
                unit.listed_levels,
                ["A19.1", ground],
                f"第十七条情形 / article 17 ground {ground}",
                queue,
            )
            if in_force
            else []
        )
        parks = self._defer_removal_of_parks(act, unit, ground, queue) if in_force else []
        return self._save(unit, queue, *parks, record_id=record_id, removal_pending=deferred)

    @staticmethod
    def _ground_rules(ground: str, *rules: str) -> tuple[str, ...]:
        """The rules a negative record is recorded under: its A17 ground (when it is one: an
        unknown code is refused by the record itself) and `rules`."""
        return (ground, *rules) if ground in A17_GROUNDS else rules

    def end_negative_record(
        self,
        actor: Actor,
        credit_code: str,
        record_id: UUID,
        ended_on: date,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A17.1/5/6: a continuing ground ended; the three years run from that date."""
        self._may(actor, "end_negative_record")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "end_negative_record", unit)
        act = self._act(actor, occurred_at, rules=sorted(A17_CONTINUING))
        unit.end_negative_record(act, record_id, ended_on)
        return self._save(unit)

    def submit_dynamic_form(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        year: int,
        indicators: dict[str, Any],
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
        changes: Sequence[Mapping[str, str]] = (),
    ) -> Receipt:
        """A18: the yearly dynamic management form, due 15 April of the following year. A20.1:
        the changes it declares (`changes`: each a `change_kind`, a `description` and, for a
        rename, a `new_name`) are recorded with it, in the same act, for the city to re-check
        (A20.2); the receipt names their ids (`change_ids`)."""
        self._may(actor, "submit_dynamic_form")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "submit_dynamic_form", unit)
        rules = ("A18", "A20.1") if changes else ("A18",)
        act = self._act(actor, occurred_at, rules=rules)
        declared = [
            DeclaredChange(
                uuid4(), c["change_kind"], c.get("description", ""), c.get("new_name", "")
            )
            for c in changes
        ]
        unit.submit_dynamic_form(act, level, year, indicators, declared)
        if not declared:
            return self._save(unit)
        return self._save(unit, change_ids=[c.change_id for c in declared])

    def mark_form_overdue(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        year: int,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A18 -> A19.2: no form by 15 April: removal at the next annual publication."""
        self._authorise(actor, "mark_form_overdue")
        unit = self._expect(self._unit(credit_code), expected_version)
        act = self._act(actor, occurred_at, rules=("A18", "A19.2"))
        return self._record_form_overdue(act, unit, level, year)

    def declare_change(
        self,
        actor: Actor,
        credit_code: str,
        change_kind: str,
        description: str,
        new_name: str = "",
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A20.1: declare a change of name, scope, address or boundary."""
        self._may(actor, "declare_change")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "declare_change", unit)
        change_id = uuid4()
        unit.declare_change(
            self._act(actor, occurred_at, rules=("A20.1",)),
            change_id,
            change_kind,
            new_name,
            description,
        )
        return self._save(unit, change_id=change_id)

    def recheck_change(
        self,
        actor: Actor,
        credit_code: str,
        change_id: UUID,
        confirmed: bool,
        still_meets_standards: bool,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A20.2: the city re-checks, which records its finding; a unit that no longer meets the
        standards leaves the municipal list now. A20.3: for the provincial and national lists
        the change waits for the city's adjustment opinion, sent with its annual
        recommendations (domain.service.opinions)."""
        self._may(actor, "recheck_change")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "recheck_change", unit)
        act = self._act(actor, occurred_at, rules=("A20.2", "A20.3"))
        unit.recheck_change(act, change_id, confirmed, still_meets_standards)
        return self._save(unit)

    def decide_removal(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        ground: str,
        reason: str,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A19.1-3: removal decided now, effective at the annual publication: by the province
        at any level, by the unit's city from its municipal list."""
        self._may(actor, "decide_removal")
        check_a19_deferred_ground(ground)
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "decide_removal", unit, level=level)
        act = self._act(actor, occurred_at, reason, rules=(ground,))
        check_a19_listed(unit.is_listed(level), ground)
        queue = self._queue(act)
        self._defer_removal(act, unit, [level], [ground], reason, queue)
        return self._save(unit, queue)

    def record_rereview(
        self,
        actor: Actor,
        credit_code: str,
        level: Level,
        passed: bool,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A21: the five-yearly re-review; a failed one leads to removal at the annual
        publication."""
        self._may(actor, "record_rereview")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "record_rereview", unit)
        act = self._act(actor, occurred_at, rules=("A21",))
        unit.rereview(act, level, passed)
        if passed:
            return self._save(unit)
        queue = self._queue(act)
        self._defer_removal(
            act,
            unit,
            [level],
            ["A21", "A19.1"],
            "五年复核未通过 / failed the five-yearly re-review",
            queue,
        )
        return self._save(unit, queue)
