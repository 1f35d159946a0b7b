"""Events of the custody of sealed personal data (issue 14; A23.1, A16.1): a disclosure of a
reporter's or objector's identity, with its reason, and the erasure of the sealed data."""

from __future__ import annotations

from domain.events.base import DomainEvent


class IdentityDisclosed(DomainEvent):
    """Someone entitled (the handling city bureau, the province for objections, discipline
    inspection) opened the sealed identity of the reporter or objector, for the reason stated
    (also the event's justification). Supervision lists every one."""

    reason: str


class PersonalDataErased(DomainEvent):
    """The sealed personal data of a report or objection was erased: its data key destroyed,
    by an order with a reason (`basis` "order") or at the end of its retention after it was
    closed (`basis` "retention", recorded by the scheduler). The filing event stays as it was
    stored (its ciphertext, and so its leaf in the verifiable log, unchanged); no read can
    open it again."""

    basis: str
    reason: str
