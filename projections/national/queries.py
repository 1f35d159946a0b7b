"""Reading the national view: the lists and announcements of every province (each row tagged
with its province) and the per-province summary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.values import SHANGHAI
from projections.announcements import announcements
from projections.engine.db import Db, Row
from projections.lists import list_as_of
from projections.national.models import COUNTS, TRACKING


def national_list(
    db: Db,
    level: str,
    province: str | None = None,
    instant: int | None = None,
    basis: str = "recorded",
    kind: str | None = None,
    city: str | None = None,
) -> list[Row]:
    """A level's list in every province (or one), as it stood at `instant` (None: now): the
    provincial lists' own query (projections.lists.list_as_of) over the national tables. The
    `national` level is MIIT's list (A16.3) as each province recorded its outcomes."""
    return list_as_of(
        db, level, instant, basis=basis, kind=kind, city=city, national=True, province=province
    )


def national_announcements(
    db: Db,
    province: str | None = None,
    since: date | str | None = None,
    kind: str | None = None,
    level: str | None = None,
) -> list[Row]:
    """Every province's announcements (or one's), newest first."""
    return announcements(db, since, kind, level, national=True, province=province)


def instant(micros: int | None) -> str | None:
    """A stored instant (UTC microseconds) as ISO 8601 in Asia/Shanghai, as the API writes."""
    if micros is None:
        return None
    return datetime.fromtimestamp(int(micros) / 1_000_000, SHANGHAI).isoformat()


def province_summary(db: Db, heads: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Per province: the position of its log followed, the head last seen (and, given `heads`,
    the head now), the events behind (`lag`: an upper bound, positions may have gaps), the
    events applied, when it last moved, and its counts: units on each list now per level and
    kind of unit, announcements per level and kind."""
    tracking = db.query(f"SELECT * FROM {TRACKING} ORDER BY upstream")
    counts = db.query(f"SELECT * FROM {COUNTS.name} ORDER BY province, what, level, kind")
    summary = []
    for row in tracking:
        name, position = row["upstream"], int(row["position"])
        head = max(int(row["head"]), (heads or {}).get(name, 0))
        mine = [c for c in counts if c["province"] == name]
        summary.append(
            {
                "province": name,
                "position": position,
                "head": head,
                "lag": max(0, head - position),
                "events": int(row["events"]),
                "followed_at": instant(row["followed_at"]),
                "lists": {
                    f"{c['level']}/{c['kind']}": int(c["n"]) for c in mine if c["what"] == "list"
                },
                "announcements": {
                    f"{c['level'] or '-'}/{c['kind']}": int(c["n"])
                    for c in mine
                    if c["what"] == "announcement"
                },
            }
        )
    return summary
