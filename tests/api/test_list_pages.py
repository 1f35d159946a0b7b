"""Pages of lists remembered now or as of an instant (api.list_pages, issue 15 item 4): never a
stale answer. Each part of the key is shown needed: the instants' interval, the basis, the
level, the query, the model's position and its tables; every answer from the memo equals the
one Python renders from the rows."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from api.list_pages import MOST_INSTANTS, ListPages
from api.resources.lists import DIGESTS, list_etag
from projections.engine.db import Db
from simulation import scenarios as s
from tests.api.test_reads import catch_up, service
from tests.api.test_sql_rendering import counting, forget, history, in_python

__all__ = ["history"]  # the fixture, used here

MODEL = (7, "16384/16385")


def test_a_page_key_names_every_part_it_depends_on() -> None:
    pages = ListPages()
    query = (None, None, 0, 100)
    assert pages.key(query, "provincial", "recorded", MODEL, 50) is None  # instants unknown
    pages.learn("provincial", "recorded", MODEL, [10, 20, 30])
    key = pages.key(query, "provincial", "recorded", MODEL, 20)
    # the same interval between the instants held: the same page
    assert pages.key(query, "provincial", "recorded", MODEL, 29) == key
    # another interval, before the first instant, after the last: another page each
    keys = {pages.key(query, "provincial", "recorded", MODEL, t) for t in (9, 10, 19, 20, 30)}
    assert len(keys) == 4 and key in keys
    assert pages.key(query, "provincial", "recorded", MODEL, -(2**62)) != pages.key(
        query, "provincial", "recorded", MODEL, 10
    )
    # the instants are those of a level, a basis, a position and tables: unknown for others
    for level, basis, model in (
        ("national", "recorded", MODEL),
        ("provincial", "world", MODEL),
        ("provincial", "recorded", (8, MODEL[1])),
        ("provincial", "recorded", (7, "16384/16999")),
    ):
        assert pages.key(query, level, basis, model, 20) is None
        pages.learn(level, basis, model, [10, 20, 30])
        assert pages.key(query, level, basis, model, 20) != key
    # the query: filters and page
    for other in ((None, "330100", 0, 100), ("park", None, 0, 100), (None, None, 1, 100)):
        assert pages.key(other, "provincial", "recorded", MODEL, 20) != key
    assert pages.key((None, None, 0, 99), "provincial", "recorded", MODEL, 20) != key


def test_too_many_instants_are_not_remembered() -> None:
    pages = ListPages()
    pages.learn("provincial", "recorded", MODEL, range(MOST_INSTANTS + 1))
    assert pages.key((), "provincial", "recorded", MODEL, 5) is None
    pages.learn("provincial", "recorded", MODEL, [])
    assert pages.key((), "provincial", "recorded", MODEL, 5) is not None


def micros_of(text: str) -> int:
    instant = datetime.fromisoformat(text)
    return (instant - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def at(instant: int) -> str:
    return quote((datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=instant)).isoformat())


def as_python(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, url: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The answer as the app gives it (remembered or not), and as Python renders it."""
    given = client.get(url)
    assert given.status_code == 200
    return given.json, in_python(client, monkeypatch, url).json


def held(views: Db) -> list[int]:
    """Every instant the provincial list's tables hold, by either basis."""
    found: set[int] = set()
    for table, columns in (
        ("list_memberships", "listed removed pending"),
        ("list_names", "from to"),
    ):
        for c in columns.split():
            for basis in ("at", "occurred"):
                rows = views.query(
                    f"SELECT {c}_{basis} AS t FROM {table} WHERE level = ?", ["provincial"]
                )
                found |= {r["t"] for r in rows if r["t"] is not None}
    return sorted(found)


@pytest.mark.stores("sqlite", "postgres")
def test_a_list_as_of_an_instant_is_remembered_by_where_the_instant_falls(
    history: Flask, clock: Any, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By recorded and world time, at each instant the list's tables hold and on either side
    of it (a removal entered a month after the accident it follows: the bases differ): every
    answer (the second time round, all remembered) is the one Python renders, and a list as of
    an instant between the same two held instants is not read again."""
    postgres = history.extensions["greenlist"].views.dialect == "postgres"
    base = "/api/v1/lists/provincial?limit=2"
    listed = micros_of(client.get(base).json["items"][0]["listed_at"])
    accident = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=listed, days=2)
    clock.set(accident + timedelta(days=30))
    code = s.credit_code(11)
    s.major_accident(service(history), code, accident.date(), occurred_at=accident)
    catch_up(history)
    instants = [t + d for t in held(history.extensions["greenlist"].views) for d in (-1, 0, 1)]
    forget(history)
    totals: dict[tuple[str, int], int] = {}
    for _ in range(2):
        for basis in ("recorded", "world"):
            for instant in instants:
                url = f"{base}&as_of={at(instant)}&basis={basis}"
                mine, theirs = as_python(client, monkeypatch, url)
                assert mine == theirs, (basis, instant)
                totals[basis, instant] = mine["total"]
    # the instants chosen tell apart the bases and the intervals (else this proves little)
    assert {totals["recorded", t] for t in instants} == {0, 2, 3}
    assert any(totals["recorded", t] != totals["world", t] for t in instants)
    forget(history)
    calls = counting(monkeypatch)
    later = instants[-1] + 10**6
    first = client.get(f"{base}&as_of={at(later)}")
    second = client.get(f"{base}&as_of={at(later + 3600 * 10**6)}")
    assert len(calls) == (1 if postgres else 2)  # the second remembered (SQLite: Python's)
    assert first.json["items"] == second.json["items"]
    assert first.json["as_of"] != second.json["as_of"]


@pytest.mark.stores("postgres")
def test_a_list_as_of_an_instant_is_read_again_after_a_new_act(
    history: Flask, clock: Any, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new act moves the model's position: a list as of an instant after it, remembered
    before, is read afresh and shows the act."""
    url = f"/api/v1/lists/provincial?limit=5&as_of={at(micros_of('2030-01-01T00:00Z'))}"
    before, _ = as_python(client, monkeypatch, url)
    assert client.get(url).json == before
    s.major_accident(service(history), s.credit_code(11), clock.now().date())
    catch_up(history)
    after, theirs = as_python(client, monkeypatch, url)
    assert after == theirs
    assert after["log"]["position"] > before["log"]["position"]
    assert after["items"] != before["items"]


@pytest.mark.stores("postgres")
@pytest.mark.parametrize("as_of", ["", f"&as_of={at(micros_of('2030-01-01T00:00Z'))}"])
def test_a_list_is_not_given_for_tables_swapped_in(
    history: Flask, client: FlaskClient, as_of: str
) -> None:
    """A rebuild swaps new tables in at the same position: a list remembered from the old ones,
    now or as of an instant, is read afresh (here: the names table swapped for a copy with
    other names, at the same instants)."""
    url = f"/api/v1/lists/provincial?limit=5{as_of}"
    before = client.get(url).json
    assert client.get(url).json["items"] == before["items"]
    views: Db = history.extensions["greenlist"].views
    views.query("ALTER TABLE list_names RENAME TO list_names_old")
    views.query("CREATE TABLE list_names AS SELECT * FROM list_names_old")
    views.query("UPDATE list_names SET name = name || '（新）'")
    after = client.get(url).json
    assert after["log"] == before["log"]
    assert [i["name"] for i in after["items"]] == [f"{i['name']}（新）" for i in before["items"]]


@pytest.mark.stores("postgres")
def test_a_list_now_by_world_time_follows_the_clock(
    history: Flask, clock: Any, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By world time now, the clock picks the instant: set back before the listings came
    into force, the list remembered a moment ago is not given."""
    url = "/api/v1/lists/provincial?limit=5&basis=world"
    now, theirs = as_python(client, monkeypatch, url)
    assert {**now, "as_of": None} == {**theirs, "as_of": None} and now["total"] == 3
    assert client.get(url).json["items"] == now["items"]
    clock.set(datetime(2024, 1, 1, tzinfo=UTC))
    then, theirs = as_python(client, monkeypatch, url)
    assert {**then, "as_of": None} == {**theirs, "as_of": None} and then["total"] == 0


@pytest.mark.stores("sqlite")
def test_a_list_validator_is_that_of_its_parameters_in_any_order(api_app: Flask) -> None:
    """`list_etag` works its query's digest out once per level and query string: the digest
    of the request's parsed parameters by name (a name's values in the order given: a read
    takes the first of a repeated one), whatever the names' order or encoding."""
    tags = {}
    for query in (
        "limit=2&as_of=2025-06-01",
        "as_of=2025-06-01&limit=2",
        "city=330100&city=330200",
        "kind=%E5%B7%A5%E5%8E%82&x=%ZZ&y",
        "",
    ):
        with api_app.test_request_context(f"/api/v1/lists/provincial?{query}"):
            pairs = sorted(request.args.lists())
            digest = hashlib.sha256(repr(("provincial", pairs)).encode()).hexdigest()[:16]
            assert list_etag(5, "provincial") == f"lists-5-{digest}"
            assert list_etag(6, "national") != list_etag(5, "provincial")
            tags[query] = list_etag(5, "provincial")
    assert tags["limit=2&as_of=2025-06-01"] == tags["as_of=2025-06-01&limit=2"]
    # remembered per level and query string: given again as it was remembered
    DIGESTS.put(("provincial", b"city=330100&city=330200"), "remembered")
    with api_app.test_request_context("/api/v1/lists/provincial?city=330100&city=330200"):
        assert list_etag(5, "provincial") == "lists-5-remembered"
    DIGESTS.put(("provincial", b"city=330100&city=330200"), tags["city=330100&city=330200"])
