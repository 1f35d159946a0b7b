"""How stored events become domain events: the business dates' transcoding, the fold that
applies events (without eventsourcing's per-event type assertion), and the mapper whose every
failure names the event it could not read (issue 9 item 7)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoding

from domain.errors import UndecodableEvent


class DateAsISO(Transcoding):
    """Business dates (when something happened in the world) are stored as ISO dates."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def fold(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply events in order. eventsourcing's default projector also asserts each event's type,
    which costs about half the time of a replay; our events are all `DomainEvent`s. An event
    that decodes but cannot be applied (a value of the wrong type in its stored state) fails
    the read with `UndecodableEvent`, naming it, not with whatever the handler raised."""
    for event in events:
        try:
            aggregate = event.mutate(aggregate)
        except Exception as error:
            raise UndecodableEvent(
                getattr(event, "originator_id", "?"),
                getattr(event, "originator_version", 0),
                f"{type(event).__name__} cannot be applied: {error!r}",
            ) from error
    return aggregate


_REQUIRED: dict[type, frozenset[str]] = {}


def required_fields(cls: type) -> frozenset[str]:
    """The fields an event (or snapshot) class has no default for: its stored state must hold
    each of them, or a handler or projection would fail on the first one it reads."""
    names = _REQUIRED.get(cls)
    if names is None:
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise TypeError(f"{cls!r} is not an event class")
        names = frozenset(
            f.name
            for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        )
        _REQUIRED[cls] = names
    return names


class CheckedMapper(Mapper[UUID]):
    """eventsourcing's mapper, whose every failure to turn a stored event (or snapshot) back
    into a domain event is an `UndecodableEvent` naming the aggregate, the version and, for a
    record read from the log, its position (issue 9 item 7): a topic that names no event class
    (`TopicError`), a state that is not JSON or names a transcoding nobody registered
    (`MapperDeserialisationError`), a state that is no object (`TypeError`) or lacks a field of
    its class. Without it, a read of the aggregate fails with whichever of these (a 500 with no
    word of which event), and a projection rebuild dies on an AttributeError further on."""

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        try:
            event = super().to_domain_event(stored_event)
            required = required_fields(type(event))
            if not vars(event).keys() >= required:
                missing = ", ".join(sorted(required - vars(event).keys()))
                raise ValueError(f"its state lacks {missing}")
        except Exception as error:
            raise UndecodableEvent(
                stored_event.originator_id,
                stored_event.originator_version,
                f"topic {stored_event.topic!r}: {error}",
                position=getattr(stored_event, "id", None),  # a Notification: its position
            ) from error
        return event
