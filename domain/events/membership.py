"""Events of the index from an enterprise to the parks that declare it (A17 "含园区内企业")."""

from __future__ import annotations

from uuid import UUID

from domain.events.base import DomainCreated, DomainEvent


class MembershipIndexOpened(DomainCreated):
    """The first park declared this enterprise as one of its members."""

    member_code: str


class JoinedPark(DomainEvent):
    """A park declared the enterprise as inside it."""

    park_id: UUID


class LeftPark(DomainEvent):
    """A park's declaration no longer lists the enterprise."""

    park_id: UUID
