"""What every event carries: who acted, when in the world, the rules applied and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate


@dataclass(frozen=True)
class Provenance:
    """Who acted (id, role, region), when it happened in the world (`occurred_at`; the recorded
    instant is the event's `timestamp`), the rule codes applied, the "in principle" rules that
    were overridden (`exceptions`), the rule-set version (A29) and the written justification."""

    actor_id: str
    actor_role: str
    actor_region: str
    occurred_at: datetime
    rules: list[str]
    exceptions: list[str]
    ruleset: str
    justification: str


class _AppliedByWhen:
    """Events mutate their aggregate through its `when()` dispatch: a pure function of the
    event's fields, so a replay never re-runs a rule or reads a clock."""

    def apply(self, aggregate: Any) -> None:
        aggregate.when(self)


class DomainEvent(_AppliedByWhen, Provenance, Aggregate.Event):
    """Base of every event after an aggregate's first."""


class DomainCreated(_AppliedByWhen, Provenance, Aggregate.Created):
    """Base of every aggregate's first event."""
