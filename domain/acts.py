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
    (it defaults to the recorded instant), never later than the recording beyond the clock skew
    (the service refuses such an act before building it, issue 9 item 3)."""

    actor: Actor
    recorded_at: datetime
    occurred_at: datetime
    justification: str = ""
    extra_rules: tuple[str, ...] = field(default=())

    @property
    def judged_at(self) -> datetime:
        """The instant deadlines and the three-year look-back are judged at: the recording.
        A stated world time earlier than it cannot back-date an act past a deadline (A14.1,
        A16.1, A18) or to before an article 17 ground (A17); a later one is refused outright
        (checks.check_not_future_dated, issue 9 item 3), and the few seconds of clock skew it
        tolerates move no deadline either: a publication stated 3 s after the notice's end but
        recorded before it is judged before it."""
        return self.recorded_at

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
