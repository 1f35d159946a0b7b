"""Selection rate (入选率) per city, year and level: of the units a city nominated to a round,
how many the joint publication listed.

Why: the province sets each city's quota of the next year weighing its previous year's
selection rate (A13.2), so the rate is kept per round (level, year) and city. A round's rate is
final once the round is published (A16.2); before that it is shown as provisional."""

from __future__ import annotations

from typing import Any

from domain.events import round as rev
from domain.events import unit as ev
from projections.engine.batch import Batch
from projections.engine.db import Db, Row
from projections.engine.projection import Projection, Table, handles
from projections.values import day, text_id


class SelectionRate(Projection):
    """Nominated, listed and withheld units per (level, year, city)."""

    name = "selection_rate"
    rebuild_weight = 0.2
    tables = (
        Table("rate_units", (("unit_id", "text"), ("city", "text")), key=("unit_id",)),
        Table(
            "rate_rounds",
            (("round_id", "text"), ("level", "text"), ("year", "int"), ("published_on", "text")),
            key=("round_id",),
            indexes=(("level", "year"),),
        ),
        Table(
            "selection_rates",
            (
                ("level", "text"),
                ("year", "int"),
                ("city", "text"),
                ("nominated", "count"),
                ("listed", "count"),
                ("withheld", "count"),
            ),
            key=("level", "year", "city"),
        ),
    )

    @handles(ev.UnitRegistered)
    def registered(self, e: ev.UnitRegistered, b: Batch) -> None:
        b.put("rate_units", unit_id=text_id(e.originator_id), city=e.city)

    def _bump(self, b: Batch, e: Any, counter: str) -> None:
        """Count the event's unit in its city's row of the round (e.level, e.year)."""
        unit = b.row("rate_units", text_id(e.originator_id)) or {}
        key = {"level": e.level, "year": e.year, "city": unit.get("city")}
        b.bump("selection_rates", key, **{counter: 1})

    @handles(ev.Nominated)
    def nominated(self, e: ev.Nominated, b: Batch) -> None:
        """A13.2: every nomination counts, whatever the later stages (a failed review lowers
        the city's rate)."""
        self._bump(b, e, "nominated")

    @handles(ev.Listed)
    def listed(self, e: ev.Listed, b: Batch) -> None:
        self._bump(b, e, "listed")

    @handles(ev.MiitOutcomeRecorded)
    def miit_outcome(self, e: ev.MiitOutcomeRecorded, b: Batch) -> None:
        """A16.3: a national nominee counts as listed by MIIT's outcome (a back-entered one
        was counted by its old `Listed`)."""
        if e.listed and not e.migrated:
            self._bump(b, e, "listed")

    @handles(ev.ListingWithheld)
    def withheld(self, e: ev.ListingWithheld, b: Batch) -> None:
        self._bump(b, e, "withheld")

    @handles(rev.RoundOpened)
    def opened(self, e: rev.RoundOpened, b: Batch) -> None:
        b.put("rate_rounds", round_id=text_id(e.originator_id), level=e.level, year=e.year)

    @handles(rev.Published)
    def published(self, e: rev.Published, b: Batch) -> None:
        """A16.2: from the joint publication on, the round's rates are final."""
        b.update("rate_rounds", text_id(e.originator_id), published_on=day(e.published_on))


def selection_rates(
    db: Db, year: int | None = None, level: str | None = None, city: str | None = None
) -> list[Row]:
    """Per (level, year, city): nominated, listed, withheld, `rate` = listed / nominated and
    `final` (1 once the round is published; before, the rate is provisional)."""
    sql = (
        "SELECT s.level, s.year, s.city, s.nominated, s.listed, s.withheld, r.published_on "
        "FROM selection_rates s LEFT JOIN rate_rounds r ON r.level = s.level AND r.year = s.year "
        "WHERE 1 = 1"
    )
    params: list[Any] = []
    for column, value in (("year", year), ("level", level), ("city", city)):
        if value is not None:
            sql += f" AND s.{column} = ?"
            params.append(value)
    rows = db.query(sql + " ORDER BY s.year, s.level, s.city", params)
    return [
        {
            **r,
            "rate": r["listed"] / r["nominated"] if r["nominated"] else None,
            "final": int(r["published_on"] is not None),
        }
        for r in rows
    ]
