"""Events of an objection filed during the public notice (A16.1) by anyone, under their real
name (as A23.1 asks of reports), and of the round's docket of filed objections. The objector's
identity lives only here: reads withhold the filer (`domain.reporters`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.custody import upcast_clear_filing
from domain.events.base import DomainCreated, DomainEvent, IdentityDisclosed, PersonalDataErased


class ObjectionFiled(DomainCreated):
    """An objection was filed against a unit on the proposed list under notice (A16.1).

    class_version 2 (issue 14): the objector's name, contact, evidence and grounds, and the
    account that filed it, are `sealed` (domain.custody), the event's actor is the neutral
    reporter (`domain.reporters.WITHHELD`). Version 1 held them in clear: they read from a
    legacy envelope."""

    class_version = 2

    level: str
    year: int
    unit_id: UUID
    sealed: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        upcast_clear_filing(state, "objector_name", "objector_contact", "grounds")


class ObjectorIdentityRead(DomainEvent):
    """The province or discipline inspection read the objector's name and contact; every such
    read is recorded. Retired (issue 14): see `custody.IdentityDisclosed`."""


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


class ObjectorDisclosed(IdentityDisclosed):
    """The province or discipline inspection opened the objector's sealed identity for the
    reason stated (A16.1, A23.1, issue 14)."""


class ObjectorDataErased(PersonalDataErased):
    """The objector's sealed data was erased: its data key destroyed (issue 14)."""
