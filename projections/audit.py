"""The audit trail: one row per event of every aggregate, in log order, with who acted (id, role,
region), when in the world and when recorded, the rule codes applied, the "in principle" rules
overridden with their written justification, the rule-set version in force (A29) and one line in
Chinese. Auditors filter it by unit, actor, region, rule code, event type and time range.

Rows are only ever appended (one `Batch.add` per event, flushed with COPY on PostgreSQL), so a
rebuild of hundreds of thousands of events stays fast. A23: a complaint's reporter name, contact
and content never reach this table, nor the account that filed it (`projections.subjects`)."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from projections.audit_summaries import summary
from projections.engine.batch import Batch
from projections.engine.db import Db, Row
from projections.engine.projection import Table, handles
from projections.subjects import (
    AGGREGATE_TYPES,
    EVENT_CLASSES,
    Subjects,
    SubjectsShared,
    actor_of,
    subjects_table,
    who,
)
from projections.values import at, codes, text_id

SUBJECTS = "audit_subjects"


class Audit(SubjectsShared):
    """Every event, once, as a row of `audit_trail`."""

    name = "audit"
    rebuild_weight = 3.5
    tables = (
        Table(
            "audit_trail",
            (
                ("position", "int"),
                ("aggregate_id", "text"),
                ("aggregate_type", "text"),
                ("credit_code", "text"),
                ("event_type", "text"),
                ("version", "int"),
                ("actor_id", "text"),
                ("actor_role", "text"),
                ("actor_region", "text"),
                ("occurred", "int"),
                ("recorded", "int"),
                ("rules", "text"),
                ("exceptions", "text"),
                ("ruleset", "text"),
                ("justification", "text"),
                ("summary", "text"),
            ),
            indexes=(("position",), ("credit_code", "position"), ("actor_id", "position")),
        ),
        subjects_table(SUBJECTS),
    )

    def __init__(self) -> None:
        self.subjects = Subjects(SUBJECTS)

    @handles(*EVENT_CLASSES)
    def record(self, e: Any, b: Batch) -> None:
        aid = text_id(e.originator_id)
        code, label = self.subjects.of(e, b, aid)
        actor = actor_of(e)
        b.add(
            "audit_trail",
            position=b.position,
            aggregate_id=aid,
            aggregate_type=AGGREGATE_TYPES[type(e)],
            credit_code=code,
            event_type=type(e).__name__,
            version=e.originator_version,
            **actor,
            occurred=at(e.occurred_at),
            recorded=at(e.timestamp),
            rules=codes(e.rules),
            exceptions=codes(e.exceptions),
            ruleset=e.ruleset,
            justification=e.justification,
            summary=summary(e, who(actor["actor_role"], actor["actor_region"]), label),
        )


class AuditFilters(TypedDict, total=False):
    """What a read of the trail may ask (`audit_trail_sql` says what each means)."""

    unit: str | None
    actor: str | None
    region: str | None
    rule: str | None
    type: str | None
    since: int | None
    until: int | None
    limit: int
    after: int | None


def audit_trail(db: Db, **filters: Unpack[AuditFilters]) -> list[Row]:
    """Rows in log order (`audit_trail_sql`)."""
    sql, params = audit_trail_sql(**filters)
    return db.query(sql, params)


def audit_trail_sql(
    unit: str | None = None,
    actor: str | None = None,
    region: str | None = None,
    rule: str | None = None,
    type: str | None = None,
    since: int | None = None,
    until: int | None = None,
    limit: int = 100,
    after: int | None = None,
    columns: str = "*",
) -> tuple[str, list[Any]]:
    """The statement of the trail's rows in log order and its parameters (api.sql_rendering
    renders its rows). `unit` is a credit code (the events of the unit and those of rounds,
    complaints, ledgers and queues about it); `rule` a code applied or overridden; `since` and
    `until` bound the recorded instant (micros, `since` <= recorded < `until`); `after` is the
    last position already seen, for stable pagination; `columns` what it selects."""
    clauses: list[str] = []
    params: list[Any] = []
    for clause, value in (
        ("credit_code = ?", unit.strip().upper() if unit else None),
        ("actor_id = ?", actor),
        ("actor_region = ?", region),
        ("event_type = ?", type),
        ("recorded >= ?", since),
        ("recorded < ?", until),
        ("position > ?", after),
    ):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    if rule is not None:
        clauses.append("(',' || rules || ',' || exceptions || ',') LIKE ?")
        params.append(f"%,{rule},%")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT {columns} FROM audit_trail{where} ORDER BY position LIMIT ?"
    return sql, [*params, limit]
