"""An objection filed during the public notice (A16.1) by anyone, under their real name with
contact and evidence (as A23.1 asks of reports). The objector's identity, and the account that
filed it, are kept only here, never in the unit's stream: the unit hears of the objection when
the province registers it for handling, with the province as the actor. Filing writes this
aggregate and the round's docket, never the unit nor the round, so that filings (floods
included) cannot contend with their writes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from domain.acts import Act
from domain.aggregates.base import GreenAggregate, applies, natural_id
from domain.aggregates.sealed import HoldsSealedData
from domain.custody import Sealer
from domain.events import objection as ev
from domain.reporters import filed_by, withheld
from domain.rules import custody, publication
from domain.values import Actor, Level

__all__ = ["NoticeObjection", "ObjectionDocket", "docket_id"]


def docket_id(round_id: UUID) -> UUID:
    """The docket of a round's notice: one per round."""
    return natural_id("objection-docket", round_id)


class NoticeObjection(HoldsSealedData):
    """One objection against one unit on a round's notice. The objector's identity and grounds
    are sealed (issue 14, domain.custody)."""

    if not TYPE_CHECKING:
        codes = custody.OBJECTION
        disclosed = ev.ObjectorDisclosed
        erased = ev.ObjectorDataErased

    if TYPE_CHECKING:  # attributes set by when(); no class annotations (see Complaint)
        level: str
        year: int
        unit_id: UUID
        decided_on: datetime | None
    else:
        decided_on = None
        """Issue 14: when the province decided it; the objector's data's retention runs from
        then."""

    registered = False
    upheld: bool | None = None

    @classmethod
    def file(
        cls,
        act: Act,
        level: Level,
        year: int,
        unit_id: UUID,
        objector_name: str,
        objector_contact: str,
        evidence: list[str],
        grounds: str,
        sealer: Sealer,
    ) -> NoticeObjection:
        """A16.1 (+A23.1): refused without the objector's name, contact, evidence or grounds.
        Whether the unit is on the notice and the notice runs: checked by the service on the
        round, which holds the notice. The objector's identity and grounds are sealed, the
        filing recorded under the neutral reporter (issue 14)."""
        publication.check_a16_1_real_name(objector_name, objector_contact, evidence)
        publication.check_a16_1_objection_grounds(grounds)
        subject = uuid4()
        record = {
            "name": objector_name.strip(),
            "contact": objector_contact.strip(),
            "evidence": [e for e in evidence if e.strip()],
            "statement": grounds,
            "filed_by": filed_by(act),
        }
        return cls._create(
            ev.ObjectionFiled,
            id=subject,
            **withheld(act).provenance(["A16.1", "A23.1"]),
            level=level.value,
            year=year,
            unit_id=unit_id,
            sealed=cls._seal(sealer, subject, record),
        )

    def register(self, act: Act, summary: str) -> None:
        """A16.1: the province registers the objection for handling, once."""
        publication.check_a16_1_unregistered(self.registered)
        self.record(ev.ObjectionRegistered, act, ["A16.1"], summary=summary)

    def decide(self, act: Act, upheld: bool, reasons: str) -> None:
        """A16.1: the province decides a registered objection, with its reasons."""
        publication.check_a16_1_registered(self.registered, self.upheld is not None)
        publication.check_a16_1_reasons(reasons)
        self.record(ev.ObjectionHandled, act, ["A16.1"], upheld=upheld, reasons=reasons)

    def check_may_see(self, actor: Actor) -> None:
        """A16.1 (+A23.1): only the province and discipline inspection see who objected and
        on what grounds."""
        publication.check_a16_1_may_see_objector(actor)

    def check_may_erase(self, actor: Actor) -> None:
        """Issue 14: the province, which handles objections, orders an objector's data erased."""
        custody.check_may_erase_objection(actor)

    @property
    def closed_on(self) -> datetime | None:
        return self.decided_on

    @applies
    def _(self, e: ev.ObjectionFiled) -> None:
        self.level, self.year, self.unit_id = e.level, e.year, e.unit_id
        self.sealed = e.sealed
        self.filed_at: datetime = e.timestamp  # when the notice's deadline was judged (Act)

    @applies
    def _(self, e: ev.ObjectionRegistered) -> None:
        self.registered = True

    @applies
    def _(self, e: ev.ObjectionHandled) -> None:
        self.upheld = e.upheld
        self.decided_on = e.timestamp

    @applies
    def _(self, e: ev.ObjectorIdentityRead) -> None:  # retired: a read without a reason
        self.disclosures += 1


class ObjectionDocket(GreenAggregate):
    """The objections filed during one round's notice (ids and units only, no objector)."""

    if TYPE_CHECKING:
        level: str
        year: int
        round_id: UUID
        filed: dict[str, str]

    @classmethod
    def open(cls, act: Act, level: Level, year: int, round_id: UUID) -> ObjectionDocket:
        return cls._create(
            ev.ObjectionDocketOpened,
            id=docket_id(round_id),
            **act.provenance(["A16.1"]),
            level=level.value,
            year=year,
            round_id=round_id,
        )

    def add(self, act: Act, objection_id: UUID, unit_id: UUID) -> None:
        """A16.1: the filed objection waits on the docket until it is decided."""
        self.record(
            ev.ObjectionDocketed, act, ["A16.1"], objection_id=objection_id, unit_id=unit_id
        )

    @applies
    def _(self, e: ev.ObjectionDocketOpened) -> None:
        self.level, self.year, self.round_id = e.level, e.year, e.round_id
        self.filed = {}

    @applies
    def _(self, e: ev.ObjectionDocketed) -> None:
        self.filed[str(e.objection_id)] = str(e.unit_id)
