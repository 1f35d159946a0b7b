"""What the rounds read model answers: quotas and their use, nominations, objections, scores
and a round's summary."""

from __future__ import annotations

import json
from typing import Any

from projections.engine.db import Db, Row


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


def noticed(db: Db) -> list[Row]:
    """The rounds whose public notice was opened (A16.1), latest year first."""
    return db.query(
        "SELECT level, year FROM rounds WHERE notice_opened_on IS NOT NULL "
        "ORDER BY year DESC, level"
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
