"""An act: who does something, when it is recorded and when it happened in the world."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.rules import rule_order, ruleset_on
from domain.values import Actor, as_utc, local_date


@dataclass(frozen=True)
class Act:
    """The provenance every event of one command shares.

    `recorded_at` comes from the injected clock; `occurred_at` is the world time the actor states
    (it defaults to the recorded instant)."""

    actor: Actor
    recorded_at: datetime
    occurred_at: datetime
    justification: str = ""
    extra_rules: tuple[str, ...] = field(default=())

    @property
    def judged_at(self) -> datetime:
        """The instant deadlines and the three-year look-back are judged at: the stated world
        time, but never earlier than the recording, so that no act can be back-dated past a
        deadline (A14.1, A16.1, A18) or to before an article 17 ground (A17)."""
        return max(self.occurred_at, self.recorded_at)

    @property
    def on(self) -> date:
        """The date (Asia/Shanghai) the rules are decided against: that of `judged_at`."""
        return local_date(self.judged_at)

    def provenance(self, rules: Iterable[str], exceptions: Iterable[str] = ()) -> dict[str, Any]:
        """The fields of `domain.events.base.Provenance` plus the recorded timestamp."""
        return {
            "timestamp": as_utc(self.recorded_at),
            "actor_id": self.actor.id,
            "actor_role": self.actor.role.value,
            "actor_region": self.actor.region,
            "occurred_at": as_utc(self.occurred_at),
            "rules": sorted(set(rules) | set(self.extra_rules), key=rule_order),
            "exceptions": sorted(set(exceptions)),
            "ruleset": ruleset_on(local_date(self.occurred_at)),
            "justification": self.justification,
        }
