"""Cultivation pools (培育库): the units each city put in its pool for a year (A8-A11).

A city's pool is the ground of everything after it: only a pooled unit is listed or recommended
(A8 with A9.1/A10.1/A11.1), and the province weighs each city's cultivation system when it sets
the yearly quotas (A13.2). So the pool is shown per city and year, with the units the city
flagged as priority (培育重点, A8: notable energy-saving, water-saving, cleaner-production or
renewable-energy results), and counted per city and year."""

from __future__ import annotations

from typing import Any

from domain.events import unit as ev
from projections.engine.batch import Batch
from projections.engine.db import Db, Row
from projections.engine.projection import Projection, Table, handles
from projections.values import at, codes, text_id


class Pools(Projection):
    """One row per (year, unit) in a city's cultivation pool."""

    name = "pools"
    rebuild_weight = 0.7
    aggregate_local = True
    tables = (
        Table(
            "pool_units",
            (
                ("unit_id", "text"),
                ("credit_code", "text"),
                ("kind", "text"),
                ("city", "text"),
                ("name", "text"),
            ),
            key=("unit_id",),
        ),
        Table(
            "pool_entries",
            (
                ("unit_id", "text"),
                ("year", "int"),
                ("city", "text"),
                ("credit_code", "text"),
                ("kind", "text"),
                ("priority", "int"),
                ("rules", "text"),
                ("actor_id", "text"),
                ("cultivated_at", "int"),
                ("cultivated_occurred", "int"),
                ("updated_at", "int"),
                ("updated_occurred", "int"),
            ),
            key=("unit_id", "year"),
            indexes=(("city", "year"), ("year",)),
        ),
    )

    @handles(ev.UnitRegistered)
    def registered(self, e: ev.UnitRegistered, b: Batch) -> None:
        b.put(
            "pool_units",
            unit_id=text_id(e.originator_id),
            credit_code=e.credit_code,
            kind=e.kind,
            city=e.city,
            name=e.name,
        )

    @handles(ev.NameChanged)
    def renamed(self, e: ev.NameChanged, b: Batch) -> None:
        """A pool is the city's working list: it shows the unit's current name (A20.2)."""
        b.update("pool_units", text_id(e.originator_id), name=e.new_name)

    @handles(ev.Cultivated)
    def cultivated(self, e: ev.Cultivated, b: Batch) -> None:
        """A8: in the pool of the unit's own city (ID.3) for the year. Cultivating it again in
        the same year changes its priority flag; the first entry's instants are kept."""
        uid = text_id(e.originator_id)
        unit = b.row("pool_units", uid) or {}
        now, occurred = at(e.timestamp), at(e.occurred_at)
        entry = b.row("pool_entries", uid, e.year)
        b.put(
            "pool_entries",
            unit_id=uid,
            year=e.year,
            city=unit.get("city"),
            credit_code=unit.get("credit_code"),
            kind=unit.get("kind"),
            priority=int(e.priority),
            rules=codes(e.rules),
            actor_id=e.actor_id,
            cultivated_at=entry["cultivated_at"] if entry else now,
            cultivated_occurred=entry["cultivated_occurred"] if entry else occurred,
            updated_at=now,
            updated_occurred=occurred,
        )


def pool(db: Db, city: str, year: int, priority: bool | None = None) -> list[Row]:
    """A city's cultivation pool of a year, priority units first (A8); `priority` keeps only
    the flagged (True) or unflagged (False) units."""
    sql = (
        "SELECT e.city, e.year, e.unit_id, e.credit_code, e.kind, u.name, e.priority, e.rules, "
        "e.actor_id, e.cultivated_at, e.cultivated_occurred, e.updated_at, e.updated_occurred "
        "FROM pool_entries e JOIN pool_units u ON u.unit_id = e.unit_id "
        "WHERE e.city = ? AND e.year = ?"
    )
    params: list[Any] = [city, year]
    if priority is not None:
        sql += " AND e.priority = ?"
        params.append(int(priority))
    return db.query(sql + " ORDER BY e.priority DESC, e.credit_code", params)


def pool_counts(db: Db, year: int | None = None, city: str | None = None) -> list[Row]:
    """Pooled and priority units per city and year: the size of each city's cultivation
    system, one of the weights of its next quota (A13.2)."""
    sql = (
        "SELECT city, year, COUNT(*) AS units, SUM(priority) AS priority FROM pool_entries "
        "WHERE 1 = 1"
    )
    params: list[Any] = []
    for column, value in (("year", year), ("city", city)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    rows = db.query(sql + " GROUP BY city, year ORDER BY year, city", params)
    return [{**r, "units": int(r["units"]), "priority": int(r["priority"] or 0)} for r in rows]
