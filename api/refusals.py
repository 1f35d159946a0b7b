"""The refusals trail (A29, issue 12 item 3): a refused act records nothing in the log, so every
command of an official that the rules refuse leaves its trace here instead, for auditors and
inspectors: a structured log line (logger `greenlist.refusals`, one JSON object, Chinese kept as
written) and a row of the `api_refusals` table in the views' database (SQLite or PostgreSQL),
read at `GET /api/v1/refusals`.

Who acted (id, role, region), the command, its target (the request's path: a unit's credit code,
a round's level and year), the rule codes and messages of the refusal, and the instant (the
service's clock). Only refusals under the rules (`RuleViolation`: a rule, a missing
justification, ID.3's jurisdiction); a record not found, a version conflict or malformed input
is not a decision of the rules and leaves none.

Filings by the public are never kept: a real-name report (A23.1) or an objection (A16.1) may be
refused, and its reporter must not be traceable from the refusal. For those acts (`FILINGS`)
and for any actor without a token (the public), the log line names the command and the rule
codes only, and no row is written."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from domain.errors import RuleViolation
from domain.values import Actor, Role, micros

LOG = logging.getLogger("greenlist.refusals")
TABLE = "api_refusals"
FILINGS = frozenset({"file_complaint", "file_objection"})
"""The acts by which anyone files a report or an objection: their refusals keep no reporter's
data (a helper adding such an act adds its name here)."""
COLUMNS = ("actor_id", "actor_role", "actor_region", "command", "target", "codes", "zh", "en")


class Store(Protocol):
    dialect: str

    def transaction(self) -> Any: ...


def is_filing(actor: Actor, command: str) -> bool:
    """A refusal that may identify a reporter: a filing, or any act of the public."""
    return command in FILINGS or actor.role is Role.PUBLIC


class Refusals:
    """The refusals kept in the views' database."""

    def __init__(self, db: Store) -> None:
        self.db = db
        key = (
            "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
            if db.dialect == "postgres"
            else "id INTEGER PRIMARY KEY AUTOINCREMENT"
        )
        with db.transaction() as tx:
            tx.one_setup_at_a_time(TABLE)  # workers starting at once: one creates it
            tx.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} ({key}, recorded BIGINT NOT NULL, "
                "actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, actor_region TEXT NOT NULL, "
                "command TEXT NOT NULL, target TEXT NOT NULL, codes TEXT NOT NULL, "
                "zh TEXT NOT NULL, en TEXT NOT NULL)"
            )

    def record(
        self,
        actor: Actor,
        command: str,
        target: Mapping[str, Any],
        error: RuleViolation,
        at: datetime,
    ) -> None:
        """Log the refusal and keep it; a filing's refusal is logged by command and codes only."""
        codes = list(error.codes)
        if is_filing(actor, command):
            LOG.info(json.dumps({"command": command, "codes": codes}, ensure_ascii=False))
            return
        where = "/".join(str(v) for v in target.values())
        row = {
            "actor_id": actor.id,
            "actor_role": actor.role.value,
            "actor_region": actor.region,
            "command": command,
            "target": where,
            "codes": codes,
            "zh": error.zh,
            "en": error.en,
        }
        LOG.info(json.dumps({**row, "recorded": at.isoformat()}, ensure_ascii=False))
        values = [json.dumps(codes) if k == "codes" else row[k] for k in COLUMNS]
        with self.db.transaction() as tx:
            tx.execute(
                f"INSERT INTO {TABLE} (recorded, {', '.join(COLUMNS)}) "
                f"VALUES (?, {', '.join('?' for _ in COLUMNS)})",
                (micros(at), *values),
            )

    def rows(
        self,
        *,
        actor: str | None = None,
        role: str | None = None,
        region: str | None = None,
        code: str | None = None,
        since: int | None = None,
        until: int | None = None,
        after: int | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """The refusals in the order they were kept, filtered; `since` inclusive and `until`
        exclusive (microseconds), `after` the last id already seen."""
        where: list[str] = []
        params: list[object] = []
        for condition, value in (
            ("actor_id = ?", actor),
            ("actor_role = ?", role),
            ("actor_region = ?", region),
            ("codes LIKE ?", f'%"{code}"%' if code is not None else None),
            ("recorded >= ?", since),
            ("recorded < ?", until),
            ("id > ?", after),
        ):
            if value is not None:
                where.append(condition)
                params.append(value)
        clause = f"WHERE {' AND '.join(where)} " if where else ""
        with self.db.transaction() as tx:
            found = tx.fetchall(
                f"SELECT id, recorded, {', '.join(COLUMNS)} FROM {TABLE} {clause}"
                f"ORDER BY id LIMIT {int(limit)}",
                params,
            )
        return [{**r, "codes": json.loads(r["codes"])} for r in found]
