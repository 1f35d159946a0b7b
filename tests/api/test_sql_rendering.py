"""Pages rendered by PostgreSQL (api.sql_rendering, issue 15 item 4) give the JSON value the
response schemas give in Python, on real rows and on odd ones (nulls, instants with no
microseconds, instants before 1992, empty codes, quotes, Chinese, control characters); a page
holding an instant before 1992 is left to Python; SQLite renders in Python; the HTTP answers
(cursors, totals, ETags, 304) are those of the Python path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from marshmallow import Schema

import api.resources.audit_trail
import api.resources.lists
from api import sql_rendering
from api.list_pages import ListPages
from api.log_state import log_state
from api.schemas.oversight import AuditRow
from api.schemas.read_rows import AnnouncementPage, ListEntryRow
from api.schemas.reads import CST_SINCE
from api.sql_rendering import RowMemo, rendered_append_only, rendered_page, row_sql
from projections.announcements import announcements
from projections.engine.db import Db
from simulation import scenarios as s
from tests.api.conftest import token
from tests.api.test_reads import catch_up, service

SCHEMAS = {"audit_trail": AuditRow, "list": ListEntryRow}
"""Every row schema rendered by PostgreSQL, and the rows it renders."""

ODD_TEXT = ['a "quoted" \\ back\\slash', "绿色工厂（杭州）", "\x01\x1f\t\n\r\b\f\x7f", "", "🌿 ok"]


def counting(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The calls of PostgreSQL's rendering of a list page, from now on."""
    calls: list[Any] = []
    real = sql_rendering.rendered_page

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(api.resources.lists, "rendered_page", counted)
    return calls


def micros(*args: int) -> int:
    return int((datetime(*args, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * (
        10**6
    )


INSTANTS = [
    CST_SINCE,  # 1992-01-01T00:00:00Z, no microseconds
    micros(2025, 1, 1),
    micros(2025, 6, 30, 15, 59, 59) + 999_999,
    micros(2026, 12, 4, 23, 59, 59) + 123_456,
    micros(2100, 2, 28, 16) + 1,
    micros(2199, 12, 31, 23, 59, 59) + 10,
]
CODES = [None, "", ",", "A17.4", "A17.4,A19.1", ",A1,,B2,", 'A"1,中2']


def python_page(schema: type[Schema], rows: list[dict[str, Any]]) -> list[Any]:
    return [schema().dump(row) for row in rows]


def sql_page(db: Db, schema: type[Schema], sql: str, order: str, limit: int = 10_000) -> Any:
    done = rendered_page(db, schema, (sql, []), order, 0, limit)
    return None if done is None else json.loads(done.items)


@pytest.fixture
def odd_rows(api_app: Flask) -> Iterator[Db]:
    """Temporary tables (this connection's only) shaped as the read models' tables, holding
    odd rows; nothing recorded is touched."""
    db: Db = api_app.extensions["greenlist"].views
    db.query("CREATE TEMP TABLE odd_audit (LIKE audit_trail)")
    db.query("CREATE TEMP TABLE odd_list AS SELECT * FROM list_memberships m LIMIT 0")
    db.query("ALTER TABLE odd_list ADD COLUMN name text")
    yield db
    db.query("DROP TABLE odd_audit")
    db.query("DROP TABLE odd_list")


def audit_row(i: int) -> tuple[Any, ...]:
    text = ODD_TEXT[i % len(ODD_TEXT)]
    instant = INSTANTS[i % len(INSTANTS)]
    return (
        i,  # position
        text if i % 3 else None,  # aggregate_id
        [None, "unit", "round", "unit"][i % 4],  # aggregate_type
        [None, "", "91330100MA2H3K4P79", 'x"y'][(i // 2) % 4],  # credit_code
        text if i % 4 else None,  # event_type
        [None, 0, 1, 37][i % 4],  # version
        text,  # actor_id
        "city",
        "330100",
        None if i % 5 == 0 else instant,  # occurred
        INSTANTS[(i + 1) % len(INSTANTS)],  # recorded
        CODES[i % len(CODES)],  # rules
        CODES[(i + 3) % len(CODES)],  # exceptions
        "2025.1" if i % 2 else None,
        text,  # justification
        text + "摘要",  # summary
    )


@pytest.mark.stores("postgres")
def test_odd_audit_rows_give_what_the_schema_gives(odd_rows: Db) -> None:
    db = odd_rows
    marks = ", ".join(["%s"] * 16).replace("%s", "?")
    for i in range(1, 85):
        db.query(f"INSERT INTO odd_audit VALUES ({marks})", audit_row(i))
    rows = db.query("SELECT * FROM odd_audit ORDER BY position")
    assert sql_page(db, AuditRow, "SELECT * FROM odd_audit", "position") == python_page(
        AuditRow, rows
    )
    # a page holding an instant before 1992 (summer time, local mean time) is Python's
    for before in (CST_SINCE - 1, micros(1988, 7, 1), 0, -1_000_001):
        db.query("UPDATE odd_audit SET occurred = ? WHERE position = 7", [before])
        assert sql_page(db, AuditRow, "SELECT * FROM odd_audit", "position") is None
        assert sql_page(db, AuditRow, "SELECT * FROM odd_audit", "position", 6) is not None


@pytest.mark.stores("postgres")
def test_rendered_audit_rows_are_remembered_by_table_and_position(odd_rows: Db) -> None:
    """An append-only table's rows rendered once are given again from the memo, for the
    table they were read from only; a page holding an instant before 1992 is Python's."""
    db = odd_rows
    marks = ", ".join("?" for _ in range(16))
    for i in range(1, 85):
        db.query(f"INSERT INTO odd_audit VALUES ({marks})", audit_row(i))
    rows = db.query("SELECT * FROM odd_audit ORDER BY position")
    memo = RowMemo()
    rendered: list[int] = []
    real = db.query

    def counting(sql: str, params: Any = ()) -> Any:
        found = real(sql, params)
        rendered.extend(r["key"] for r in found if r.get("json") is not None)
        return found

    db.query = counting  # type: ignore[method-assign]
    try:
        pages = ((None, 10), (None, 10), (5, 10), (60, 30), (0, 200), (83, 5), (70, 10))
        for n, (after, limit) in enumerate(pages):
            rendered.clear()
            statement = (
                "SELECT tableoid, * FROM odd_audit WHERE position > ? ORDER BY position LIMIT ?",
                [after or 0, limit + 1],
            )
            done = rendered_append_only(db, AuditRow, statement, "position", limit, after, memo)
            assert done is not None
            items, last = done
            page = [r for r in rows if r["position"] > (after or 0)][:limit]
            assert json.loads(items) == python_page(AuditRow, page)
            more = len([r for r in rows if r["position"] > (after or 0)]) > limit
            assert last == (page[-1]["position"] if more else None)
            if n in (1, 6):  # read before: every row of it remembered
                assert rendered == []
            if n == 2:
                assert rendered == [12, 13, 14, 15, 16]
        # another table (a rebuild swaps one in): nothing of the memo is given for it
        poisoned = RowMemo()
        poisoned.table = 1
        for k in range(1, 30):
            poisoned.rows.put((1, k), '{"forged": true}')
        statement = ("SELECT tableoid, * FROM odd_audit ORDER BY position LIMIT ?", [11])
        done = rendered_append_only(db, AuditRow, statement, "position", 10, None, poisoned)
        assert done is not None and json.loads(done[0]) == python_page(AuditRow, rows[:10])
        db.query = real  # type: ignore[method-assign]
        # (an append-only table's row is never changed: a fresh memo for this one)
        db.query("UPDATE odd_audit SET recorded = ? WHERE position = 3", [micros(1991, 1, 1)])
        fresh = RowMemo()
        assert rendered_append_only(db, AuditRow, statement, "position", 10, None, fresh) is None
    finally:
        db.query = real  # type: ignore[method-assign]


@pytest.mark.stores("postgres")
def test_odd_list_rows_give_what_the_schema_gives(odd_rows: Db) -> None:
    db = odd_rows
    for i in range(1, 40):
        text = ODD_TEXT[i % len(ODD_TEXT)]
        row = {
            "unit_id": text if i % 3 else None,
            "credit_code": f"9133{i:014d}",
            "name": text,
            "kind": None if i % 7 == 0 else "factory",
            "city": text,
            "level": "provincial",
            "year": None if i % 4 == 0 else 2000 + i,
            "listed_on": "2025-09-16" if i % 2 else None,
            "listed_at": None if i % 5 == 0 else INSTANTS[i % len(INSTANTS)],
            "pending_rules": CODES[i % len(CODES)],
        }
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        db.query(f"INSERT INTO odd_list ({columns}) VALUES ({marks})", list(row.values()))
    order = "city, credit_code"
    rows = db.query(f"SELECT * FROM odd_list ORDER BY {order}")
    assert sql_page(db, ListEntryRow, "SELECT * FROM odd_list", order) == python_page(
        ListEntryRow, rows
    )
    db.query("UPDATE odd_list SET listed_at = ? WHERE year = 2001", [micros(1991, 6, 1)])
    assert sql_page(db, ListEntryRow, "SELECT * FROM odd_list", order) is None


def test_every_schema_rendered_in_sql_compiles() -> None:
    """A field without SQL would quietly send its pages back to Python: every schema that is
    meant to be rendered by PostgreSQL has SQL for each of its fields."""
    for schema in SCHEMAS.values():
        assert row_sql(schema) is not None


@pytest.fixture
def history(api_app: Flask, clock: Any) -> Flask:
    codes = (s.credit_code(11), s.credit_code(12), s.credit_code(13))
    s.list_provincially_together(service(api_app), *codes)
    catch_up(api_app)
    return api_app


RENDERERS = {
    api.resources.audit_trail: "rendered_append_only",
    api.resources.lists: "rendered_page",
}
"""Where each read asks PostgreSQL for its page, and by which function."""

PYTHON_PATHS = [
    (api.resources.audit_trail, "remembered_append_only"),
    (api.resources.audit_trail, "rendered_append_only"),
    (api.resources.lists, "rendered_list"),
]
"""Where each read takes a page from PostgreSQL or its memos: refusing, it renders in Python."""


def forget(app: Flask) -> None:
    """The app's remembered pages (lists, the audit trail's) forgotten."""
    app.extensions["greenlist"].list_pages = ListPages()
    app.extensions["greenlist"].rendered_rows = RowMemo()


def both_ways(
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    remembered: bool = False,
    **headers: str,
) -> tuple[Any, Any]:
    """The answer as PostgreSQL renders it (on PostgreSQL), and as Python does (the
    rendering function refusing); the pages remembered are forgotten first (unless
    `remembered`: the page must not be remembered then), and the answer
    asked again (remembered, on PostgreSQL) is the one rendered (its `as_of` aside: now, the
    test clock moves on)."""
    rendered: list[Any] = []
    if not remembered:
        forget(client.application)

    def spy(name: str) -> Any:
        def spied(*args: Any, **kwargs: Any) -> Any:
            rendered.append(getattr(sql_rendering, name)(*args, **kwargs))
            return rendered[-1]

        return spied

    with monkeypatch.context() as spying:
        for module, name in RENDERERS.items():
            spying.setattr(module, name, spy(name))
        sql = client.get(url, headers=headers)
    postgres = client.application.extensions["greenlist"].views.dialect == "postgres"
    assert [r is not None for r in rendered] == [postgres]
    again = client.get(url, headers=headers)
    assert again.status_code == sql.status_code == 200
    assert {**again.json, "as_of": None} == {**sql.json, "as_of": None}
    return sql, in_python(client, monkeypatch, url, **headers)


def in_python(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, url: str, **headers: str
) -> Any:
    """The answer as Python renders it: neither PostgreSQL's rendering nor a memo."""
    with monkeypatch.context() as python:
        for module, name in PYTHON_PATHS:
            python.setattr(module, name, lambda *args, **kwargs: None)
        plain = client.get(url, headers=headers)
    assert plain.status_code == 200
    return plain


@pytest.mark.stores("sqlite", "postgres")
def test_audit_pages_and_their_cursors_are_those_of_python(
    history: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    auditor = token("auditor")
    after, seen = None, 0
    while True:
        url = "/api/v1/audit-trail?limit=7" + (f"&after={after}" if after else "")
        sql, plain = both_ways(client, monkeypatch, url, **auditor)
        assert sql.json == plain.json
        seen += len(sql.json["items"])
        after = sql.json["next_after"]
        if after is None:
            break
    assert seen > 20
    for query in ("?limit=500", "?after=999999", "?type=Listed&limit=2", "?rule=A19.1"):
        sql, plain = both_ways(client, monkeypatch, f"/api/v1/audit-trail{query}", **auditor)
        assert sql.json == plain.json


@pytest.mark.stores("sqlite", "postgres")
def test_list_pages_totals_and_etags_are_those_of_python(
    history: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = "/api/v1/lists/provincial"
    for query in (
        "",
        "?limit=1",
        "?limit=1&after=1",
        "?limit=2&after=1",
        "?after=3",
        "?after=50",
        "?as_of=2025-06-01",
        "?as_of=2026-01-01",
        "?as_of=2026-01-01&basis=world",
        "?city=330100",
        "?kind=park",
    ):
        sql, plain = both_ways(client, monkeypatch, base + query)
        mine, theirs = sql.json, plain.json
        if "as_of" not in query:  # now: the (test) clock moved on between the two
            assert mine.pop("as_of") != theirs.pop("as_of")
        assert mine == theirs, query
        assert sql.headers.get("ETag") == plain.headers.get("ETag")
    first = client.get(f"{base}?limit=1")
    assert first.json["next_after"] == 1 and first.json["total"] >= 3
    again = client.get(f"{base}?limit=1", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.stores("sqlite", "postgres")
def test_an_announcements_page_is_what_its_schema_dumps(
    history: Flask, client: FlaskClient
) -> None:
    """Announcements are rendered by the function compiled from their schema (api.rendering),
    their stored `units` decoded for the page's rows only."""
    views = history.extensions["greenlist"].views
    every = announcements(views)
    assert every and any(row["units"] for row in every)
    for query, rows in (("?limit=500", every), ("?limit=1", every[:1])):
        shown = client.get(f"/api/v1/announcements{query}")
        page = {
            "items": [{**row, "log": log_state_of(history, row["position"])} for row in rows],
            "next_after": shown.json["next_after"],
        }
        assert shown.json == AnnouncementPage().dump(page)


def log_state_of(app: Flask, position: int) -> dict[str, Any]:
    with app.test_request_context():
        return log_state(position)


@pytest.mark.stores("sqlite", "postgres")
def test_a_list_read_now_is_remembered_while_its_model_and_the_clock_allow(
    history: Flask, clock: Any, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of a list by recorded time now is given again without reading its rows while
    the lists model's position is the same and the clock is at or after the latest instant
    its tables hold; a new act, or a clock set before that instant, reads it afresh."""
    postgres = history.extensions["greenlist"].views.dialect == "postgres"
    calls = counting(monkeypatch)
    url = "/api/v1/lists/provincial?limit=2"
    first = client.get(url)
    again = client.get(url)
    assert len(calls) == (1 if postgres else 2)  # the second: remembered (SQLite: Python's)
    mine, theirs = first.json, again.json
    assert mine.pop("as_of") != theirs.pop("as_of") and mine == theirs
    assert first.headers["ETag"] == again.headers["ETag"]
    assert len(mine["items"]) == 2 and mine["total"] == 3
    # a clock set back before the listings were recorded: the list as it stood then
    recorded = max(i["listed_at"] for i in mine["items"])
    clock.set(datetime.fromisoformat(recorded) - timedelta(seconds=1))
    sql, plain = both_ways(client, monkeypatch, url, remembered=True)
    mine_then, theirs_then = sql.json, plain.json
    assert mine_then.pop("as_of") != theirs_then.pop("as_of") and mine_then == theirs_then
    assert mine_then["total"] < 3
    calls = counting(monkeypatch)  # (both_ways set its own)
    clock.set(datetime(2027, 1, 1, tzinfo=UTC))
    assert client.get(url).json["items"] == mine["items"]
    assert len(calls) == (0 if postgres else 1)  # remembered still, the clock past it again
    # a new act that changes the list: read afresh, as Python reads it
    service(history).record_negative_record(
        s.city_actor(), s.credit_code(11), "A17.4", date(2026, 12, 20), "督查", "严重问题"
    )
    catch_up(history)
    sql, plain = both_ways(client, monkeypatch, url)
    mine, theirs = sql.json, plain.json
    assert mine.pop("as_of") != theirs.pop("as_of") and mine == theirs
    assert mine["log"]["position"] > first.json["log"]["position"]
