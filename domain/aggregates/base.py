"""What all aggregates share: the `when()` dispatch and ids derived from natural keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Self, TypeVar, get_type_hints
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.acts import Act
from domain.rules.evaluation import Evaluation
from domain.rules.provenance import check_storable

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


def applies_to(*event_classes: type) -> Callable[[F], F]:
    """Register one state-change handler for several event classes (steps that change the state
    alike, such as the three review steps of A15)."""

    def register(handler: F) -> F:
        for event_class in event_classes:
            if event_class in _HANDLERS:
                raise TypeError(f"two handlers for {event_class.__name__}")
            _HANDLERS[event_class] = handler
        return handler

    return register


NAMESPACE = uuid5(NAMESPACE_URL, "https://greenlist.zj/ids")


def natural_id(*parts: object) -> UUID:
    """A stable id from a natural key, so that a second creation conflicts (one unit per code)."""
    return uuid5(NAMESPACE, "/".join(str(p) for p in parts))


class GreenAggregate(Aggregate):
    """An aggregate whose events are applied by `when()`, a pure function of each event."""

    def when(self, event: Any) -> None:
        """Apply an event with the handler registered for its class by `@applies`."""
        _HANDLERS[type(event)](self, event)

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Self:
        """The first event, once its values are checked as `record` checks them."""
        check_storable(kwargs.get("rules", ()), kwargs)
        return super()._create(event_class, id=id, **kwargs)

    def record(
        self,
        event_class: type[Any],
        act: Act,
        rules: list[str],
        *,
        evaluations: Iterable[Evaluation] = (),
        **fields: Any,
    ) -> None:
        """Trigger an event carrying the act's provenance, the rule codes applied and, where
        the act records them, how each rule was evaluated with the inputs it saw (A29,
        `domain.rules.evaluation`); an event holding a value no store keeps is refused under
        those rules (`check_storable`)."""
        stored = tuple(e.stored() for e in evaluations)
        check_storable(rules, {**fields, "evaluations": stored})
        exceptions = fields.pop("exceptions", [])
        if stored:
            fields["evaluations"] = stored
        self.trigger_event(event_class, **act.provenance(rules, exceptions), **fields)
