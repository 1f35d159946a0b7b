"""Pages of rows rendered as JSON by PostgreSQL, in the statement that reads them (issue 15
item 4): the audit trail's and the lists' pages.

Why: an audit page is 50 rows of 20 fields, four of them instants; turned into JSON in Python
(api.rendering) that was about half of the read's CPU, the decoding of the rows by psycopg
another tenth. PostgreSQL builds the same text in the statement that selects the rows (about
8 µs a row of the audit trail, 5 µs a row of a list), and the server only passes it on (an
`orjson.Fragment`): an audit page cost 2.25 ms of CPU in all (server and PostgreSQL), 1.8 ms
so; a list page (33 rows) about the same either way, its PostgreSQL share larger. The audit
trail is append-only: its rows, once rendered, are remembered (`RowMemo`), and a page then
costs PostgreSQL little more than reading the rows' positions (1.2 ms in all).

The SQL is compiled once per row schema from the same marshmallow schema that describes the
answer in the OpenAPI document and renders it in Python (api.rendering): the schema stays the
one truth. A field is compiled only where its SQL is known to give the JSON value its Python
serialisation gives (tests/api/test_sql_rendering.py checks every schema rendered this way on
real rows, odd ones included); a schema with any other field is not compiled and keeps the
Python path, as does SQLite.

- String fields: `to_json(column::text)` (JSON's escapes, UTF-8 as it is);
- Integer fields: the column's decimal text;
- fields of their own (api.schemas.reads: Instant, LocalInstant, Codes, and a
  `fields.Function` whose function carries `sql_json`): their `sql_json(column)`, and for the
  instants `sql_python_only(column)`, true for a value their SQL does not render (before 1992,
  when Asia/Shanghai kept summer time and, earlier, local mean time): a page holding such a row
  is rendered in Python instead, whole."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from flask import Response
from marshmallow import Schema, fields
from marshmallow.decorators import POST_DUMP, PRE_DUMP

from api.rendering import dumper, json_response, reads_plainly
from domain.service.stored import Memo
from projections.engine.db import Db, Row

KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
"""Keys and columns written into the statement as they are: plain names only."""


@dataclass(frozen=True)
class RowSql:
    """A row schema as SQL over the columns of its rows: `json` is the text of the row's JSON
    object, `python_only` true for a row its SQL does not render (see the module)."""

    json: str
    python_only: str


def column(name: str) -> str:
    """A column of the rows, quoted (`position` and `type` are words of SQL too)."""
    if not KEY.match(name):
        raise ValueError(f"not a plain column name: {name!r}")
    return f'"{name}"'


@cache
def row_sql(schema: type[Schema]) -> RowSql | None:
    """The SQL of `schema` (a row of a page), once per schema class; None when a field (or a
    hook) has no SQL known to give what Python gives."""
    instance = schema()
    if instance._hooks[PRE_DUMP] or instance._hooks[POST_DUMP] or instance.many:
        return None
    parts: list[str] = []
    python_only: list[str] = []
    for name, field in instance.dump_fields.items():
        key = field.data_key if field.data_key is not None else name
        compiled = _field_sql(name, field)
        if compiled is None or not KEY.match(key):
            return None
        value, fallback = compiled
        parts.append(f"'{',' if parts else '{'}\"{key}\":'")
        parts.append(value)
        if fallback:
            python_only.append(fallback)
    parts.append("'}'" if parts else "'{}'")
    # || (every value is coalesced already): a quarter faster than one concat() of them all
    return RowSql(f"({' || '.join(parts)})", " OR ".join(python_only) or "false")


def _field_sql(name: str, field: fields.Field[Any]) -> tuple[str, str | None] | None:
    """A field's JSON value as SQL, and the condition its SQL does not render (or None)."""
    if not field._CHECK_ATTRIBUTE:  # fields.Function: its function's SQL twin, if it has one
        func = getattr(field, "serialize_func", None)
        sql_json: Callable[[Callable[[str], str]], str] | None = getattr(func, "sql_json", None)
        return (sql_json(column), None) if sql_json is not None else None
    if not reads_plainly(field):
        return None
    source = column(getattr(field, "renamed_from", None) or field.attribute or name)
    own = getattr(field, "sql_json", None)
    if own is not None:
        fallback = getattr(field, "sql_python_only", None)
        return own(source), fallback(source) if fallback is not None else None
    kind = type(field)
    if issubclass(kind, fields.String) and kind._serialize is fields.String._serialize:
        return f"coalesce(to_json({source}::text)::text, 'null')", None
    integer = issubclass(kind, fields.Integer) and kind._serialize is fields.Integer._serialize
    if integer and not field.as_string:  # type: ignore[attr-defined]
        return f"coalesce({source}::bigint::text, 'null')", None
    return None


@dataclass(frozen=True)
class RenderedPage:
    """A page PostgreSQL rendered: its items as JSON text (an array), how many rows the
    statement's rows were in all, and the extra aggregates the caller asked for."""

    items: str
    total: int
    extra: Row


def rendered_page(
    db: Db,
    schema: type[Schema],
    rows: tuple[str, Sequence[Any]],
    order: str,
    start: int,
    stop: int,
    extra: Sequence[str] = (),
    extra_params: Sequence[Any] = (),
) -> RenderedPage | None:
    """Rows `start` < n <= `stop` (numbered from 1 in `order`) of the statement `rows` (SQL and
    its parameters), rendered by PostgreSQL as `schema` renders them, in one statement; with
    the count of all the statement's rows and the `extra` aggregates (SQL, each `AS` a name)
    over them (`extra_params`: the parameters they name). None when this is not PostgreSQL,
    the schema has no SQL, or a row of the page is one its SQL does not render: then the
    caller renders the page in Python."""
    compiled = row_sql(schema)
    if db.dialect != "postgres" or compiled is None:
        return None
    sql, params = rows
    wanted = "n > ? AND n <= ?"
    statement = (
        f"SELECT string_agg({compiled.json}, ',' ORDER BY n) FILTER (WHERE {wanted}) AS items, "
        f"count(*) AS total, coalesce(bool_or({compiled.python_only}) FILTER (WHERE {wanted}), "
        f"false) AS python_only{''.join(', ' + e for e in extra)} "
        f"FROM (SELECT *, row_number() OVER (ORDER BY {order}) AS n FROM ({sql}) AS r) AS t"
    )
    found = db.query(statement, [start, stop, start, stop, *extra_params, *params])
    row = found[0]
    if row["python_only"]:
        return None
    items = row.pop("items")
    total = int(row.pop("total"))
    del row["python_only"]
    return RenderedPage(f"[{items or ''}]", total, row)


def render_page(schema: type[Schema], page: dict[str, Any], items: str) -> Response:
    """`api.rendering.render(schema, page)` for a page whose `items` PostgreSQL rendered: the
    page's other fields as the schema dumps them, the items' JSON text as it is."""
    out = dumper(schema)({**page, "items": []})
    out["items"] = orjson.Fragment(items)
    return json_response(out)


RENDERED_ROWS = 20_000
"""How many rendered rows of append-only tables an app remembers (about 700 bytes each for
the audit trail): the most recently read."""

FULL_PAGES = 4096
"""How many full pages of append-only tables an app remembers, each as the keys of its rows
(the rows themselves in `RowMemo.rows`): about 0.5 kB a page of 50."""

PageKey = tuple[int, Hashable, int | None, int]
"""A page of an append-only table: the table's OID, the caller's filters, `after`, `limit`."""


class RowMemo:
    """Rows of an append-only table as PostgreSQL rendered them, by the table's OID and the
    row's key (`rendered_append_only`). A row of such a table never changes once written, and a
    rebuild of its read model loads a new table (another OID) and swaps it in: a row is
    remembered with the table it was read from, never given for another's.

    Full pages too (`pages`, `remembered_append_only`): the rows of such a table are appended
    in key order (the log's positions, applied in order), so the first `limit` rows after
    `after` that a filter selects never change once a row after them exists: a page that had
    one more row than it shows is given again, from its table, as it was."""

    def __init__(self, size: int = RENDERED_ROWS, pages: int = FULL_PAGES) -> None:
        self.rows: Memo[tuple[int, int], str] = Memo(size)
        self.table: int | None = None
        """The OID of the table last read (what the remembered keys near a read are looked up
        for; checked against the rows' own `tableoid`)."""
        self.pages: Memo[PageKey, tuple[tuple[int, ...], int]] = Memo(pages)
        """Full pages: the keys of their rows and the last of them (the next page's `after`)."""


def remembered_append_only(
    db: Db, table: str, page: Hashable, limit: int, after: int | None, memo: RowMemo
) -> tuple[str, int | None] | None:
    """A full page of the append-only `table` as `rendered_append_only` gave it (its JSON
    text and its last key) for the same filters `page`, `after` and `limit` from the table now
    in use (one small statement: its OID), or None when not remembered, or its rows are not."""
    if db.dialect != "postgres" or not KEY.match(table):
        return None
    oid = int(db.query(f"SELECT '{table}'::regclass::oid::bigint AS oid")[0]["oid"])
    found = memo.pages.get((oid, page, after, limit))
    if found is None:
        return None
    keys, last = found
    rows = memo.rows.run([(oid, k) for k in keys])
    if len(rows) != len(keys):
        return None
    return f"[{','.join(text for _, text in rows)}]", last


def rendered_append_only(
    db: Db,
    schema: type[Schema],
    rows: tuple[str, Sequence[Any]],
    key: str,
    limit: int,
    after: int | None,
    memo: RowMemo,
    page: Hashable = None,
) -> tuple[str, int | None] | None:
    """The first `limit` rows of `rows` (a statement selecting `tableoid` and the columns of an
    append-only table whose rows are identified by the integer column `key`, in its order,
    after `after`, at most `limit` + 1 of them), rendered as `schema` renders them, as the JSON
    text of an array; and the key of the last of them when there are more (the next page's
    `after`). One statement: PostgreSQL renders only the rows not remembered in `memo` (those
    with keys just after `after`, one after the other, are looked up and their range named in
    the statement), the others come from `memo`; a full page (one more row after it) is
    remembered as that of the filters `page` (all the caller's filters, which `rows`
    applies: `remembered_append_only`). None when `rendered_page` would be None: the caller
    renders in Python."""
    compiled = row_sql(schema)
    if db.dialect != "postgres" or compiled is None:
        return None
    have: dict[int, str] = {}
    table, start = memo.table, (after or 0) + 1
    if table is not None:  # what the page most likely holds: the keys that follow `after`,
        # those remembered one after the other (a range: two comparisons a row, where a list
        # of keys cost a comparison with each)
        near = [(table, k) for k in range(start, start + 2 * (limit + 1))]
        have = {k: text for (_, k), text in memo.rows.run(near)}
    sql, params = rows
    statement = (  # (the memo_ names: not to clash with a column of the rows)
        "SELECT memo_table AS tableoid, memo_key AS key, "
        f"CASE WHEN memo_known THEN NULL ELSE {compiled.json} END AS json, "
        f"NOT memo_known AND ({compiled.python_only}) AS python_only "
        f"FROM (SELECT *, tableoid::bigint AS memo_table, {column(key)} AS memo_key, "
        f"{column(key)} BETWEEN ? AND ? AS memo_known FROM ({sql}) AS r) AS r "
        f"ORDER BY memo_key"
    )
    found = db.query(statement, [start, start + len(have) - 1, *params])
    if any(r["python_only"] for r in found):
        return None
    items: list[str] = []
    for row in found:  # the one after the page (if any) is remembered for the next page
        text = row["json"]
        if text is None:
            if row["tableoid"] != table or row["key"] not in have:  # another table now
                memo.table = None
                return rendered_append_only(db, schema, rows, key, limit, after, memo, page)
            text = have[row["key"]]
        else:
            memo.rows.put((row["tableoid"], row["key"]), text)
        items.append(text)
    del items[limit:]
    if found:
        memo.table = found[0]["tableoid"]
    last = found[limit - 1]["key"] if len(found) > limit else None
    if last is not None:
        keys = tuple(row["key"] for row in found[:limit])
        memo.pages.put((found[0]["tableoid"], page, after, limit), (keys, last))
    return f"[{','.join(items)}]", last
