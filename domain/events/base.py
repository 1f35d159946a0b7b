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
