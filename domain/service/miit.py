"""The end of the national round (A15.4, A16.3): the province's recommendation to MIIT, the
MIIT outcomes it records once the ministry publishes them, and the migration act for national
listings recorded before those outcomes were kept (domain.rules.miit)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.aggregates.unit import Unit
from domain.rules import review
from domain.rules.stages import PAST_REVIEW, Stage
from domain.service.base import ExpectedVersion, Receipt
from domain.service.reviews import ReviewActs
from domain.values import Actor, Level, local_date, local_midnight

N = Level.NATIONAL
MIIT_RULES = ("A15.4", "A16.3")


class MiitActs(ReviewActs):
    """The province between its national round and MIIT."""

    def recommend_to_miit(
        self,
        actor: Actor,
        year: int,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A16.3: the province recommends to MIIT every unit of the national round that passed
        its reviews (A15.4); refused while a sampled unit awaits its site inspection (A15.3).
        No 15-day provincial notice and no co-signature are needed (a notice, a co-signature
        or a publication on a national round is refused, A16.3). A unit with an article 17
        ground found since its nomination is withheld. The receipt's details list both."""
        self._authorise(actor, "recommend_to_miit")
        rnd = self._expect(self._round(N, year), expected_version)
        act = self._act(actor, occurred_at, rules=MIIT_RULES)
        rnd.check_recommendable()
        units = [self._get(Unit, UUID(uid), "unit") for uid in rnd.nominations]
        waiting = [u for u in units if u.stage(N) is Stage.EXPERT_PASSED and rnd.is_sampled(u.id)]
        review.check_a15_3_inspected(len(waiting))
        outcome: dict[str, list[str]] = {"recommended": [], "withheld": []}
        past_review = [u for u in units if u.stage(N) in PAST_REVIEW]
        for unit in past_review:
            recommended = unit.recommend_to_miit(act, self._member_records(unit))
            outcome["recommended" if recommended else "withheld"].append(str(unit.id))
        rnd.recommend_to_miit(act, outcome["recommended"], outcome["withheld"])
        return self._save(rnd, *past_review, recommended_on=act.on, **outcome)

    def record_miit_outcome(
        self,
        actor: Actor,
        credit_code: str,
        year: int,
        listed: bool,
        document_number: str,
        occurred_at: datetime,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A16.3: the province records MIIT's published decision on a unit it recommended in
        `year`: listed (on the national list from MIIT's publication date) or not listed (the
        year's attempt ends), with MIIT's document number (文号). The act happened when MIIT
        published: `occurred_at` is MIIT's publication (required; its date, Asia/Shanghai, is
        the outcome's `published_on`: not in the future, not before the recommendation). One
        outcome per unit and year; a second is refused (A16.3)."""
        self._authorise(actor, "record_miit_outcome")
        unit = self._expect(self._unit(credit_code), expected_version)
        act = self._act(actor, occurred_at, rules=MIIT_RULES)
        published_on = local_date(occurred_at)
        unit.record_miit_outcome(act, year, listed, document_number, published_on)
        return self._save(unit, listed=listed, document_number=document_number.strip())

    def migrate_national_outcome(
        self,
        actor: Actor,
        credit_code: str,
        document_number: str,
        justification: str = "",
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A15.4 / A16.3, the migration act: for a national listing the province recorded by
        its own publication before MIIT outcomes were kept (a `Listed` of class_version 1,
        read as decided by "province (recorded before MIIT outcomes were kept)"), back-enter
        MIIT's outcome "listed" with its document number, dated the listing's date
        (occurred_at); nothing recorded before is edited. Refused for any other unit."""
        self._authorise(actor, "migrate_national_outcome")
        unit = self._expect(self._unit(credit_code), expected_version)
        standing = unit.standing_at(N)
        listed_on = standing.listed_on if standing else None
        occurred = local_midnight(listed_on) if listed_on else None
        act = self._act(actor, occurred, justification, rules=MIIT_RULES)
        unit.migrate_national_outcome(act, document_number)
        return self._save(unit, document_number=document_number.strip())
