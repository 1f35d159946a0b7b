"""A round whose quota was stored before A13.2's basis was kept (QuotaSet class_version 1: city
and quota, no basis, no inputs), written into a store the way an old service wrote it, so that
the tests can show it reads as a quota set by hand, "recorded before the basis was kept"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.aggregates.round import Round, round_id
from domain.events import round as ro
from domain.rules import RULESET_VERSION
from domain.values import Level, micros
from simulation import scenarios as s


def _provenance(now: datetime) -> dict[str, Any]:
    actor = s.PROVINCE_ACTOR
    return {
        "timestamp": now,
        "actor_id": actor.id,
        "actor_role": actor.role.value,
        "actor_region": actor.region,
        "occurred_at": now,
        "rules": ["A13.2"],
        "exceptions": [],
        "ruleset": RULESET_VERSION,
        "justification": "",
    }


def write_old_round(
    service: Any, level: Level, year: int, quotas: dict[str, int], city: str, quota: int
) -> None:
    """Write, at the service's clock, the round of (level, year) opened with `quotas`, then
    `city`'s quota set to `quota` by a version-1 QuotaSet, with their timeline entries, as a
    service before the basis was kept recorded them. Load nothing before (no cached copy)."""
    rid, now = round_id(level, year), service.clock.now()
    opened = ro.RoundOpened(  # type: ignore[call-arg]
        originator_id=rid,
        originator_version=1,
        originator_topic=get_topic(Round),
        **_provenance(now),
        level=level.value,
        year=year,
        quotas=quotas,
    )
    quota_set = ro.QuotaSet(  # type: ignore[call-arg]
        originator_id=rid,
        originator_version=2,
        **_provenance(now),
        city=city,
        quota=quota,
        basis="manual",
        inputs={},
    )
    stored = service.mapper.to_stored_event(quota_set)
    state = service.mapper.transcoder.decode(stored.state)
    for newer in ("basis", "inputs", "class_version"):
        del state[newer]
    old = StoredEvent(rid, 2, stored.topic, service.mapper.transcoder.encode(state))
    service.recorder.insert_events(
        [service.mapper.to_stored_event(opened), old],
        timeline=[(rid, 1, micros(now)), (rid, 2, micros(now))],
    )
