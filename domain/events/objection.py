"""Events of an objection filed during the public notice (A16.1) by anyone, under their real
name (as A23.1 asks of reports), and of the round's docket of filed objections. The objector's
identity lives only here: reads withhold the filer (`domain.reporters`)."""

from __future__ import annotations

from uuid import UUID

from domain.events.base import DomainCreated, DomainEvent


class ObjectionFiled(DomainCreated):
    """An objection was filed against a unit on the proposed list under notice (A16.1). Its
    actor (the account that filed it, when a token was used) and the objector's name and
    contact are the objector's identity: reads withhold them (`domain.reporters`)."""

    level: str
    year: int
    unit_id: UUID
    objector_name: str
    objector_contact: str
    evidence: list[str]
    grounds: str


class ObjectorIdentityRead(DomainEvent):
    """The province or discipline inspection read the objector's name and contact; every such
    read is recorded."""


class ObjectionRegistered(DomainEvent):
    """The province registered the objection for handling (A16.1): the unit's history now says
    an objection was raised, with the province as the actor."""

    summary: str


class ObjectionHandled(DomainEvent):
    """The province decided the objection (A16.1): upheld (the unit is not listed) or not, with
    its reasons; the unit records the same outcome (`ObjectionDecided`)."""

    upheld: bool
    reasons: str


class ObjectionDocketOpened(DomainCreated):
    """The first objection filed during a round's notice opened the round's docket."""

    level: str
    year: int
    round_id: UUID


class ObjectionDocketed(DomainEvent):
    """A filed objection on the round's docket (A16.1): publication waits until each is
    decided. Recorded by the filing, so its actor is withheld like the filing's."""

    objection_id: UUID
    unit_id: UUID
