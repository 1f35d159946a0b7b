"""What all aggregates share: the `when()` dispatch and a timeline for as-of reads."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, get_type_hints
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.acts import Act
from domain.values import micros

F = TypeVar("F", bound=Callable[..., None])
_HANDLERS: dict[type, Callable[[Any, Any], None]] = {}


def applies(handler: F) -> F:
    """Register a state-change handler for the event class named in its annotation. Each event
    class belongs to one aggregate, so one registry serves them all."""
    hints = get_type_hints(handler)
    event_class = next(v for k, v in hints.items() if k != "return")
    if event_class in _HANDLERS:
        raise TypeError(f"two handlers for {event_class.__name__}")
    _HANDLERS[event_class] = handler
    return handler


NAMESPACE = uuid5(NAMESPACE_URL, "https://greenlist.zj/ids")


def natural_id(*parts: object) -> UUID:
    """A stable id from a natural key, so that a second creation conflicts (one unit per code)."""
    return uuid5(NAMESPACE, "/".join(str(p) for p in parts))


class GreenAggregate(Aggregate):
    """An aggregate whose events are applied by `when()` and whose recorded instants are kept,
    one per version, so its state as of any instant is `version_at(T)` then `get(version=...)`."""

    if TYPE_CHECKING:  # attributes set by when(); no class annotations, which
        # would make eventsourcing turn the aggregate into a dataclass
        recorded: list[int]

    def __init__(self) -> None:
        self.recorded = []

    def when(self, event: Any) -> None:
        """Apply an event with the handler registered for its class by `@applies`."""
        _HANDLERS[type(event)](self, event)

    def record(self, event_class: type[Any], act: Act, rules: list[str], **fields: Any) -> None:
        """Trigger an event carrying the act's provenance and the rule codes applied."""
        exceptions = fields.pop("exceptions", [])
        self.trigger_event(event_class, **act.provenance(rules, exceptions), **fields)

    def stamp(self, timestamp: datetime) -> None:
        """Remember the recorded instant of the version just applied."""
        self.recorded.append(micros(timestamp))

    def version_at(self, instant: datetime) -> int:
        """The version this aggregate had at a recorded instant (0: it did not exist yet)."""
        return bisect.bisect_right(self.recorded, micros(instant))
