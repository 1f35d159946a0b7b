"""What a report and an objection share as holders of sealed personal data (issue 14; A23.1,
A16.1): the filing's sealed record (domain.custody), its disclosure as an act with a reason,
and its erasure."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import GreenAggregate, applies_to
from domain.custody import KeyDestroyed, Sealer
from domain.events import complaint as co
from domain.events import objection as ob
from domain.events.base import IdentityDisclosed, PersonalDataErased
from domain.rules import custody as rules
from domain.values import Actor

SEALED_VERSION = 1
"""The version the sealed record is bound to: that of the filing, the aggregate's first event."""


class HoldsSealedData(GreenAggregate):
    """An aggregate whose filing sealed a person's identity and statement."""

    # No class annotations outside TYPE_CHECKING: eventsourcing would turn the aggregate into
    # a dataclass whose __init__ copies the defaults onto each instance (and into snapshots).
    if TYPE_CHECKING:
        codes: tuple[str, ...]
        disclosed: type[IdentityDisclosed]
        erased: type[PersonalDataErased]
        erased_on: datetime | None
        sealed: str  # set by the filing's handler
        id: UUID
    else:
        codes = rules.REPORT
        """The codes its acts on the sealed data name (A23.1; an objection adds A16.1)."""
        disclosed = co.ReporterDisclosed
        erased = co.ReporterDataErased
        """The events it records (each aggregate type its own)."""
        erased_on = None
        """When the sealed data was erased (class defaults: snapshots from before load)."""
    erased_because = ""
    disclosures = 0

    @staticmethod
    def _seal(sealer: Sealer, subject: UUID, record: dict[str, Any]) -> str:
        return sealer.seal(subject, SEALED_VERSION, record)

    def _opened(self, sealer: Sealer) -> dict[str, Any]:
        """The sealed record; refused (410) once erased, saying when and why."""
        if self.erased_on is not None:
            raise rules.erased(self.codes, self.erased_on, self.erased_because)
        try:
            return sealer.open(self.id, SEALED_VERSION, self.sealed)
        except KeyDestroyed:  # destroyed by an erasure this copy has not seen yet
            raise rules.erased(self.codes, None, "") from None

    # --- who may: each aggregate's own rule ------------------------------------------------

    def check_may_see(self, actor: Actor) -> None:  # pragma: no cover - overridden
        """Refuse (OutOfJurisdiction) an actor who may not see the filer or the filing."""
        raise NotImplementedError

    def check_may_erase(self, actor: Actor) -> None:  # pragma: no cover - overridden
        """Refuse an actor who may not order the sealed data erased."""
        raise NotImplementedError

    # --- the acts and the read ------------------------------------------------------------

    def disclose(self, act: Act, reason: str, sealer: Sealer) -> dict[str, Any]:
        """A disclosure is an act: refused to whoever may not see the filer (403), without a
        reason (422) or after erasure (410); recorded with its reason, then the identity (name,
        contact, the account that filed, if a token was used) is opened."""
        self.check_may_see(act.actor)
        stated = rules.check_disclosure_reason(reason, self.codes)
        opened = self._opened(sealer)
        self.record(self.disclosed, act, list(self.codes), reason=stated)
        filer = opened.get("filed_by") or ["", "", ""]
        return {
            "name": opened["name"],
            "contact": opened["contact"],
            "filed_by": {"actor_id": filer[0], "role": filer[1], "region": filer[2]},
        }

    def read_case(self, actor: Actor, sealer: Sealer) -> dict[str, Any]:
        """What the filing says (statement and evidence), without who filed it: what the
        handling authority works on, for those who may see the filer (403 otherwise, erased
        or not); nothing once erased."""
        self.check_may_see(actor)
        if self.erased_on is not None:
            return {}
        opened = self._opened(sealer)
        return {"statement": opened["statement"], "evidence": list(opened["evidence"])}

    def erase(self, act: Act, basis: str, reason: str) -> bool:
        """Record the erasure, once: ordered (`basis` "order") by whoever may, with a reason,
        or at the end of the retention (`basis` "retention", by the scheduler). False: erased
        already. The caller destroys the data key after the event is stored."""
        if basis == "order":
            self.check_may_erase(act.actor)
        if self.erased_on is not None:
            return False
        stated = rules.check_erasure_reason(reason, self.codes)
        self.record(self.erased, act, list(self.codes), basis=basis, reason=stated)
        return True

    @property
    def custody(self) -> dict[str, Any]:
        """What every authorised read shows of the sealed data's state."""
        return {
            "disclosures": self.disclosures,
            "erased_on": self.erased_on,
            "erased_because": self.erased_because or None,
        }

    @applies_to(co.ReporterDisclosed, ob.ObjectorDisclosed)
    def _disclosed(self, e: IdentityDisclosed) -> None:
        self.disclosures += 1

    @applies_to(co.ReporterDataErased, ob.ObjectorDataErased)
    def _erased(self, e: PersonalDataErased) -> None:
        self.erased_on = e.timestamp
        self.erased_because = e.reason
