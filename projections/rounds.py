"""Rounds (遴选轮次): every nomination of a (level, year) with its stage, the cities' quotas and
their use, the panel and sample draws, the public notice with its objections, the publication.

Why: a city may recommend only within its quota (A13.2); each nominee goes through the
preliminary review (A15.1), a panel drawn at random (A15.2, reproducible from seed and
candidates), a weighted site sample (A15.3) and the 15-day notice, where an upheld objection
blocks it (A16.1), before the joint publication (A16.2). Nominating a unit off the lower list
is an exception "in principle" that needs a written justification (A14.2, A14.3); so is a
second panel draw (A15.2), and so is an expert's correction of their own score of a unit (A15.2:
each expert drawn onto the unit's panel scores it once). The supervisors see each of them here
with its justification."""

from __future__ import annotations

import json
from typing import Any

from domain.events import round as rev
from domain.events import unit as ev
from projections.engine.batch import Batch
from projections.engine.db import Db, Row
from projections.engine.projection import Projection, Table, handles
from projections.values import at, codes, day


def columns(spec: str) -> tuple[tuple[str, str], ...]:
    """Columns from "name name:type ..." (text unless a type is given)."""
    return tuple((c.partition(":")[0], c.partition(":")[2] or "text") for c in spec.split())


def stamped(e: Any, prefix: str) -> dict[str, int]:
    """An event's recorded and world instants as the columns `<prefix>_at`, `<prefix>_occurred`."""
    return {f"{prefix}_at": at(e.timestamp), f"{prefix}_occurred": at(e.occurred_at)}


COUNTERS = ("panel_draws", "sampled", "objections_raised", "objections_decided")
OUTCOMES = ("listed", "withheld", "removed", "adjusted")


class Rounds(Projection):
    """The rounds, their quotas, nominations and objections."""

    name = "rounds"
    tables = (
        Table("round_units", columns("unit_id credit_code name kind city"), key=("unit_id",)),
        Table(
            "rounds",
            columns(
                "round_id level year:int opened_at:int opened_occurred:int sample_seed "
                "sample_size:int notice_opened_on notice_last_day noticed:int cosigned "
                "published_on published_at:int listed:int withheld:int removed:int adjusted:int"
            ),
            key=("round_id",),
            indexes=(("level", "year"),),
        ),
        Table(
            "round_quotas",
            columns("level year:int city quota:int used:int"),
            key=("level", "year", "city"),
        ),
        Table(
            "round_nominations",
            columns(
                "level year:int unit_id round_id credit_code name kind city stage stage_at:int "
                "stage_occurred:int nominated_at:int nominated_occurred:int nominated_by "
                "exceptions justification preliminary_notes panel panel_seed panel_draws:int "
                "redraw_justification expert_score:real sampled:int site_notes notice_last_day "
                "objections_raised:int objections_decided:int objections_upheld:int listed_on "
                "withheld_rules"
            ),
            key=("level", "year", "unit_id"),
            indexes=(("level", "year", "city"),),
        ),
        Table(
            "round_objections",
            columns(
                "objection_id level year:int unit_id summary raised_by raised_at:int "
                "raised_occurred:int upheld:int decided_by decided_at:int decided_occurred:int "
                "justification"
            ),
            key=("objection_id",),
            indexes=(("level", "year"),),
        ),
        Table(
            "round_scores",
            columns(
                "level year:int unit_id expert_id credit_code score:real opinion "
                "previous_score:real corrections:int justification scored_at:int "
                "scored_occurred:int"
            ),
            key=("level", "year", "unit_id", "expert_id"),
            indexes=(("level", "year"),),
        ),
    )

    # --- units and their nominations ---------------------------------------------------

    @handles(ev.UnitRegistered)
    def registered(self, e: ev.UnitRegistered, b: Batch) -> None:
        unit = {"credit_code": e.credit_code, "name": e.name, "kind": e.kind, "city": e.city}
        b.put("round_units", unit_id=str(e.originator_id), **unit)

    @handles(ev.NameChanged)
    def renamed(self, e: ev.NameChanged, b: Batch) -> None:
        """A later nomination shows the name of that time; an earlier one keeps its own."""
        b.update("round_units", str(e.originator_id), name=e.new_name)

    @handles(ev.Nominated)
    def nominated(self, e: ev.Nominated, b: Batch) -> None:
        """A13.2, A14: the unit under its name of the day; `exceptions` holds A14.2/A14.3 when
        taken, with the justification."""
        uid = str(e.originator_id)
        unit = b.row("round_units", uid) or {}
        unit.pop("unit_id", None)
        b.put(
            "round_nominations",
            **unit,
            **dict.fromkeys((*COUNTERS, "objections_upheld"), 0),
            **stamped(e, "stage"),
            **stamped(e, "nominated"),
            level=e.level,
            year=e.year,
            unit_id=uid,
            round_id=str(e.round_id),
            stage="nominated",
            nominated_by=e.actor_id,
            exceptions=codes(e.exceptions),
            justification=e.justification,
        )

    @staticmethod
    def _step(b: Batch, e: Any, stage: str, **changes: Any) -> None:
        """Move the unit's nomination of (e.level, e.year) to `stage`, with other changes."""
        key = (e.level, e.year, str(e.originator_id))
        b.update("round_nominations", *key, stage=stage, **stamped(e, "stage"), **changes)

    @staticmethod
    def _count(b: Batch, e: Any, **deltas: int) -> None:
        """Add to the objection counters of the unit's nomination of (e.level, e.year)."""
        key = (e.level, e.year, str(e.originator_id))
        row = b.row("round_nominations", *key)
        if row is not None:
            b.update("round_nominations", *key, **{c: row[c] + d for c, d in deltas.items()})

    @handles(ev.PreliminaryReviewed)
    def preliminary(self, e: ev.PreliminaryReviewed, b: Batch) -> None:
        """A15.1; a failure ends the year's attempt."""
        stage = "preliminary_passed" if e.passed else "preliminary_failed"
        self._step(b, e, stage, preliminary_notes=e.notes)

    @handles(ev.ExpertReviewed)
    def expert(self, e: ev.ExpertReviewed, b: Batch) -> None:
        stage = "expert_passed" if e.passed else "expert_failed"
        self._step(b, e, stage, expert_score=e.score)

    @handles(ev.SiteInspected)
    def site(self, e: ev.SiteInspected, b: Batch) -> None:
        self._step(b, e, "site_passed" if e.passed else "site_failed", site_notes=e.notes)

    @handles(ev.PublicNoticeEntered)
    def noticed(self, e: ev.PublicNoticeEntered, b: Batch) -> None:
        self._step(b, e, "under_notice", notice_last_day=day(e.last_day))

    @handles(ev.ObjectionRaised)
    def objection_raised(self, e: ev.ObjectionRaised, b: Batch) -> None:
        b.put(
            "round_objections",
            **stamped(e, "raised"),
            objection_id=str(e.objection_id),
            level=e.level,
            year=e.year,
            unit_id=str(e.originator_id),
            summary=e.summary,
            raised_by=e.actor_id,
        )
        self._count(b, e, objections_raised=1)

    @handles(ev.ObjectionDecided)
    def objection_decided(self, e: ev.ObjectionDecided, b: Batch) -> None:
        """A16.1: an upheld objection blocks the unit at the publication."""
        decision = {"upheld": int(e.upheld), "justification": e.justification}
        oid = str(e.objection_id)
        b.update(
            "round_objections", oid, decided_by=e.actor_id, **stamped(e, "decided"), **decision
        )
        self._count(b, e, objections_decided=1, objections_upheld=int(e.upheld))

    @handles(ev.Listed)
    def listed(self, e: ev.Listed, b: Batch) -> None:
        self._step(b, e, "listed", listed_on=day(e.listed_on))

    @handles(ev.ListingWithheld)
    def withheld(self, e: ev.ListingWithheld, b: Batch) -> None:
        """An upheld objection (A16.1) or an A17 ground found since the nomination."""
        self._step(b, e, "withheld", withheld_rules=codes(e.rules))

    # --- the round itself ----------------------------------------------------------------

    @handles(rev.RoundOpened)
    def opened(self, e: rev.RoundOpened, b: Batch) -> None:
        """A13.2: the round opens with each city's quota."""
        rid, zero = str(e.originator_id), dict.fromkeys(("noticed", *OUTCOMES), 0)
        b.put("rounds", round_id=rid, level=e.level, year=e.year, **stamped(e, "opened"), **zero)
        for city, quota in e.quotas.items():
            b.put("round_quotas", level=e.level, year=e.year, city=city, quota=quota, used=0)

    @staticmethod
    def _of(b: Batch, e: Any) -> tuple[str, int]:
        """The (level, year) of a round event's round."""
        r = b.row("rounds", str(e.originator_id)) or {}
        return r.get("level", ""), r.get("year", 0)

    def _quota(self, b: Batch, e: Any, city: str) -> Row:
        """The city's quota row of the event's round (quota 0 if the round never set one)."""
        level, year = self._of(b, e)
        empty = {"level": level, "year": year, "city": city, "quota": 0, "used": 0}
        return b.row("round_quotas", level, year, city) or empty

    @handles(rev.QuotaSet)
    def quota_set(self, e: rev.QuotaSet, b: Batch) -> None:
        b.put("round_quotas", **(self._quota(b, e, e.city) | {"quota": e.quota}))

    @handles(rev.NominationAccepted)
    def accepted(self, e: rev.NominationAccepted, b: Batch) -> None:
        """A13.2: the nomination counts against the city's quota."""
        row = self._quota(b, e, e.city)
        b.put("round_quotas", **(row | {"used": row["used"] + 1}))

    @handles(rev.ExpertPanelDrawn)
    def panel_drawn(self, e: rev.ExpertPanelDrawn, b: Batch) -> None:
        """A15.2: the panel with its seed; a redraw is an exception with a justification."""
        key = (*self._of(b, e), str(e.unit_id))
        row = b.row("round_nominations", *key)
        if row is None:
            return
        taken = [c for c in (row["exceptions"] or "").split(",") if c]
        taken += [c for c in e.exceptions if c not in taken]
        for expert in json.loads(row["panel"]) if row["panel"] else ():
            b.delete("round_scores", *key, expert)  # a redraw starts the review afresh
        row.update(panel=json.dumps(e.panel), panel_seed=e.seed, exceptions=codes(taken))
        if e.exceptions:
            row["redraw_justification"] = e.justification
        b.put("round_nominations", **(row | {"panel_draws": row["panel_draws"] + 1}))

    @handles(rev.ExpertScoreRecorded)
    def scored(self, e: rev.ExpertScoreRecorded, b: Batch) -> None:
        """A15.2: a drawn expert's score of a unit; a correction replaces it, is counted and
        keeps the score it corrected and its justification."""
        level, year = self._of(b, e)
        uid = str(e.unit_id)
        before = b.row("round_scores", level, year, uid, e.expert_id)
        b.put(
            "round_scores",
            **stamped(e, "scored"),
            level=level,
            year=year,
            unit_id=uid,
            expert_id=e.expert_id,
            credit_code=(b.row("round_units", uid) or {}).get("credit_code"),
            score=e.score,
            opinion=e.opinion,
            previous_score=e.previous_score,
            corrections=before["corrections"] + 1 if before else 0,
            justification=e.justification,
        )

    @handles(rev.SiteSampleDrawn)
    def sampled(self, e: rev.SiteSampleDrawn, b: Batch) -> None:
        """A15.3: which nominees are inspected on site."""
        level, year = self._of(b, e)
        b.update("rounds", str(e.originator_id), sample_seed=e.seed, sample_size=len(e.sample))
        for uid in e.sample:
            b.update("round_nominations", level, year, uid, sampled=1)

    @handles(rev.PublicNoticeOpened)
    def notice(self, e: rev.PublicNoticeOpened, b: Batch) -> None:
        """A16.1: the proposed list goes under notice for 15 days."""
        days = {"notice_opened_on": day(e.opened_on), "notice_last_day": day(e.last_day)}
        b.update("rounds", str(e.originator_id), **days, noticed=len(e.unit_ids))

    @handles(rev.PublicationCosigned)
    def cosigned(self, e: rev.PublicationCosigned, b: Batch) -> None:
        """A16.2: the co-publishing departments' signatures."""
        row = b.row("rounds", str(e.originator_id)) or {}
        signed = {d for d in (row.get("cosigned") or "").split(",") if d} | {e.department}
        b.update("rounds", str(e.originator_id), cosigned=",".join(sorted(signed)))

    @handles(rev.Published)
    def published(self, e: rev.Published, b: Batch) -> None:
        """A16.2: the joint publication, with how many units it listed, withheld, removed and
        adjusted (A19, A20.3)."""
        counts = {k: len(getattr(e, k)) for k in OUTCOMES}
        when = {"published_on": day(e.published_on), "published_at": at(e.timestamp)}
        b.update("rounds", str(e.originator_id), **when, **counts)


# --- queries ---------------------------------------------------------------------------


def quota_usage(db: Db, level: str, year: int) -> list[Row]:
    """Each city's quota, nominations counted against it and what remains (A13.2)."""
    rows = db.query(
        "SELECT city, quota, used FROM round_quotas WHERE level = ? AND year = ? ORDER BY city",
        (level, year),
    )
    return [{**r, "remaining": r["quota"] - r["used"]} for r in rows]


def nominations(db: Db, level: str, year: int, city: str | None = None) -> list[Row]:
    """Every nomination of the round with its stage, panel, sample flag, objections and the
    exceptions taken (A14.2/A14.3, A15.2 redraws) with their justifications."""
    sql = "SELECT * FROM round_nominations WHERE level = ? AND year = ?"
    params: list[Any] = [level, year]
    if city is not None:
        sql += " AND city = ?"
        params.append(city)
    rows = db.query(sql + " ORDER BY city, credit_code", params)
    return [{**r, "panel": json.loads(r["panel"]) if r["panel"] else None} for r in rows]


def objections(db: Db, level: str, year: int) -> list[Row]:
    """The objections raised during the round's notice and how they were decided (A16.1)."""
    return db.query(
        "SELECT * FROM round_objections WHERE level = ? AND year = ? ORDER BY raised_at, "
        "objection_id",
        (level, year),
    )


def scores(db: Db, level: str, year: int, expert: str | None = None) -> list[Row]:
    """The drawn experts' scores of the round's units by credit code and expert (A15.2), each
    with its opinion, how often it was corrected and the last correction's justification."""
    sql = "SELECT * FROM round_scores WHERE level = ? AND year = ?"
    params: list[Any] = [level, year]
    if expert is not None:
        sql += " AND expert_id = ?"
        params.append(expert)
    return db.query(sql + " ORDER BY credit_code, expert_id", params)


def round_summary(db: Db, level: str, year: int) -> Row | None:
    """The round: opening, sample, notice, co-signatures and publication, with nominations per
    stage, the quotas and their use, and the objections raised and upheld."""
    found = db.query("SELECT * FROM rounds WHERE level = ? AND year = ?", (level, year))
    if not found:
        return None
    stages = db.query(
        "SELECT stage, COUNT(*) AS n FROM round_nominations WHERE level = ? AND year = ? "
        "GROUP BY stage",
        (level, year),
    )
    raised = objections(db, level, year)
    by_stage = {r["stage"]: int(r["n"]) for r in stages}
    return {
        **found[0],
        "cosigned": [d for d in (found[0]["cosigned"] or "").split(",") if d],
        "nominated": sum(by_stage.values()),
        "stages": by_stage,
        "quotas": quota_usage(db, level, year),
        "objections_raised": len(raised),
        "objections_upheld": sum(1 for o in raised if o["upheld"]),
    }
