"""Events of a yearly selection round at one level (A13.2-A16)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.events.base import DomainCreated, DomainEvent


class RoundOpened(DomainCreated):
    """The province opened the round of a level and year with each city's quota (A13.2)."""

    level: str
    year: int
    quotas: dict[str, int]


BASIS_NOT_KEPT = "recorded before the basis was kept (记录依据之前设定)"
"""What a quota set before its basis was recorded says in place of a justification."""


class QuotaSet(DomainEvent):
    """The province set a city's quota (A13.2), with its basis: `derived` by the formula from
    the `inputs` recorded here (domain.rules.selection.derive_quota: anyone can recompute it),
    or `manual`, with the written justification in the provenance and "A13.2" among its
    exceptions (supervision shows it).

    class_version 2: version 1 carried no basis; such a quota reads as `manual` with no inputs
    and no justification (`basis_kept` False: recorded before the basis was kept)."""

    class_version = 2

    city: str
    quota: int
    basis: str
    inputs: dict[str, Any]

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A quota recorded before the basis was kept: set by hand, without inputs."""
        state["basis"] = "manual"
        state["inputs"] = {}

    @property
    def basis_kept(self) -> bool:
        """False for a quota recorded before the basis was kept (class_version 1): by hand,
        and nobody was asked why. A manual quota recorded since always has a justification."""
        return self.basis == "derived" or bool(self.justification.strip())


class NominationAccepted(DomainEvent):
    """A city's nomination counted against its quota (A13.2)."""

    unit_id: UUID
    city: str


class ExpertPanelDrawn(DomainEvent):
    """A panel was drawn at random for one unit; seed + candidates let anyone re-run it (A15.2).

    class_version 2 (issue 12 item 4): the seed is nobody's choice. It derives from the
    verifiable log's head when the pool was frozen (`log_size`, `log_root` hex;
    `domain.draws.panel_seed`, `seed_source` "log-head"), recorded with the pool as it was
    (`pool`: every expert id) and each exclusion with its reason (`exclusions`: expert_id,
    employer_code, reason); `candidates` are the pool less the exclusions. A version-1 draw had
    the province's seed: it reads with `seed_source` "caller" and no log head, pool or
    exclusions (None: not recorded then, which is not the same as none)."""

    class_version = 2

    unit_id: UUID
    seed: str
    candidates: list[str]
    size: int
    panel: list[str]
    method: str
    seed_source: str
    log_size: int | None
    log_root: str | None
    pool: list[str] | None
    exclusions: list[dict[str, str]] | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A draw recorded before issue 12: the caller chose its seed; nothing else was kept."""
        state["seed_source"] = "caller"
        state["log_size"] = None
        state["log_root"] = None
        state["pool"] = None
        state["exclusions"] = None


class SiteSampleDrawn(DomainEvent):
    """The site-inspection sample, weighted by the review results, drawn reproducibly (A15.3).
    Version 2: each candidate's `inputs` (its expert score and the number of questions its
    preliminary review left open) and the `weight_formula` that made its weight from them;
    a version 1 draw kept only the weights (`inputs` and `weight_formula` None)."""

    class_version = 2

    seed: str
    candidates: list[list[Any]]
    size: int
    sample: list[str]
    method: str
    inputs: dict[str, dict[str, Any]] | None
    weight_formula: str | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["inputs"] = None
        state["weight_formula"] = None


class PublicNoticeOpened(DomainEvent):
    """The proposed list went under 15-day public notice (A16.1)."""

    opened_on: date
    last_day: date
    unit_ids: list[str]


class PublicationCosigned(DomainEvent):
    """A co-publishing department signed the publication (A16.2)."""

    department: str


class Published(DomainEvent):
    """The joint publication: the annual list; deferred removals and adjustments took effect."""

    published_on: date
    listed: list[str]
    withheld: list[str]
    removed: list[str]
    adjusted: list[str]


class NominationWindowClosed(DomainEvent):
    """The 30 June window passed: from 1 July recommendations for the year are refused (A14.1).
    Recorded by the scheduler with the logical date as `occurred_at`."""

    closed_on: date
    nominations: int


class PublicNoticeClosed(DomainEvent):
    """The public notice ran its full period: publication may follow (A16.1). Recorded by the
    scheduler with the logical date (the day after the last day) as `occurred_at`."""

    last_day: date
    closed_on: date


class ExpertScoreRecorded(DomainEvent):
    """An expert drawn onto a unit's panel scored it (A15.2); `previous_score` is set when the
    score corrects the expert's earlier one, which needs a written justification."""

    unit_id: UUID
    expert_id: str
    score: float
    opinion: str
    previous_score: float | None


class OnSiteSupervisionRecorded(DomainEvent):
    """The discipline inspection committee (机关纪委) supervised an activity of the round on
    site (A15.2): the panel draw, the expert review, the site inspection or the publication."""

    activity: str
    notes: str


class MiitRecommendationSubmitted(DomainEvent):
    """The province recommended the national round's units past their reviews to MIIT
    (A15.4, A16.3) on `recommended_on`: `unit_ids`; `withheld`: those an article 17 ground
    found since their nomination kept back. No provincial notice precedes it."""

    recommended_on: date
    unit_ids: list[str]
    withheld: list[str]


class AdjustmentOpinionsSubmitted(DomainEvent):
    """The city sent its adjustment opinions with its annual recommendations (A20.3): for each
    of its units with a confirmed change (A20.2), the unit's `credit_code` and `unit_id`, the
    `change_ids` it concerns, the proposed `action` (rename, removal, keep) and the `reasons`."""

    city: str
    opinions: list[dict[str, Any]]
