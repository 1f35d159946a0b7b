"""A national listing stored before MIIT outcomes were kept (issue 12 item 1): the province's
own national publication wrote `Listed` (class_version 1: level, year, listed_on, name, no
`decided_by`) straight after the national reviews. Written into a store the way the old
service wrote it, so that the tests can show it loads, reads as a legacy listing and, after the
migration act, as MIIT's outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain.events import unit as un
from domain.rules import RULESET_VERSION
from domain.values import micros
from simulation import scenarios as s
from tests.on_time import catch_up


def write_old_national_listing(app: Any, code: str, year: int, when: datetime) -> None:
    """Append to the unit (past its national reviews) a version-1 `Listed` at the national
    level, dated `when`, as the old national publication recorded it; the service's cached
    copy of the unit is dropped (the old process wrote it)."""
    service = getattr(app, "unwrapped", app)
    unit = service._unit(code)
    version = unit.version + 1
    actor = s.PROVINCE_ACTOR
    listed = un.Listed(  # type: ignore[call-arg]
        originator_id=unit.id,
        originator_version=version,
        timestamp=when,
        actor_id=actor.id,
        actor_role=actor.role.value,
        actor_region=actor.region,
        occurred_at=when,
        rules=["A15.4", "A16.2", "A16.3"],
        exceptions=[],
        ruleset=RULESET_VERSION,
        justification="",
        level="national",
        year=year,
        listed_on=when.date(),
        name=unit.name,
        decided_by="",
    )
    stored = service.mapper.to_stored_event(listed)
    state = service.mapper.transcoder.decode(stored.state)
    for newer in ("decided_by", "class_version"):
        state.pop(newer, None)
    old = StoredEvent(unit.id, version, stored.topic, service.mapper.transcoder.encode(state))
    service.recorder.insert_events([old], timeline=[(unit.id, version, micros(when))])
    service._evict([unit])
    catch_up(service.clock, when)  # recorded then: the world's time has come so far
