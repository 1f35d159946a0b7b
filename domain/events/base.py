"""What every event carries: who acted, when in the world, the rules applied and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate


@dataclass(frozen=True)
class Provenance:
    """Who acted (id, role, region), when it happened in the world (`occurred_at`; the recorded
    instant is the event's `timestamp`), the rule codes applied, the "in principle" rules that
    were overridden (`exceptions`), the rule-set version (A29), the written justification and
    how each rule was evaluated (`evaluations`)."""

    actor_id: str
    actor_role: str
    actor_region: str
    occurred_at: datetime
    rules: list[str]
    exceptions: list[str]
    ruleset: str
    justification: str
    evaluations: tuple[dict[str, Any], ...] = field(default=(), kw_only=True)
    """How each rule was evaluated (A29; `domain.rules.evaluation.Evaluation.stored`): its
    outcome, why and the inputs the act saw. Empty for an act that records none and for every
    event stored before they were kept (the class default reads for them: no upcast needed);
    such an event is explained from its type, never as "passed" (domain.service.explain)."""


class _AppliedByWhen:
    """Events mutate their aggregate through its `when()` dispatch: a pure function of the
    event's fields, so a replay never re-runs a rule or reads a clock."""

    def apply(self, aggregate: Any) -> None:
        aggregate.when(self)


class DomainEvent(_AppliedByWhen, Provenance, Aggregate.Event):
    """Base of every event after an aggregate's first."""


class DomainCreated(_AppliedByWhen, Provenance, Aggregate.Created):
    """Base of every aggregate's first event."""


# --- custody of sealed personal data (issue 14; A23.1, A16.1) --------------------------------
# The bases of what a report and an objection record about their sealed data; each aggregate
# records its own subclass (domain.events.complaint, domain.events.objection), so that every
# stored event names the aggregate type it belongs to.


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
