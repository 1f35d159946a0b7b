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


class QuotaSet(DomainEvent):
    """The province set a city's quota (A13.2)."""

    city: str
    quota: int


class NominationAccepted(DomainEvent):
    """A city's nomination counted against its quota (A13.2)."""

    unit_id: UUID
    city: str


class ExpertPanelDrawn(DomainEvent):
    """A panel was drawn at random for one unit; seed + candidates let anyone re-run it (A15.2)."""

    unit_id: UUID
    seed: str
    candidates: list[str]
    size: int
    panel: list[str]
    method: str


class SiteSampleDrawn(DomainEvent):
    """The site-inspection sample, weighted by the review results, drawn reproducibly (A15.3)."""

    seed: str
    candidates: list[list[Any]]
    size: int
    sample: list[str]
    method: str


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
