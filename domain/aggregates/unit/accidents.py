"""Accidents of a unit (A19.4, A17.2): the city's report to the province, then each level's
department removing the unit from its own list (domain.rules.accidents)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from domain.acts import Act
from domain.aggregates.base import applies
from domain.aggregates.unit.dynamic import DynamicManagement
from domain.aggregates.unit.exclusions import Exclusions
from domain.events import unit as ev
from domain.rules import accidents, evaluation
from domain.values import Level

LESSER, MAJOR, REPORTED_TO_MIIT = "lesser", "major", "reported_to_miit"


class Accidents(Exclusions, DynamicManagement):
    """A19.4: what the city and the province record of a unit's accident."""

    if TYPE_CHECKING:  # no class annotations (eventsourcing would make a dataclass)
        accidents: Mapping[str, str]
        accident_descriptions: Mapping[str, str]
    else:
        accidents = MappingProxyType({})
        """accident id -> lesser, major or reported_to_miit; a class default (never changed in
        place: replaced), so that snapshots taken before accidents were recorded still load."""
        accident_descriptions = MappingProxyType({})
        """accident id -> what the city's report says (the removals' reason)."""

    def report_accident(
        self,
        act: Act,
        accident_id: UUID,
        kind: str,
        grade: str,
        occurred_on: date,
        description: str,
    ) -> bool:
        """A19.4: the city's report to the province, an A17.2 ground for three years whatever
        the grade; a major one (grade II and above) takes the unit off the municipal list at
        once. Returns whether it is major."""
        _, graded = accidents.check_a19_4_accident(kind, grade)
        accidents.check_a19_4_occurred(occurred_on, act.on)
        major = accidents.is_major(graded)
        facts = {"kind": kind, "grade": grade, "occurred_on": occurred_on}
        seen = [
            evaluation.refused(
                "A17.2",
                f"{occurred_on}发生{grade}级事故：三年内不得申报",
                f"a grade {grade} accident on {occurred_on}: an article 17 ground for three years",
                **facts,
            )
        ]
        if major:
            seen.append(
                evaluation.refused(
                    "A19.4",
                    "重大及以上事故：各层面即时移出",
                    "a major accident (grade II and above): removed from every level at once",
                    **facts,
                )
            )
        self.record(
            ev.AccidentReported,
            act,
            ["A19.4", "A17.2"] if major else ["A17.2"],
            evaluations=seen,
            accident_id=accident_id,
            kind=kind,
            grade=grade,
            occurred_on=occurred_on,
            description=description,
            major=major,
            reported_late=accidents.reported_late(occurred_on, act.on),
        )
        source = "A19.4" if major else "A17.2"
        self.add_negative_record(act, uuid4(), "A17.2", occurred_on, None, source, description)
        if major and self.is_listed(Level.MUNICIPAL):
            self.remove(
                act,
                Level.MUNICIPAL,
                ["A19.4"],
                immediate=True,
                reason=f"重大事故 / major accident: {description}",
            )
        return major

    def remove_after_accident(self, act: Act, accident_id: UUID) -> tuple[bool, bool]:
        """A19.4: the province takes the unit off the provincial list at once and, if it is on
        the national list, reports it to MIIT for removal. Returns (removed from the provincial
        list, reported to MIIT)."""
        status = self.accidents.get(str(accident_id))
        accidents.check_a19_4_major(status is not None, status != LESSER)
        provincial = self.is_listed(Level.PROVINCIAL)
        to_miit = self.is_listed(Level.NATIONAL) and status != REPORTED_TO_MIIT
        accidents.check_a19_4_province_has_work(provincial, to_miit)
        if provincial:
            self.remove(
                act,
                Level.PROVINCIAL,
                ["A19.4"],
                immediate=True,
                reason=self._accident_reason(accident_id),
            )
        if to_miit:
            self.record(ev.ReportedToMiitForRemoval, act, ["A19.4"], accident_id=accident_id)
        return provincial, to_miit

    def record_miit_removal(self, act: Act, accident_id: UUID, document_number: str) -> None:
        """A19.4: MIIT removed the unit from the national list, on the province's report; the
        province records it with MIIT's document number."""
        status = self.accidents.get(str(accident_id))
        accidents.check_a19_4_major(status is not None, status != LESSER)
        accidents.check_a19_4_reported_to_miit(status == REPORTED_TO_MIIT)
        document = accidents.check_a19_4_document(document_number)
        self._require_listed(Level.NATIONAL, "A19.4")
        self.remove(
            act,
            Level.NATIONAL,
            ["A19.4"],
            immediate=True,
            reason=f"{self._accident_reason(accident_id)}（工信部{document}）",
        )

    def _accident_reason(self, accident_id: UUID) -> str:
        return f"重大事故 / major accident: {self.accident_descriptions.get(str(accident_id), '')}"

    # --- state changes (pure) ------------------------------------------------------------

    @applies
    def _on_accident_reported(self, e: ev.AccidentReported) -> None:
        key = str(e.accident_id)
        self.accidents = {**self.accidents, key: MAJOR if e.major else LESSER}
        self.accident_descriptions = {**self.accident_descriptions, key: e.description}

    @applies
    def _on_reported_to_miit(self, e: ev.ReportedToMiitForRemoval) -> None:
        self.accidents = {**self.accidents, str(e.accident_id): REPORTED_TO_MIIT}
