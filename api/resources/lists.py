"""The published lists (名单), public: a level's list now or as it stood at any instant, by what
the system knew then (recorded) or by what was in force then (world), filtered by kind and city
(A16.2 joint publication; A19-A20 removals and renames shown as they stood)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from api.context import ctx
from api.exports.http import export, exportable, wanted
from api.exports.tables import Sheet
from api.list_pages import Page
from api.log_state import derived, derived_rows, log_state, tracked
from api.openapi import header
from api.query_memo import QUERY_PARSER
from api.reads import page, views
from api.rendering import render
from api.schemas.feed import ChangePage, ChangeQuery
from api.schemas.read_rows import ListEntryRow, ListPage
from api.schemas.reads import ListQuery
from api.sql_rendering import render_page, rendered_page
from domain.service.stored import Memo
from domain.values import SHANGHAI, Level, micros
from projections.engine.db import Db
from projections.engine.tracking import TRACKED, tracked_column
from projections.lists import (
    TABLES,
    instants_sql,
    latest_recorded_sql,
    list_as_of_sql,
    list_changes,
)

blp = Blueprint("lists", __name__, url_prefix="/api/v1/lists", description="名单 Lists (public)")
blp.ARGUMENTS_PARSER = QUERY_PARSER  # query strings parsed once (api.query_memo)

LEVELS = ",".join(level.value for level in Level)


LIST_ETAG = {
    "ETag": header(
        "the list's validator (the read model's position and the query), for a later "
        "If-None-Match; absent for `basis=world` without `as_of`, which time alone can change"
    )
}


@blp.route(f"/<any({LEVELS}):level>")
class LevelList(MethodView):
    @blp.arguments(ListQuery(), location="query")  # an instance: not built per request
    @blp.response(200, ListPage, headers=LIST_ETAG)
    @blp.alt_response(
        304,
        description="Not Modified: the list is as it was when the ETag given in If-None-Match "
        "was sent (nothing recorded since changes it)",
        headers=LIST_ETAG,
    )
    @exportable(blp, ListPage)
    def get(self, query: dict[str, Any], level: str) -> Any:
        """A level's list as of an instant (public; by city, then credit code).

        Without `as_of` the list is read as of now, and the page answers that instant: pass
        it back as `as_of` with `after` so that every page comes from the same list. The
        answer has an ETag: sent back in If-None-Match, it is answered 304 Not Modified as
        long as nothing recorded since changes the list."""
        as_of: datetime = query["as_of"] or ctx().service.clock.now()
        db = views("lists", position=query["wait_for"])
        validated = not wanted(query) and (query["basis"] == "recorded" or query["as_of"])
        now = query["as_of"] is None
        if validated and request.if_none_match:
            position = tracked("lists")
            postgres = db.dialect == "postgres"  # (there the page read learns it)
            if not now or past_the_list(db, level, position, micros(as_of), not postgres):
                tag = list_etag(position, level)
                if request.if_none_match.contains_weak(tag):
                    return not_modified(tag)
        which = {"basis": query["basis"], "kind": query["kind"], "city": query["city"]}
        head = {
            "level": level,
            "basis": query["basis"],
            "as_of": as_of.isoformat(),
            "kind": query["kind"],
            "city": query["city"],
        }
        fmt = wanted(query)
        statement = list_as_of_sql(level, micros(as_of), **which)
        done = None
        if not fmt:
            done = rendered_list(db, statement, head, query["limit"], query["after"], micros(as_of))
        if done is not None:
            response, position = done
        else:
            sql, params, order = list_as_of_sql(level, micros(as_of), **which, tracked=True)
            rows, log = derived_rows("lists", lambda: db.query(f"{sql} ORDER BY {order}", params))
            if fmt:
                day = as_of.astimezone(SHANGHAI).strftime("%Y%m%d")
                names = (f"list-{level}-{day}", f"名单-{level}-{day}")
                return export(fmt, names, [Sheet(level, ListEntryRow(), rows)])
            page_of = page(rows, query["limit"], query["after"])
            response, position = render(ListPage, {**head, "log": log, **page_of}), log["position"]
        if validated and (not now or past_the_list(db, level, position, micros(as_of))):
            response.set_etag(list_etag(position, level), weak=True)
        return response


def past_the_list(db: Db, level: str, position: int, now: int, read: bool = True) -> bool:
    """Whether now (micros) is at or after every recorded instant the list tables hold at
    the model's position (`latest_recorded_sql`): only then is the list now the one its
    position stands for, and its validator true. The clock set back (an NTP step back; the
    fixtures' clock) puts now before acts already recorded: the list now then lacks them at
    the same position, and a 304 would keep them on the client's copy (found by an outside
    attack).

    The latest instant is remembered per level and position (`ListPages.latest`): on
    PostgreSQL the page read learns it with the instants it reads (api.list_pages), so it
    costs no statement of its own there. Not known yet: read by a statement of its own if
    `read` (a scan of the level's rows), else False (no 304: the page is read and learns it).
    Read at a later position it can only be later (the tables gain instants, never lose
    one), so a stale one errs by refusing a 304, never by giving one."""
    key, remembered = (level, position), ctx().list_pages.latest
    latest = remembered.get(key)
    if latest is None:
        if not read:
            return False
        sql, params = latest_recorded_sql(level)
        found = db.query(sql, params)[0]["latest"]
        latest = int(found) if found is not None else -1
        remembered.put(key, latest)
    return now >= latest


def rendered_list(
    db: Db,
    statement: tuple[str, list[Any], str],
    head: dict[str, Any],
    limit: int,
    after: int | None,
    instant: int,
) -> tuple[Response, int] | None:
    """A page of a list rendered by PostgreSQL (api.sql_rendering) in the statement that reads
    its rows and the model's position (one snapshot: an empty list has its position too), with
    the log state of that position; None when it is to be rendered in Python (see
    `rendered_page`).

    The page, now or as of any instant, is remembered (`Context.list_pages`) by the model's
    position and tables and by where `instant` falls among the instants the tables hold
    (api.list_pages says why that is exact); a small statement reads the position and the
    tables, and a page remembered for them is given again without reading and rendering its
    rows (issue 15 item 4)."""
    sql, params, order = statement
    order = ", ".join(name.split(".")[-1] for name in order.split(", "))  # the rows' own
    start = after or 0
    pages, level, basis = ctx().list_pages, head["level"], head["basis"]
    query = (head["kind"], head["city"], start, limit)
    held: tuple[str, list[Any]] = ("NULL", [])
    if db.dialect == "postgres":
        probe = f"SELECT {tracked_column('lists')}, {TABLES} AS tables"
        model = db.query(probe)[0]  # where the model is: its position and tables
        position = int(model[TRACKED] or 0)
        key = pages.key(query, level, basis, (position, model["tables"]), instant)
        found = pages.pages.get(key) if key is not None else None
        if found is not None:
            return list_response(head, limit, start, position, found.items, found.total)
        if key is None:  # the instants the tables hold: read with the page, in its snapshot
            held = instants_sql(level, basis)
    # the model's position read once in the statement, rows or none
    extra = [tracked_column("lists"), f"{held[0]} AS held", f"{TABLES} AS tables"]
    page_of = (sql, params)
    done = rendered_page(db, ListEntryRow, page_of, order, start, start + limit, extra, held[1])
    if done is None:
        return None
    tracked_now = int(done.extra[TRACKED] or 0)  # no tracking row yet: 0, as `tracked`
    model_now = (tracked_now, done.extra["tables"])
    if done.extra["held"] is not None:
        pages.learn(level, basis, model_now, done.extra["held"])
    if db.dialect == "postgres":
        key = pages.key(query, level, basis, model_now, instant)
        if key is not None:
            pages.pages.put(key, Page(done.items, done.total))
    return list_response(head, limit, start, tracked_now, done.items, done.total)


def list_response(
    head: dict[str, Any], limit: int, start: int, position: int, items: str, total: int
) -> tuple[Response, int]:
    """A page of a list whose items PostgreSQL rendered, with the log state of `position`,
    paged as `api.reads.page` pages."""
    end = start + max(0, min(total - start, limit))
    log = log_state(position)
    rest = {"log": log, "total": total, "next_after": end if end < total else None}
    return render_page(ListPage, {**head, **rest}, items), position


def list_etag(position: int, level: str) -> str:
    """A weak validator (RFC 9110 8.8.1: the answer's `as_of` may differ, the list does not):
    the lists model's position and the query. Rows of a list change only when the model applies
    an event, and an answer is determined by the position once the instant is fixed: `as_of`
    given, or now by recorded time (every event recorded up to now is applied at the
    position). By world time now, an act recorded earlier may come into force later: no
    validator then."""
    key = (level, bytes(request.query_string))
    digest = DIGESTS.get(key)
    if digest is None:  # the parameters by name, each name's values in the order given: a
        # read takes the first of a repeated one, so with every pair sorted `as_of=A&as_of=B`
        # and `as_of=B&as_of=A` (two lists) shared one validator (an outside attack found it)
        query = sorted(request.args.lists())
        digest = hashlib.sha256(repr((level, query)).encode()).hexdigest()[:16]
        DIGESTS.put(key, digest)
    return f"lists-{position}-{digest}"


DIGESTS: Memo[tuple[str, bytes], str] = Memo(2048)
"""The query's part of a list's validator per level and query string: worked out once (issue
15 item 4: a list read asked again never parses its query string otherwise)."""


def not_modified(tag: str) -> Response:
    response = Response(status=304)
    response.set_etag(tag, weak=True)
    return response


@blp.route(f"/<any({LEVELS}):level>/changes")
class LevelChanges(MethodView):
    @blp.arguments(ChangeQuery, location="query")
    @blp.response(200, ChangePage)
    def get(self, query: dict[str, Any], level: str) -> dict[str, Any]:
        """A level's list as a change feed (public): what was added, renamed, marked for
        removal or removed after the log position `after`, in log order, with the cursor to
        resume from.

        A consumer starts from `after=0` with an empty list and applies each change (added,
        renamed and pending put the entry under its unit, removed takes it off), then asks
        again with `after=<cursor>`: its copy is then the list as of that log position
        (recorded time, as `GET /lists/{level}` shows it)."""
        db = views("lists", position=query["wait_for"])
        after, limit = query["after"], query["limit"]
        rows, log = derived(
            "lists",
            lambda: list_changes(
                db, level, after, limit + 1, kind=query["kind"], city=query["city"]
            ),
        )
        more = len(rows) > limit
        items = rows[:limit]
        cursor = items[-1]["position"] if more else max(after, log["position"])
        return {
            "level": level,
            "after": after,
            "cursor": cursor,
            "more": more,
            "kind": query["kind"],
            "city": query["city"],
            "items": items,
            "log": log,
        }
