"""Deadlines: what falls due on which date, computed from the log when the triggering event is
recorded, so that the scheduler never keeps its own idea of the calendar.

One row per obligation, with the date it falls due (`due_on`, the first day after the period:
the logical date the scheduler's act is for) and whether it is still open:

- A14.1 `window`: a round's recommendation window closes on 1 July (from RoundOpened);
- A16.1 `notice`: the public notice is over the day after its last day, which the event
  recorded when the notice opened (PublicNoticeOpened.last_day: the configured period);
- A18 `form`: a unit listed at the provincial or national level owes the form for year Y by
  15 April of Y+1; overdue from 16 April. The next year's form falls due once this one is
  settled, while the unit stays listed;
- A21 `rereview`: five years after listing or the last re-review;
- A17 `lapse`: a negative record stops counting three years after it happened (a continuing
  ground: after it ended);
- A23.2 `rectification`: a confirmed report that asks the unit to rectify is followed up: overdue
  from the day after its due date (RectificationRequired.due_on), when the scheduler flags it
  (`overdue`); it stays there until the city records the result (RectificationChecked).

A row is settled (`done`) by the event that fulfils it (whoever recorded it: the scheduler or
a person, e.g. a form submitted), or `cancelled` when it no longer applies (the unit left the
list). The dates come from domain.rules.checks, the one place that says how each is counted."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain.events import complaint as co
from domain.events import round as ro
from domain.events import unit as un
from domain.rules import checks
from domain.rules.checks import NegativeRecord
from domain.rules.levels import FORM_LEVELS
from domain.values import local_date
from projections.engine.batch import Batch
from projections.engine.db import Db, Row
from projections.engine.projection import Projection, Table, handles
from projections.values import day, text_id

KINDS = ("window", "notice", "form", "rereview", "lapse", "rectification")
"""The kinds of deadline, in the order the scheduler handles those due on the same day."""
RULES = {
    "window": "A14.1",
    "notice": "A16.1",
    "form": "A18",
    "rereview": "A21",
    "lapse": "A17",
    "rectification": "A23.2",
}


class Deadlines(Projection):
    """Open and settled deadlines, with the aggregate and the logical date each is for."""

    name = "deadlines"
    rebuild_weight = 1.7
    aggregate_local = True
    tables = (
        Table(
            "deadlines",
            (
                ("deadline_id", "text"),
                ("kind", "text"),
                ("rule", "text"),
                ("aggregate_id", "text"),
                ("credit_code", "text"),
                ("level", "text"),
                ("year", "int"),
                ("record_id", "text"),
                ("due_on", "text"),
                ("status", "text"),
                ("settled_by", "text"),
            ),
            key=("deadline_id",),
            indexes=(("status", "due_on"), ("aggregate_id",)),
        ),
        Table(
            "deadline_subjects",
            (
                ("aggregate_id", "text"),
                ("credit_code", "text"),
                ("level", "text"),
                ("year", "int"),
            ),
            key=("aggregate_id",),
        ),
        Table(
            "deadline_listings",
            (("unit_id", "text"), ("level", "text"), ("listed_on", "text")),
            key=("unit_id", "level"),
        ),
    )

    # --- helpers -------------------------------------------------------------------------

    @staticmethod
    def _open(b: Batch, deadline_id: str, kind: str, due_on: date, **fields: Any) -> None:
        b.put(
            "deadlines",
            **{"rule": RULES[kind], **fields},
            deadline_id=deadline_id,
            kind=kind,
            due_on=day(due_on),
            status="open",
        )

    @staticmethod
    def _settle(b: Batch, deadline_id: str, e: Any, status: str = "done") -> None:
        row = b.row("deadlines", deadline_id)
        if row is not None and row["status"] == "open":
            b.update("deadlines", deadline_id, status=status, settled_by=type(e).__name__)

    @staticmethod
    def _code(b: Batch, unit_id: str) -> str | None:
        subject = b.row("deadline_subjects", unit_id)
        return subject["credit_code"] if subject else None

    # --- rounds (A14.1, A16.1) -----------------------------------------------------------

    @handles(ro.RoundOpened)
    def round_opened(self, e: ro.RoundOpened, b: Batch) -> None:
        rid = text_id(e.originator_id)
        b.put("deadline_subjects", aggregate_id=rid, level=e.level, year=e.year)
        due = checks.nomination_window_closed_on(e.year)
        self._open(b, f"window:{rid}", "window", due, aggregate_id=rid, level=e.level, year=e.year)

    @handles(ro.NominationWindowClosed)
    def window_closed(self, e: ro.NominationWindowClosed, b: Batch) -> None:
        self._settle(b, f"window:{e.originator_id}", e)

    @handles(ro.PublicNoticeOpened)
    def notice_opened(self, e: ro.PublicNoticeOpened, b: Batch) -> None:
        """A16.1: the last day is in the event (the period configured when it opened)."""
        rid = text_id(e.originator_id)
        subject = b.row("deadline_subjects", rid) or {}
        self._open(
            b,
            f"notice:{rid}",
            "notice",
            checks.notice_over_on(e.last_day),
            aggregate_id=rid,
            level=subject.get("level"),
            year=subject.get("year"),
        )

    @handles(ro.PublicNoticeClosed, ro.Published)
    def notice_over(self, e: ro.PublicNoticeClosed | ro.Published, b: Batch) -> None:
        """A publication settles it too: it was refused until the notice was over."""
        self._settle(b, f"notice:{e.originator_id}", e)

    # --- units: forms (A18), re-reviews (A21), negative records (A17) --------------------

    @handles(un.UnitRegistered)
    def registered(self, e: un.UnitRegistered, b: Batch) -> None:
        b.put("deadline_subjects", aggregate_id=text_id(e.originator_id), credit_code=e.credit_code)

    @handles(un.Listed, un.MunicipallyListed, un.ListedFromRecord)
    def listed(self, e: un.Listed | un.MunicipallyListed | un.ListedFromRecord, b: Batch) -> None:
        """A21 five years after the listing; A18 from its first form (for a listing from a
        record, issue 15: the first whose deadline is ahead at its import)."""
        uid, level = text_id(e.originator_id), getattr(e, "level", "municipal")
        b.put("deadline_listings", unit_id=uid, level=level, listed_on=day(e.listed_on))
        self._rereview(b, uid, level, checks.rereview_due(e.listed_on, None))
        if level in FORM_LEVELS:
            self._form(b, uid, level, checks.first_form_year(e.listed_on, imported_on(e)))

    def _form(self, b: Batch, uid: str, level: str, year: int) -> None:
        deadline_id = f"form:{uid}:{level}:{year}"
        if b.row("deadlines", deadline_id) is None:  # a form sent early already settled it
            self._open(
                b,
                deadline_id,
                "form",
                checks.dynamic_form_overdue_on(year),
                aggregate_id=uid,
                credit_code=self._code(b, uid),
                level=level,
                year=year,
            )

    def _rereview(self, b: Batch, uid: str, level: str, due: date) -> None:
        self._open(
            b,
            f"rereview:{uid}:{level}",
            "rereview",
            due,
            aggregate_id=uid,
            credit_code=self._code(b, uid),
            level=level,
        )

    @handles(un.DynamicFormSubmitted, un.DynamicFormOverdue)
    def form_settled(self, e: un.DynamicFormSubmitted | un.DynamicFormOverdue, b: Batch) -> None:
        """The year's form is settled; the next year's falls due while the unit is listed."""
        uid = text_id(e.originator_id)
        deadline_id = f"form:{uid}:{e.level}:{e.year}"
        self._form(b, uid, e.level, e.year)  # a form sent before its deadline was opened
        self._settle(b, deadline_id, e)
        if b.row("deadline_listings", uid, e.level) is not None:
            self._form(b, uid, e.level, e.year + 1)

    @handles(un.Rereviewed)
    def rereviewed(self, e: un.Rereviewed, b: Batch) -> None:
        """A21: the next one is due five years after this one."""
        uid = text_id(e.originator_id)
        listing = b.row("deadline_listings", uid, e.level)
        if listing is not None:
            listed_on = date.fromisoformat(listing["listed_on"])
            self._rereview(b, uid, e.level, checks.rereview_due(listed_on, e.reviewed_on))

    @handles(un.RereviewFellDue)
    def rereview_fell_due(self, e: un.RereviewFellDue, b: Batch) -> None:
        self._settle(b, f"rereview:{e.originator_id}:{e.level}", e)

    @handles(un.Removed)
    def removed(self, e: un.Removed, b: Batch) -> None:
        """Off the list: no more forms or re-reviews at that level."""
        uid = text_id(e.originator_id)
        b.delete("deadline_listings", uid, e.level)
        self._settle(b, f"rereview:{uid}:{e.level}", e, "cancelled")
        if e.level in FORM_LEVELS:  # forms falling due after it are no longer owed
            for year in (e.effective_on.year - 1, e.effective_on.year):
                if checks.dynamic_form_overdue_on(year) > e.effective_on:
                    self._settle(b, f"form:{uid}:{e.level}:{year}", e, "cancelled")

    @handles(un.NegativeRecordAdded)
    def negative_record(self, e: un.NegativeRecordAdded, b: Batch) -> None:
        self._lapse(b, text_id(e.originator_id), e.record_id, e.ground, e.occurred_on, e.ended_on)

    @handles(un.NegativeRecordEnded)
    def negative_record_ended(self, e: un.NegativeRecordEnded, b: Batch) -> None:
        uid, rid = text_id(e.originator_id), e.record_id
        ground = _ground_of(b, rid)
        if ground is not None:
            self._lapse(b, uid, rid, ground, e.ended_on, e.ended_on)

    def _lapse(
        self, b: Batch, uid: str, rid: UUID, ground: str, occurred_on: date, ended: date | None
    ) -> None:
        lapses = checks.a17_lapses_on(NegativeRecord(ground, occurred_on, ended, ""))
        deadline_id = f"lapse:{rid}"
        if lapses is None:
            b.put(  # a continuing ground: kept (without a date) until it ends
                "deadlines",
                deadline_id=deadline_id,
                kind="lapse",
                rule=ground,
                aggregate_id=uid,
                credit_code=self._code(b, uid),
                record_id=str(rid),
                status="waiting",
            )
            return
        self._open(
            b,
            deadline_id,
            "lapse",
            lapses,
            aggregate_id=uid,
            credit_code=self._code(b, uid),
            record_id=str(rid),
            rule=ground,
        )

    @handles(un.NegativeRecordLapsed)
    def lapsed(self, e: un.NegativeRecordLapsed, b: Batch) -> None:
        self._settle(b, f"lapse:{e.record_id}", e)

    # --- real-name reports: the follow-up of a rectification (A23.2) -------------------------

    @handles(co.RectificationRequired)
    def rectification_required(self, e: co.RectificationRequired, b: Batch) -> None:
        cid = text_id(e.originator_id)
        self._open(
            b,
            f"rectification:{cid}",
            "rectification",
            e.due_on + timedelta(days=1),
            aggregate_id=cid,
            credit_code=e.credit_code,
            record_id=cid,
        )

    @handles(co.RectificationOverdue)
    def rectification_overdue(self, e: co.RectificationOverdue, b: Batch) -> None:
        """Flagged, not settled: it is still the city's to record (status `overdue`)."""
        self._settle(b, f"rectification:{e.originator_id}", e, "overdue")

    @handles(co.RectificationChecked)
    def rectification_checked(self, e: co.RectificationChecked, b: Batch) -> None:
        deadline_id = f"rectification:{e.originator_id}"
        row = b.row("deadlines", deadline_id)
        if row is not None and row["status"] in ("open", "overdue"):
            b.update("deadlines", deadline_id, status="done", settled_by=type(e).__name__)


def imported_on(e: Any) -> date | None:
    """The day a listing from a published list's record was imported (None: any other)."""
    return local_date(e.timestamp) if isinstance(e, un.ListedFromRecord) else None


def _ground_of(b: Batch, record_id: UUID) -> str | None:
    row = b.row("deadlines", f"lapse:{record_id}")
    return row["rule"] if row else None


def open_past(db: Db, until: date) -> dict[str, int]:
    """How many deadlines of each kind are past their date (due on or before `until`) and not
    settled by any event yet."""
    rows = db.query(
        "SELECT kind, count(*) AS n FROM deadlines WHERE status = 'open' AND due_on <= ? "
        "GROUP BY kind",
        [until.isoformat()],
    )
    counts = dict.fromkeys(KINDS, 0)
    counts.update({r["kind"]: int(r["n"]) for r in rows})
    return counts


def upcoming(db: Db, kind: str | None = None, status: str = "open") -> list[Row]:
    """Deadlines by status (open, overdue, waiting, done, cancelled) and kind, earliest
    first."""
    where, params = ["status = ?"], [status]
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    return db.query(
        f"SELECT * FROM deadlines WHERE {' AND '.join(where)} ORDER BY due_on, deadline_id",
        params,
    )
