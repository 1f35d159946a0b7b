"""The Unit at the national level after its reviews (A15.4, A16.3): the province recommends it
to MIIT, and records MIIT's published outcome (listed or not, with the ministry's document
number and date). The national list follows those outcomes (domain.rules.miit)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from domain.acts import Act
from domain.aggregates.base import applies
from domain.aggregates.unit.core import UnitCore
from domain.events import unit as ev
from domain.rules import evaluation, miit
from domain.rules.exclusions import A17, NegativeRecord
from domain.rules.levels import NATIONAL_PUBLICATION_RULES
from domain.rules.stages import PAST_REVIEW, Stage, check_stage
from domain.values import Level

N = Level.NATIONAL


class MiitOutcomes(UnitCore):
    """The recommendation to MIIT and MIIT's outcome of one unit."""

    def recommend_to_miit(self, act: Act, member_records: Iterable[NegativeRecord]) -> bool:
        """A16.3: a unit past its national reviews (A15.4) is recommended to MIIT, unless an
        article 17 ground was found since its nomination (then withheld, as at a provincial
        publication). Returns whether it was recommended."""
        check_stage(self.stage(N), PAST_REVIEW, "A16.3", "be recommended to MIIT")
        year = self._at(N).year
        records = [*self.negative_records(), *member_records]
        if self._withheld_for_a17(act, N, records):
            return False
        rules = [*NATIONAL_PUBLICATION_RULES, *A17]
        seen = [
            evaluation.passed(
                "A16.3",
                "国家级评审（参照省级程序，第十五条第五款）已通过，推荐至工业和信息化部",
                "past the national reviews (the provincial procedure, A15.4): recommended to MIIT",
                stage=self.stage(N),
            ),
            *evaluation.a17_evaluations(records, act.on),
        ]
        self.record(
            ev.RecommendedToMiit,
            act,
            rules,
            evaluations=seen,
            level=N.value,
            year=year,
            recommended_on=act.on,
        )
        return True

    def record_miit_outcome(
        self, act: Act, year: int, listed: bool, document_number: str, published_on: date
    ) -> None:
        """A16.3: MIIT's published decision on a unit the province recommended in `year`: one
        per unit and year, with MIIT's document number, published after the recommendation
        and not in the future."""
        at = self.standing_at(N)
        standing = at if at is not None and at.year == year else None
        miit.check_a16_3_one_outcome(standing is not None and standing.miit_document is not None)
        miit.check_a16_3_recommended(standing is not None and standing.stage is Stage.RECOMMENDED)
        assert standing is not None and standing.recommended_on is not None
        number = miit.check_a16_3_document_number(document_number)
        miit.check_a16_3_published_on(published_on, standing.recommended_on, act.on)
        self._record_outcome(act, year, listed, number, published_on, migrated=False)

    def migrate_national_outcome(self, act: Act, document_number: str) -> None:
        """A15.4 / A16.3, the migration act: a national listing recorded by the province's own
        publication before MIIT outcomes were kept gets MIIT's outcome back-entered (listed,
        with its document number, dated the listing's date); the old events stay as they were."""
        standing = self.standing_at(N)
        miit.check_a16_3_legacy_listing(standing is not None and standing.legacy_national_listing)
        assert standing is not None and standing.listed_on is not None
        number = miit.check_a16_3_document_number(document_number)
        self._record_outcome(act, standing.year, True, number, standing.listed_on, migrated=True)

    def _record_outcome(
        self, act: Act, year: int, listed: bool, number: str, published_on: date, migrated: bool
    ) -> None:
        because = (
            f"工业和信息化部{number}（{published_on}）"
            + ("将该单位列入国家级名单" if listed else "未将该单位列入国家级名单"),
            f"MIIT's {number} of {published_on} "
            + ("lists the unit nationally" if listed else "does not list the unit nationally"),
        )
        seen = [
            evaluation.checked(
                "A16.3",
                listed,
                because,
                document_number=number,
                published_on=published_on,
                migrated=migrated,
            )
        ]
        self.record(
            ev.MiitOutcomeRecorded,
            act,
            list(NATIONAL_PUBLICATION_RULES),
            evaluations=seen,
            level=N.value,
            year=year,
            listed=listed,
            document_number=number,
            published_on=published_on,
            name=self.name,
            migrated=migrated,
        )

    # --- state changes (pure) ------------------------------------------------------------

    @applies
    def _on_recommended_to_miit(self, e: ev.RecommendedToMiit) -> None:
        standing = self._at(N)
        recommended = replace(standing, stage=Stage.RECOMMENDED, recommended_on=e.recommended_on)
        self._put(N, recommended)

    @applies
    def _on_miit_outcome_recorded(self, e: ev.MiitOutcomeRecorded) -> None:
        """Listed: on the national list from MIIT's date; not listed: the attempt ends."""
        standing = replace(self._at(N), miit_document=e.document_number)
        if e.listed:
            standing = replace(
                standing, stage=Stage.LISTED, listed_on=e.published_on, listed_name=e.name
            )
        else:
            standing = replace(standing, stage=Stage.NOT_LISTED)
        self._put(N, standing)
