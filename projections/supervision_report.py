"""The supervision report with its filters applied to every section (issue 13 item 7): the
acts recorded in [`since`, `until`) by actors of `region`. Exceptions, late and back-entered
acts, reporter reads and on-site supervision are filtered row by row; the overridden rules are
counted from the exceptions so filtered (each exception's overridden codes, per actor: what the
supervision read model's running totals count); activity per actor, with a time window, is
counted from the audit trail's rows (every event, as the running totals count them)."""

from __future__ import annotations

from typing import Any

from domain.rules import RULES
from projections.engine.db import Db, Row
from projections.supervision import actor_activity

ACT_TABLES = {
    "exceptions": "supervision_exceptions",
    "late_acts": "supervision_late",
    "reporter_reads": "supervision_reporter_reads",
    "on_site": "supervision_on_site",
}


def where(since: int | None, until: int | None, region: str | None) -> tuple[str, list[Any]]:
    """The SQL condition of the window (recorded micros) and region (the actor's)."""
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    for clause, value in (("recorded >= ?", since), ("recorded < ?", until)):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    if region is not None:
        clauses.append("actor_region = ?")
        params.append(region)
    return " AND ".join(clauses), params


def acts(
    db: Db, section: str, since: int | None, until: int | None, region: str | None
) -> list[Row]:
    condition, params = where(since, until, region)
    table = ACT_TABLES[section]
    return db.query(f"SELECT * FROM {table} WHERE {condition} ORDER BY position", params)


def overridden(rows: list[Row]) -> list[dict[str, Any]]:
    """Per rule code overridden in `rows` (exceptions): its article, how often, by whom."""
    result: dict[str, dict[str, Any]] = {}
    for row in rows:
        for code in (c for c in (row["exceptions"] or "").split(",") if c):
            rule = RULES.get(code)
            entry = result.setdefault(
                code,
                {
                    "rule": code,
                    "article": rule.article if rule else None,
                    "zh": rule.zh if rule else None,
                    "times": 0,
                    "by": {},
                },
            )
            entry["times"] += 1
            key = (row["actor_id"], row["actor_role"], row["actor_region"])
            entry["by"][key] = entry["by"].get(key, 0) + 1
    for entry in result.values():
        entry["by"] = [
            {"actor_id": a, "actor_role": r, "actor_region": g, "times": n}
            for (a, r, g), n in sorted(entry["by"].items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    return sorted(result.values(), key=lambda x: (-x["times"], x["rule"]))


def activity(
    supervision: Db, audit: Db, since: int | None, until: int | None, region: str | None
) -> list[dict[str, Any]]:
    """Events per actor and event type, busiest first: the running totals without a window,
    the audit trail's rows counted within one."""
    if since is None and until is None:
        return actor_activity(supervision, region)
    condition, params = where(since, until, region)
    rows = audit.query(
        "SELECT actor_id, actor_role, actor_region, event_type, count(*) AS events "
        f"FROM audit_trail WHERE {condition} "
        "GROUP BY actor_id, actor_role, actor_region, event_type",
        params,
    )
    actors: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        key = (r["actor_id"], r["actor_role"], r["actor_region"])
        entry = actors.setdefault(
            key,
            {"actor_id": key[0], "actor_role": key[1], "actor_region": key[2], "events": 0},
        )
        entry["events"] += int(r["events"])
        entry.setdefault("by_type", {})[r["event_type"]] = int(r["events"])
    return sorted(actors.values(), key=lambda a: (-a["events"], a["actor_id"]))


def report(
    supervision: Db,
    audit: Db,
    since: int | None = None,
    until: int | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    """Every section of the supervision report, each with the same window and region."""
    sections = {name: acts(supervision, name, since, until, region) for name in ACT_TABLES}
    late = [{**r, "delay_seconds": int(r["delay"]) / 1e6} for r in sections["late_acts"]]
    return {
        "exceptions": sections["exceptions"],
        "overridden_rules": overridden(sections["exceptions"]),
        "late_acts": late,
        "reporter_reads": sections["reporter_reads"],
        "actor_activity": activity(supervision, audit, since, until, region),
        "on_site": sections["on_site"],
    }
