"""Events of a unit's life: its whole history at every level (lifecycle.md)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.events.base import DomainCreated, DomainEvent


class UnitRegistered(DomainCreated):
    """A factory, park or supply-chain company was registered (ID.1, ID.2)."""

    credit_code: str
    kind: str
    name: str
    city: str
    members: list[str]


class ParkMembersDeclared(DomainEvent):
    """A park declared the enterprises inside it (A17 checks them too)."""

    members: list[str]


class Cultivated(DomainEvent):
    """The city put the unit in its cultivation pool for a year (A8-A11)."""

    year: int
    priority: bool
    facts: dict[str, Any]


class EvaluationSubmitted(DomainEvent):
    """An evaluation report was submitted through the platform (A12)."""

    report_id: UUID
    level: str
    year: int
    evaluator: str
    agency_id: UUID | None
    content_hash: str
    score: float
    passed: bool


class MunicipallyListed(DomainEvent):
    """The city put the unit on its municipal list (A13.1)."""

    listed_on: date
    name: str


class Nominated(DomainEvent):
    """The city recommended the unit to a provincial or national round (A13.2, A14)."""

    level: str
    year: int
    round_id: UUID


class PreliminaryReviewed(DomainEvent):
    """The materials were reviewed (A15.1); failing ends this year's attempt. Version 2: the
    questions the review left open (待确认问题, A15.3), which the site inspection checks and the
    site sample weighs; a version 1 review recorded none."""

    class_version = 2

    level: str
    year: int
    passed: bool
    notes: str
    open_questions: list[str]

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["open_questions"] = []


class ExpertReviewed(DomainEvent):
    """The drawn expert panel reviewed the unit (A15.2)."""

    level: str
    year: int
    passed: bool
    score: float
    panel: list[str]


class SiteInspected(DomainEvent):
    """A sampled unit was inspected on site (A15.3)."""

    level: str
    year: int
    passed: bool
    notes: str


class PublicNoticeEntered(DomainEvent):
    """The unit is on the proposed list under 15-day public notice (A16.1)."""

    level: str
    year: int
    last_day: date


class ObjectionRaised(DomainEvent):
    """An objection was raised during the public notice (A16.1)."""

    level: str
    year: int
    objection_id: UUID
    summary: str


class ObjectionDecided(DomainEvent):
    """The province decided an objection; an upheld one blocks the unit (A16.1)."""

    level: str
    year: int
    objection_id: UUID
    upheld: bool


LEGACY_NATIONAL_LISTING = "province (recorded before MIIT outcomes were kept)"
"""Who decided a national `Listed` written before the MIIT outcomes were kept (its upcast):
the province's own national publication then stood for MIIT's decision (A16.3)."""
DECIDED_BY_PROVINCE = "province"
"""Who decides every other `Listed`: the province's joint publication (A16.2)."""


class Listed(DomainEvent):
    """The joint publication put the unit on the provincial list (A16.2), by the province.

    class_version 2 (issue 12 item 1): `decided_by` says who decided the listing. The national
    list is MIIT's (A16.3): since then a national listing is a `MiitOutcomeRecorded`, never a
    `Listed`. A version-1 national `Listed` was written by the province's own national
    publication before MIIT outcomes were kept: it reads with `decided_by`
    LEGACY_NATIONAL_LISTING (the record as it was, never edited) until the migration act
    back-enters MIIT's outcome for it (`Greenlist.migrate_national_outcome`)."""

    class_version = 2

    level: str
    year: int
    listed_on: date
    name: str
    decided_by: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A listing recorded before issue 12: the province's, a national one as a legacy."""
        national = state.get("level") == "national"
        state["decided_by"] = LEGACY_NATIONAL_LISTING if national else DECIDED_BY_PROVINCE


class RecommendedToMiit(DomainEvent):
    """The province recommended the unit to MIIT for the national list (A16.3), at the end of
    the national round's reviews (A15.4); no provincial notice precedes it."""

    level: str
    year: int
    recommended_on: date


class MiitOutcomeRecorded(DomainEvent):
    """The province recorded MIIT's published decision on a recommended unit (A16.3): `listed`
    or not, MIIT's document number (文号) and publication date (`published_on`, also the
    event's occurred_at). Listed, the unit is on the national list from `published_on`; not
    listed, its national attempt of `year` ends. `migrated`: back-entered by the migration act
    for a national listing recorded before MIIT outcomes were kept (its date is the listing's)."""

    level: str
    year: int
    listed: bool
    document_number: str
    published_on: date
    name: str
    migrated: bool


class ListedFromRecord(DomainEvent):
    """The unit was listed from a published list's record (issue 15 item 1): a historical
    listing back-entered as an act of its own, never an edit of what was recorded. It names the
    record: the level and `year` of the list, the date it listed its units (`listed_on`, also
    the event's occurred_at), the unit's name on it, the record file's SHA-256, name and row,
    and the list's document number if it has one (MIIT's 文号 on a national record, A16.3).
    The actor is whoever imported the file; the unit keeps `<level>:<sha256>:<row>`, so the
    same file imported again lists nothing twice."""

    level: str
    year: int
    listed_on: date
    name: str
    source_sha256: str
    source_file: str
    source_row: int
    document_number: str


class ListingWithheld(DomainEvent):
    """At publication the unit was not listed: an upheld objection or an A17 ground."""

    level: str
    year: int


class NegativeRecordAdded(DomainEvent):
    """A ground of the three-year negative list was recorded (A17.x)."""

    record_id: UUID
    ground: str
    occurred_on: date
    ended_on: date | None
    source: str
    description: str


class NegativeRecordEnded(DomainEvent):
    """A continuing ground ended (A17.1 resumed, A17.5 rectified, A17.6 no longer listed)."""

    record_id: UUID
    ended_on: date


class DynamicFormSubmitted(DomainEvent):
    """The yearly dynamic management form was submitted (A18). Version 2: `declared_changes`,
    the ids of the changes the form declared (A20.1, each recorded as a `ChangeDeclared` of the
    same act); a version 1 form declared none."""

    class_version = 2

    level: str
    year: int
    indicators: dict[str, Any]
    late: bool
    declared_changes: list[str]

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["declared_changes"] = []


class DynamicFormOverdue(DomainEvent):
    """The form was not submitted by 15 April (A18 -> A19.2)."""

    level: str
    year: int


class ChangeDeclared(DomainEvent):
    """A name, scope, address or boundary change was declared (A20.1)."""

    change_id: UUID
    change_kind: str
    new_name: str
    description: str


class ChangeRechecked(DomainEvent):
    """The city re-checked a declared change (A20.2)."""

    change_id: UUID
    confirmed: bool
    still_meets_standards: bool


class NameChanged(DomainEvent):
    """The unit's name changed, after the city confirmed it (A20.2)."""

    old_name: str
    new_name: str


class RemovalDecided(DomainEvent):
    """A removal was decided; it takes effect at the annual publication (A19.1-3, A20.3)."""

    level: str
    reason: str


class Removed(DomainEvent):
    """The unit left the list of a level (A19, A20.2); it is then barred for three years (A17.3)."""

    level: str
    effective_on: date
    immediate: bool
    reason: str


class ListingAdjusted(DomainEvent):
    """A confirmed change was applied to the list of a level at the annual publication (A20.3)."""

    level: str
    name: str


class Rereviewed(DomainEvent):
    """The five-yearly re-review of a listed unit (A21)."""

    level: str
    reviewed_on: date
    passed: bool


class ComplaintReceived(DomainEvent):
    """Retired (issue 9, item 4): recorded by a filing before reports were accepted for
    verification, with the filer as its actor. Kept so that stored streams still load; reads
    withhold its actor (`domain.reporters`). New filings record nothing here: the unit gets
    `ComplainedAgainst` when the city accepts the report."""

    complaint_id: UUID


class ComplainedAgainst(DomainEvent):
    """The handling city accepted a real-name report against the unit for verification (A23.2).
    Its actor is the city; the reporter stays in the complaint."""

    complaint_id: UUID


class ComplaintOutcomeRecorded(DomainEvent):
    """The city verified a report against the unit (A23.2)."""

    complaint_id: UUID
    confirmed: bool
    outcome: str


class RereviewFellDue(DomainEvent):
    """Five years after listing or the last re-review, the re-review fell due (A21). Recorded by
    the scheduler with the due date as `occurred_at`; the city then re-reviews."""

    level: str
    due_on: date


class NegativeRecordLapsed(DomainEvent):
    """Three years after it happened (or ended), an article 17 ground stopped counting (A17).
    Recorded by the scheduler with that date as `occurred_at`."""

    record_id: UUID
    ground: str
    lapsed_on: date


class AccidentReported(DomainEvent):
    """The city reported an accident of the unit to the province (A19.4, A17.2): its kind
    (safety, quality, environment), grade (I 特别重大 - IV 一般), date, and whether it is a
    major one (grade II and above: removal from every level at once) and was reported late
    (A19.4 "实时上报", domain.rules.accidents)."""

    accident_id: UUID
    kind: str
    grade: str
    occurred_on: date
    description: str
    major: bool
    reported_late: bool


class ReportedToMiitForRemoval(DomainEvent):
    """The province reported the unit to MIIT for removal from the national list after a
    major accident (A19.4); the unit leaves that list when MIIT's removal is recorded."""

    accident_id: UUID
