"""Full pages of the audit trail remembered (api.sql_rendering.remembered_append_only, issue
15 item 4): a page with a row after it is given again as it was, from the table it was read
from, for the same filters, `after` and `limit`; a page without one (the trail's end) is read
every time. Every answer equals the one Python renders from the rows."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

import api.resources.audit_trail
from api import sql_rendering
from projections.engine.db import Db
from simulation import scenarios as s
from tests.api.conftest import token
from tests.api.test_reads import catch_up, service
from tests.api.test_sql_rendering import forget, history, in_python

__all__ = ["history"]  # the fixture, used here

AUDITOR = token("auditor")


def counting(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The pages read and rendered by PostgreSQL (not remembered whole), from now on."""
    calls: list[Any] = []
    real = sql_rendering.rendered_append_only

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[5])  # after
        return real(*args, **kwargs)

    monkeypatch.setattr(api.resources.audit_trail, "rendered_append_only", counted)
    return calls


def as_python(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, url: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    given = client.get(url, headers=AUDITOR)
    assert given.status_code == 200, (url, given.json)
    return given.json, in_python(client, monkeypatch, url, **AUDITOR).json


def walk(client: FlaskClient, monkeypatch: pytest.MonkeyPatch, query: str) -> list[Any]:
    """Every page of the trail for `query`, each checked against Python's; their `after`s."""
    after, seen = None, []
    while True:
        seen.append(after)
        url = f"/api/v1/audit-trail?{query}" + (f"&after={after}" if after else "")
        mine, theirs = as_python(client, monkeypatch, url)
        assert mine == theirs, url
        after = mine["next_after"]
        if after is None:
            return seen


@pytest.mark.stores("postgres")
def test_a_full_page_is_given_again_and_the_last_is_read_again(
    history: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    forget(history)
    afters = walk(client, monkeypatch, "limit=7")
    assert len(afters) > 3
    calls = counting(monkeypatch)
    assert walk(client, monkeypatch, "limit=7") == afters
    assert calls == [afters[-1]]  # only the last page (no row after it) read again
    # a new act: the last page grows; the pages before it are as they were
    last = f"/api/v1/audit-trail?limit=7&after={afters[-1]}" if afters[-1] else None
    shown_before = client.get(last, headers=AUDITOR).json if last else None
    s.major_accident(service(history), s.credit_code(11), service(history).clock.now().date())
    catch_up(history)
    calls.clear()
    after_act = walk(client, monkeypatch, "limit=7")
    assert after_act[: len(afters)] == afters
    assert calls == after_act[len(afters) - 1 :]
    if shown_before is not None and last is not None:
        assert client.get(last, headers=AUDITOR).json != shown_before


@pytest.mark.stores("postgres")
def test_a_page_is_remembered_for_its_filters_after_and_limit(
    history: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same `after` and `limit` with other filters, or another `limit` or `after`: not
    the page remembered (each answer Python's)."""
    every = client.get("/api/v1/audit-trail?limit=500", headers=AUDITOR).json["items"]
    rule = next(i["rules"][0] for i in every if i["rules"])
    forget(history)
    answers = []
    for query in (
        "limit=2",
        "limit=2&type=Listed",
        "limit=2&type=UnitRegistered",
        "limit=3",
        "limit=2&after=5",
        "limit=2&after=6",
        f"limit=2&unit={s.credit_code(12)}",
        f"limit=2&rule={rule}",
        "limit=2&since=2025-06-01",
        f"limit=2&until={quote(every[1]['recorded_at'])}",
        "limit=2&region=330000",
        "limit=2&actor=nobody",
    ):
        for _ in range(2):  # the second one remembered (when full)
            mine, theirs = as_python(client, monkeypatch, f"/api/v1/audit-trail?{query}")
            assert mine == theirs, query
        answers.append((query, [i["position"] for i in mine["items"]]))
    base = answers[0][1]
    assert all(shown != base for _, shown in answers[1:])  # else this proves little


@pytest.mark.stores("postgres")
def test_a_page_is_not_given_for_a_table_swapped_in(
    history: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild swaps a new table in (at the same positions): a page remembered from the old
    one is read afresh (here: a copy with other summaries)."""
    url = "/api/v1/audit-trail?limit=5"
    before = client.get(url, headers=AUDITOR).json
    assert before["next_after"] is not None  # full: remembered
    assert client.get(url, headers=AUDITOR).json == before
    views: Db = history.extensions["greenlist"].views
    views.query("ALTER TABLE audit_trail RENAME TO audit_trail_old")
    views.query("CREATE TABLE audit_trail AS SELECT * FROM audit_trail_old")
    views.query("UPDATE audit_trail SET summary = summary || '（新）'")
    after, theirs = as_python(client, monkeypatch, url)
    assert after == theirs
    assert [i["summary"] for i in after["items"]] == [
        f"{i['summary']}（新）" for i in before["items"]
    ]
