"""Which parks an enterprise is in, so that a ground recorded on the enterprise reaches every
listed park that contains it (A17 "含园区内企业", then A19.1). Saved atomically with the park's
declaration of its members."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import GreenAggregate, applies, natural_id
from domain.events import membership as ev


def membership_id(member_code: str) -> UUID:
    return natural_id("park-membership", member_code)


class ParkMembership(GreenAggregate):
    """The parks that currently declare one enterprise (by credit code) as a member."""

    if TYPE_CHECKING:  # attributes set by when(); no class annotations (see GreenAggregate)
        member_code: str
        parks: list[str]

    @classmethod
    def open(cls, act: Act, member_code: str) -> ParkMembership:
        return cls._create(
            ev.MembershipIndexOpened,
            id=membership_id(member_code),
            **act.provenance(["A17.2"]),
            member_code=member_code,
        )

    def join(self, act: Act, park_id: UUID) -> None:
        if str(park_id) not in self.parks:
            self.record(ev.JoinedPark, act, ["A17.2"], park_id=park_id)

    def leave(self, act: Act, park_id: UUID) -> None:
        if str(park_id) in self.parks:
            self.record(ev.LeftPark, act, ["A17.2"], park_id=park_id)

    @applies
    def _(self, e: ev.MembershipIndexOpened) -> None:
        self.member_code = e.member_code
        self.parks = []

    @applies
    def _(self, e: ev.JoinedPark) -> None:
        self.parks.append(str(e.park_id))

    @applies
    def _(self, e: ev.LeftPark) -> None:
        self.parks.remove(str(e.park_id))
