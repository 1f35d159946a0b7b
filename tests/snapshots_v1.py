"""Units' snapshots as the code before issue 11 stored them (class_version 1: the state in
dicts and strings), and the stored events of one of them (tests/fixtures/unit_snapshots_v1.json,
where `made_with` says how they were taken). The Unit of today must read them as they were."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from domain.events.unit import LEGACY_NATIONAL_LISTING

FIXTURE = Path(__file__).parent / "fixtures/unit_snapshots_v1.json"
WITH_EVENTS = "913301070000000074"
"""The unit of a purpose-made history (every level, objections, a lapse, a re-review, forms, a
change), whose stored events are kept too."""


@dataclass(frozen=True)
class OldSnapshot:
    code: str
    unit_id: UUID
    version: int
    stored: StoredEvent
    view: dict[str, Any] | None
    """The API's view of the unit at that version, as the old code showed it (WITH_EVENTS)."""


@cache
def fixture() -> dict[str, Any]:
    return dict(json.loads(FIXTURE.read_text(encoding="utf-8")))


def snapshots() -> list[OldSnapshot]:
    found = []
    for code, unit in sorted(fixture()["units"].items()):
        uid = UUID(unit["id"])
        for version, snapshot in sorted(unit["snapshots"].items(), key=lambda v: int(v[0])):
            stored = StoredEvent(
                uid, int(version), snapshot["topic"], snapshot["state"].encode("utf-8")
            )
            found.append(OldSnapshot(code, uid, int(version), stored, snapshot.get("view")))
    return found


def stored_events(code: str = WITH_EVENTS) -> list[StoredEvent]:
    unit = fixture()["units"][code]
    return [
        StoredEvent(UUID(unit["id"]), e["originator_version"], e["topic"], e["state"].encode())
        for e in unit["events"]
    ]


def legacy_marked(view: Any) -> Any:
    """What the old code showed, with a national listing of the old shape now said to be the
    province's, recorded before MIIT outcomes were kept (A16.3, issue 12 item 1)."""
    national = view["standing"].get("national")
    if national and national["status"] == "listed":
        national = {"decided_by": LEGACY_NATIONAL_LISTING, **national}
        view = {**view, "standing": {**view["standing"], "national": national}}
    return view
