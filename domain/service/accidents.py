"""Accidents (A19.4, A17.2): the city's report to the province, then each level's department
removing the unit from its own list (domain.rules.accidents)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID, uuid4

from domain.rules.accidents import check_a19_4_province_removes
from domain.service.base import ExpectedVersion, Receipt
from domain.service.removals import RemovalPolicy
from domain.values import Actor, Level


class AccidentActs(RemovalPolicy):
    """A19.4: reported by the city, removed by each level's department."""

    def report_accident(
        self,
        actor: Actor,
        credit_code: str,
        kind: str,
        grade: str,
        occurred_on: date,
        description: str,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A19.4: the city reports an accident to the province, with its kind, grade and date
        (late when recorded more than a day after it). Every accident is an A17.2 ground for
        three years (for a listed park containing the unit too, A19.1). A major one (grade II,
        重大, and above) takes the unit off the municipal list at once and leaves the higher
        lists to the province (`remove_after_accident`); a lesser one removes nothing at once,
        the unit leaves its lists at the next annual publication (A19.1, A17.2)."""
        self._may(actor, "report_accident")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "report_accident", unit)
        act = self._act(actor, occurred_at, rules=("A17.2", "A19.4"))
        listed = unit.listed_levels
        accident_id = uuid4()
        major = unit.report_accident(act, accident_id, kind, grade, occurred_on, description)
        queue = self._queue(act)
        deferred = (
            []
            if major
            else self._defer_removal(
                act,
                unit,
                listed,
                ["A19.1", "A17.2"],
                f"{grade}级事故（第十七条第2项） / grade {grade} accident (A17.2)",
                queue,
            )
        )
        parks = self._defer_removal_of_parks(act, unit, "A17.2", queue)
        extra = [queue, *parks] if parks or deferred else []
        removed = [lvl.value for lvl in listed if not unit.is_listed(lvl)]
        return self._save(
            unit,
            *extra,
            accident_id=accident_id,
            major=major,
            removed=removed,
            removal_pending=deferred,
            awaiting_province=[lvl.value for lvl in unit.listed_levels if major],
        )

    def remove_after_accident(
        self,
        actor: Actor,
        credit_code: str,
        accident_id: UUID,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A19.4: on the city's report of a major accident the province takes the unit off the
        provincial list at once and reports it to MIIT for the national one. A city bureau
        never does (ID.3, A19.4)."""
        check_a19_4_province_removes(actor)
        self._may(actor, "remove_after_accident")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "remove_after_accident", unit)
        act = self._act(actor, occurred_at, rules=("A19.4",))
        provincial, to_miit = unit.remove_after_accident(act, accident_id)
        return self._save(
            unit,
            removed=[Level.PROVINCIAL.value] if provincial else [],
            reported_to_miit=to_miit,
        )

    def record_miit_removal(
        self,
        actor: Actor,
        credit_code: str,
        accident_id: UUID,
        document_number: str,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A19.4: MIIT removed the unit from the national list on the province's report; the
        province records it, with MIIT's document number."""
        check_a19_4_province_removes(actor)
        self._may(actor, "record_miit_removal")
        unit = self._expect(self._unit(credit_code), expected_version)
        self._authorise(actor, "record_miit_removal", unit)
        act = self._act(actor, occurred_at, document_number, rules=("A19.4",))
        unit.record_miit_removal(act, accident_id, document_number)
        return self._save(unit, removed=[Level.NATIONAL.value])
