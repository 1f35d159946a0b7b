"""The change feed of a list (issue 13): a consumer that follows
`GET /api/v1/lists/{level}/changes` from an empty list, page by page, holds the list exactly as
it stood at each cursor, across publications, an immediate removal (A19.4), a deferred removal
(A19.1, pending then removed at the annual publication) and a rename (A20.2-3)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from domain.service import Greenlist
from projections.lists import list_as_of
from projections.values import at
from simulation import scenarios as s

pytestmark = pytest.mark.stores("sqlite", "postgres")

Entry = tuple[Any, ...]


def service(app: Flask) -> Greenlist:
    greenlist: Greenlist = app.extensions["greenlist"].service
    return greenlist


def history(app: Flask, clock: SettableClock) -> dict[str, str]:
    """Three factories listed by the 2025 publication; one renamed, one with an A17.4 ground
    (removal pending), one removed at once after a major accident; a fourth listed by the 2026
    publication, which also applies the rename and the deferred removal."""
    greenlist = service(app)
    units = {name: s.credit_code(serial) for serial, name in enumerate("abcd", start=1)}
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    s.list_provincially_together(greenlist, units["a"], units["b"], units["c"])
    clock.set(datetime(2025, 10, 2, tzinfo=UTC))
    code = units["b"]
    enterprise = s.enterprise_actor(code)
    change = greenlist.declare_change(enterprise, code, "name", "更名", new_name="新名")
    greenlist.recheck_change(s.city_actor(), code, change.details["change_id"], True, True)
    clock.set(datetime(2025, 11, 1, tzinfo=UTC))
    greenlist.record_negative_record(
        s.city_actor(), units["c"], "A17.4", date(2025, 10, 20), "督查", "严重问题"
    )
    clock.set(datetime(2025, 12, 1, tzinfo=UTC))
    s.major_accident(greenlist, units["a"], date(2025, 11, 28))
    clock.set(datetime(2026, 1, 2, tzinfo=UTC))
    # A20.3: the city's opinion on the rename goes with its 2026 recommendations
    s.send_opinion(greenlist, code, change.details["change_id"], "rename", 2026)
    s.list_provincially(greenlist, units["d"], year=2026)
    app.extensions["greenlist_runner"].catch_up()
    return units


def follow(client: FlaskClient, level: str, limit: int) -> list[dict[str, Any]]:
    """Every page of the feed from the beginning; each page resumes at the previous cursor."""
    pages, after = [], 0
    while True:
        response = client.get(f"/api/v1/lists/{level}/changes?after={after}&limit={limit}")
        assert response.status_code == 200, response.json
        page = response.json
        pages.append(page)
        assert page["after"] == after and len(page["items"]) <= limit
        after = page["cursor"]
        if not page["more"]:
            return pages


def applied(mirror: dict[str, Entry], change: dict[str, Any]) -> None:
    if change["change"] == "removed":
        del mirror[change["unit_id"]]
        return
    if change["change"] == "added":
        assert change["unit_id"] not in mirror
    else:
        assert change["unit_id"] in mirror
    rules = tuple(change["rules"] or ())
    mirror[change["unit_id"]] = entry(change, rules)


def entry(row: dict[str, Any], pending: tuple[str, ...]) -> Entry:
    keys = ("credit_code", "name", "kind", "city", "year", "listed_on")
    return (*(row[k] for k in keys), pending)


def stood(app: Flask, level: str, instant: int | None) -> dict[str, Entry]:
    rows = list_as_of(app.extensions["greenlist"].views, level, instant)
    pending = [tuple(c for c in (r["pending_rules"] or "").split(",") if c) for r in rows]
    return {r["unit_id"]: entry(r, p) for r, p in zip(rows, pending, strict=True)}


def micros(iso: str) -> int:
    return at(datetime.fromisoformat(iso))


@pytest.mark.parametrize("limit", [1, 3])
def test_a_consumer_mirrors_the_provincial_list_from_its_change_feed(
    api_app: Flask, client: FlaskClient, clock: SettableClock, limit: int
) -> None:
    units = history(api_app, clock)
    pages = follow(client, "provincial", limit)
    changes = [change for page in pages for change in page["items"]]
    kinds = [(c["change"], c["credit_code"]) for c in changes]
    assert sorted(kinds[:3]) == [("added", units[u]) for u in "abc"]
    assert ("removed", units["a"]) in kinds and ("pending", units["c"]) in kinds
    assert ("renamed", units["b"]) in kinds and ("removed", units["c"]) in kinds
    assert kinds[-1][0] in ("added", "renamed", "removed")
    positions = [c["position"] for c in changes]
    assert positions == sorted(set(positions))

    mirror: dict[str, Entry] = {}
    for i, change in enumerate(changes):
        applied(mirror, change)
        following = changes[i + 1 : i + 2] or [{}]
        if following[0].get("recorded_at") != change["recorded_at"]:
            # the list as of this change's instant (one publication's changes share an instant)
            assert mirror == stood(api_app, "provincial", micros(change["recorded_at"]))
    for page in pages[:-1]:
        assert page["more"] and page["cursor"] == page["items"][-1]["position"]
    assert mirror == stood(api_app, "provincial", None)
    names = {entry[0]: entry[1] for entry in mirror.values()}
    assert set(names) == {units["b"], units["d"]} and names[units["b"]] == "新名"

    end = client.get(f"/api/v1/lists/provincial/changes?after={pages[-1]['cursor']}").json
    assert end["items"] == [] and not end["more"] and end["cursor"] == pages[-1]["cursor"]


def test_the_feed_filters_by_city_and_refuses_a_bad_cursor(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    history(api_app, clock)
    elsewhere = client.get("/api/v1/lists/provincial/changes?city=330200").json
    assert elsewhere["items"] == [] and not elsewhere["more"]
    municipal = client.get("/api/v1/lists/municipal/changes").json["items"]
    assert ("renamed", "新名") in [(c["change"], c["name"]) for c in municipal]
    for bad in ("after=-1", "limit=0", "after=x"):
        response = client.get(f"/api/v1/lists/provincial/changes?{bad}")
        assert response.status_code == 422
        assert response.content_type == "application/problem+json"
    assert client.get("/api/v1/lists/county/changes").status_code == 404
