"""An aggregate as it stood at a world instant: folded from the events whose stated world time
(`occurred_at`) is at or before that instant (M21, issue 12 item 8).

The recorded view (`Timeline.version_at`) is a prefix of the stream, so it is always a state
the aggregate really had. The world view is not a prefix: an act entered late (recorded in May,
stating an accident in March) counts from its world date, while an act recorded earlier but
stating a later date does not count yet. So the world view folds a *subset* of the stream, and
does it soundly:

- in the order of the record (version order), never re-sorted by stated time: that is the order
  the aggregate's rules were checked in when each act was decided, and the order its `when()`
  handlers were written for; a later recording about the same thing (a correction) still
  replaces an earlier one;
- without eventsourcing's "next version" check, which a subset cannot pass: each event is
  applied as the one after the version before it, so the view's `version` and `modified_on`
  are those of the last event it holds;
- an event that presupposes state the view left out (a review of a nomination stated after the
  instant, the end of a negative record stated after it: the handler finds no standing, change
  or record, a `LookupError`) had, by the dates the record states, nothing to act on at that
  instant: it is left out too, and the state is folded again from the events kept (handlers
  are pure, so this is the same state as before it). Only then: when nothing before it was left
  out, the failure is the event's own and fails the read like any undecodable event;
- the first event (the registration) stated after the instant: the aggregate did not exist yet
  in the world, and nothing recorded about it counts (None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.errors import UndecodableEvent


@dataclass
class WorldFold:
    """The state folded from the events stated by the instant, and the versions left out (stated
    after it, or presupposing what was)."""

    aggregate: Any = None
    kept: list[Any] = field(default_factory=list)
    left_out: list[int] = field(default_factory=list)


def fold_stated_by(events: Iterable[Any], world: datetime) -> WorldFold:
    """Fold, in version order, the events whose `occurred_at` is at or before `world` (see the
    module's docstring for why the order and what is left out)."""
    folded = WorldFold()
    for event in events:
        if event.occurred_at > world:
            if folded.aggregate is None:  # not registered yet in the world: nothing counts
                return WorldFold()
            folded.left_out.append(event.originator_version)
            continue
        try:
            folded.aggregate = _apply(folded.aggregate, event)
        except LookupError as error:
            if not folded.left_out:  # the state is the recorded one: the event's own failure
                raise _undecodable(event, error) from error
            folded.left_out.append(event.originator_version)
            folded.aggregate = _refold(folded.kept)
            continue
        except Exception as error:
            raise _undecodable(event, error) from error
        folded.kept.append(event)
    return folded


def _apply(aggregate: Any, event: Any) -> Any:
    """The event applied as the next one after the state so far, whatever its version."""
    if aggregate is not None:
        aggregate.version = event.originator_version - 1
    return event.mutate(aggregate)


def _refold(events: list[Any]) -> Any:
    aggregate = None
    for event in events:
        aggregate = _apply(aggregate, event)
    return aggregate


def _undecodable(event: Any, error: Exception) -> UndecodableEvent:
    return UndecodableEvent(
        getattr(event, "originator_id", "?"),
        getattr(event, "originator_version", 0),
        f"{type(event).__name__} cannot be applied: {error!r}",
    )
