"""Finding a unit by name or credit code (issue 13 item 6: `GET /api/v1/units?q=`), over the
dynamic read model's register of units (`dynamic_units`: every registered unit, its current
name and city; projections.dynamic)."""

from __future__ import annotations

from projections.engine.db import Db, Row

MAX_MATCHES = 500
"""At most this many matches are read; a search wider than that asks for a narrower word."""


def like_pattern(text: str) -> str:
    """`text` anywhere, its LIKE wildcards taken literally (escaped with backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def search_units(db: Db, q: str) -> list[Row]:
    """Units whose current name or credit code contains `q` (case-insensitive), an exact
    credit code first, then by credit code."""
    pattern = like_pattern(q.strip())
    return db.query(
        "SELECT credit_code, name, city FROM dynamic_units "
        "WHERE lower(name) LIKE ? ESCAPE '\\' OR lower(credit_code) LIKE ? ESCAPE '\\' "
        "ORDER BY CASE WHEN credit_code = ? THEN 0 ELSE 1 END, credit_code LIMIT ?",
        [pattern, pattern, q.strip().upper(), MAX_MATCHES],
    )
