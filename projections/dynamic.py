"""Dynamic management: the yearly forms (A18) and the five-yearly re-reviews (A21).

A18: every unit on the provincial or national list submits, by 15 April of year Y+1, the form
for reporting year Y. A listing during year Y creates the obligation for Y and for every later
year while the unit stays listed; a removal ends the obligations whose deadline it precedes (a
removed unit can neither submit nor be marked overdue). The read model keeps the listing spans
and the forms recorded (submitted, late, overdue: A18, A19.2); `forms(db, year)` joins them, so
the "due" rows of any year come from the log alone, without a clock.

A21: a listed unit (any level) is re-reviewed five years after its listing or its last
re-review; a removal clears it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from domain.events import unit as ev
from domain.rules.checks import dynamic_form_deadline, first_form_year, rereview_due
from domain.rules.levels import FORM_LEVELS
from domain.values import local_date
from projections.deadlines import imported_on
from projections.engine.batch import Batch
from projections.engine.db import Db, Row
from projections.engine.projection import Projection, Table, handles
from projections.values import at, day, text_id

STATUSES = ("due", "submitted", "late", "overdue")


class Dynamic(Projection):
    """Listing spans, recorded forms and re-reviews due."""

    name = "dynamic"
    rebuild_weight = 0.8
    aggregate_local = True
    tables = (
        Table(
            "dynamic_units",
            (("unit_id", "text"), ("credit_code", "text"), ("name", "text"), ("city", "text")),
            key=("unit_id",),
        ),
        Table(
            "dynamic_listings",
            (
                ("unit_id", "text"),
                ("level", "text"),
                ("listed_on", "text"),
                ("listed_year", "int"),
                ("removed_on", "text"),
            ),
            key=("unit_id", "level", "listed_on"),
            indexes=(("level", "listed_year"),),
        ),
        Table(
            "dynamic_forms",
            (
                ("unit_id", "text"),
                ("level", "text"),
                ("year", "int"),
                ("status", "text"),
                ("on_date", "text"),
                ("occurred", "int"),
                ("recorded", "int"),
                ("indicators", "text"),
            ),
            key=("unit_id", "level", "year"),
            indexes=(("year", "status"),),
        ),
        Table(
            "dynamic_rereviews",
            (
                ("unit_id", "text"),
                ("level", "text"),
                ("listed_on", "text"),
                ("last_rereview", "text"),
                ("last_passed", "int"),
                ("due_on", "text"),
            ),
            key=("unit_id", "level"),
            indexes=(("due_on",),),
        ),
    )

    @handles(ev.UnitRegistered)
    def registered(self, e: ev.UnitRegistered, b: Batch) -> None:
        b.put(
            "dynamic_units",
            unit_id=text_id(e.originator_id),
            credit_code=e.credit_code,
            name=e.name,
            city=e.city,
        )

    @handles(ev.NameChanged)
    def renamed(self, e: ev.NameChanged, b: Batch) -> None:
        b.update("dynamic_units", text_id(e.originator_id), name=e.new_name)

    @handles(ev.MunicipallyListed, ev.Listed, ev.ListedFromRecord)
    def listed(self, e: ev.MunicipallyListed | ev.Listed | ev.ListedFromRecord, b: Batch) -> None:
        """A listing opens a span (A18 forms for its level, from its first form: deadlines'
        `imported_on`) and starts the A21 clock."""
        uid, level = text_id(e.originator_id), getattr(e, "level", "municipal")
        listed_on = day(e.listed_on)
        b.put(
            "dynamic_listings",
            unit_id=uid,
            level=level,
            listed_on=listed_on,
            listed_year=first_form_year(e.listed_on, imported_on(e)),
        )
        b.put(
            "dynamic_rereviews",
            unit_id=uid,
            level=level,
            listed_on=listed_on,
            due_on=day(rereview_due(e.listed_on, None)),
        )

    @handles(ev.Removed)
    def removed(self, e: ev.Removed, b: Batch) -> None:
        """A removal closes the span and clears the re-review (A19, A20.2)."""
        uid = text_id(e.originator_id)
        current = b.row("dynamic_rereviews", uid, e.level)
        if current is not None:
            key = (uid, e.level, current["listed_on"])
            b.update("dynamic_listings", *key, removed_on=day(e.effective_on))
            b.delete("dynamic_rereviews", uid, e.level)

    @handles(ev.Rereviewed)
    def rereviewed(self, e: ev.Rereviewed, b: Batch) -> None:
        """A21: the next re-review is due five years after this one, passed or not (a failed
        one also leads to removal at the annual publication)."""
        uid = text_id(e.originator_id)
        current = b.row("dynamic_rereviews", uid, e.level)
        if current is None:
            return
        listed_on = date.fromisoformat(current["listed_on"])
        b.update(
            "dynamic_rereviews",
            uid,
            e.level,
            last_rereview=day(e.reviewed_on),
            last_passed=int(e.passed),
            due_on=day(rereview_due(listed_on, e.reviewed_on)),
        )

    def _form(self, b: Batch, e: Any, status: str, indicators: str | None) -> None:
        b.put(
            "dynamic_forms",
            unit_id=text_id(e.originator_id),
            level=e.level,
            year=e.year,
            status=status,
            on_date=day(local_date(max(e.occurred_at, e.timestamp))),
            occurred=at(e.occurred_at),
            recorded=at(e.timestamp),
            indicators=indicators,
        )

    @handles(ev.DynamicFormSubmitted)
    def form_submitted(self, e: ev.DynamicFormSubmitted, b: Batch) -> None:
        """A18: the domain decided whether it came after 15 April; the model keeps that."""
        indicators = json.dumps(e.indicators, ensure_ascii=False, sort_keys=True)
        self._form(b, e, "late" if e.late else "submitted", indicators)

    @handles(ev.DynamicFormOverdue)
    def form_overdue(self, e: ev.DynamicFormOverdue, b: Batch) -> None:
        """A18 -> A19.2: no form by 15 April; removal follows at the annual publication."""
        self._form(b, e, "overdue", None)


def forms(db: Db, year: int, status: str | None = None) -> list[Row]:
    """A18: the forms of reporting year `year` (due 15 April of year+1): one row per unit and
    level that owes it (listed at the provincial or national level by the end of `year` and
    not removed by the deadline) or that recorded it, with status due (nothing recorded yet),
    submitted (on time), late or overdue."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown form status {status!r}; one of {', '.join(STATUSES)}")
    deadline = dynamic_form_deadline(year).isoformat()
    marks = ", ".join("?" for _ in FORM_LEVELS)
    owed = db.query(
        "SELECT l.unit_id, l.level, l.listed_on, l.removed_on FROM dynamic_listings l "
        f"WHERE l.level IN ({marks}) AND l.listed_year <= ? "
        "AND (l.removed_on IS NULL OR l.removed_on > ?)",
        [*FORM_LEVELS, year, deadline],
    )
    recorded = db.query("SELECT * FROM dynamic_forms WHERE year = ?", [year])
    units = {u["unit_id"]: u for u in db.query("SELECT * FROM dynamic_units")}
    rows: dict[tuple[str, str], Row] = {}
    for listing in owed:
        rows[(listing["unit_id"], listing["level"])] = {"status": "due", **listing}
    for form in recorded:
        key = (form["unit_id"], form["level"])
        rows[key] = {**rows.get(key, {}), **form}
    result = []
    for (uid, level), row in rows.items():
        unit = units.get(uid, {})
        result.append(
            {
                "unit_id": uid,
                "credit_code": unit.get("credit_code"),
                "name": unit.get("name"),
                "city": unit.get("city"),
                "level": level,
                "year": year,
                "deadline": deadline,
                "status": row["status"],
                "on_date": row.get("on_date"),
                "late": row["status"] == "late",
                "recorded": row.get("recorded"),
                "indicators": json.loads(row["indicators"]) if row.get("indicators") else None,
            }
        )
    result = [r for r in result if status is None or r["status"] == status]
    return sorted(result, key=lambda r: (r["city"] or "", r["credit_code"] or "", r["level"]))


def rereviews_due(db: Db, before: date) -> list[Row]:
    """A21: the listed units whose five-yearly re-review falls due before `before` (exclusive),
    earliest first."""
    return db.query(
        "SELECT r.unit_id, u.credit_code, u.name, u.city, r.level, r.listed_on, "
        "r.last_rereview, r.last_passed, r.due_on FROM dynamic_rereviews r "
        "JOIN dynamic_units u ON u.unit_id = r.unit_id WHERE r.due_on < ? "
        "ORDER BY r.due_on, u.credit_code, r.level",
        [before.isoformat()],
    )
