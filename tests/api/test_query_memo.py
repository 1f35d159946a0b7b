"""Query strings parsed once per schema (api.query_memo, issue 15 item 4): the same query
string is not loaded again, each read's own schema loads it, a refused one is refused every
time, and a resource gets a dict of its own."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from marshmallow import Schema
from werkzeug.datastructures import MultiDict

from api import strict_query
from api.query_memo import QUERY_PARSER, RememberingParser
from api.schemas.reads import AuditQuery, ListQuery
from tests.api.conftest import token


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The query schemas loaded from now on (their class names), with a fresh memo."""
    monkeypatch.setattr(QUERY_PARSER, "memo", RememberingParser().memo)
    names: list[str] = []
    real = Schema.load

    def load(self: Schema, *args: Any, **kwargs: Any) -> Any:
        names.append(type(self).__name__)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Schema, "load", load)
    return names


@pytest.mark.stores("sqlite")
def test_a_query_string_is_loaded_once_by_each_schema(
    client: FlaskClient, loads: list[str]
) -> None:
    auditor = token("auditor")
    for _ in range(3):
        assert client.get("/api/v1/lists/provincial?limit=2").status_code == 200
    assert loads == ["ListQuery"]
    # the same query string for another read: its own schema (ListQuery's arguments lack
    # the trail's filters: a KeyError, a 500, if they were given)
    for _ in range(2):
        assert client.get("/api/v1/audit-trail?limit=2", headers=auditor).status_code == 200
    assert loads == ["ListQuery", "AuditQuery"]
    first = client.get("/api/v1/lists/provincial?limit=2&as_of=2025-06-01").json
    assert client.get("/api/v1/lists/provincial?limit=2").json["as_of"] != first["as_of"]
    assert loads == ["ListQuery", "AuditQuery", "ListQuery"]
    # a refused query string: refused every time, never remembered
    for _ in range(2):
        assert client.get("/api/v1/lists/provincial?limit=0").status_code == 422
    assert loads[3:] == ["ListQuery", "ListQuery"]


def test_arguments_remembered_are_a_copy_and_bounded() -> None:
    parser = RememberingParser(size=2)
    schema = ListQuery()

    class Request:  # what the parser reads of a request's query
        query_string = b"limit=3"
        args = MultiDict([("limit", "3")])

    got = parser.parse(schema, Request(), location="query")
    got["limit"] = 99
    again = parser.parse(schema, Request(), location="query")
    assert again["limit"] == 3
    assert len(parser.memo) == 1
    parser.parse(AuditQuery(), Request(), location="query")
    parser.parse(AuditQuery(), Request(), location="query")
    assert len(parser.memo) == 2  # at most `size`


@pytest.mark.stores("sqlite")
def test_a_query_string_found_declared_is_remembered_per_endpoint(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """api.strict_query: a query string an operation declares is not looked at again for it;
    the same query string is refused by an operation that does not declare it, and an unknown
    parameter is refused every time."""
    monkeypatch.setattr(strict_query, "_accepted", RememberingParser().memo)
    looked: list[Any] = []
    real = strict_query.declared
    monkeypatch.setattr(strict_query, "declared", lambda view: looked.append(view) or real(view))
    url = "?limit=2&as_of=2025-06-01"
    for _ in range(3):
        assert client.get(f"/api/v1/lists/provincial{url}").status_code == 200
    assert len(looked) == 1
    refused = client.get(f"/api/v1/audit-trail{url}", headers=token("auditor"))
    assert refused.status_code == 422 and refused.json["errors"]["query"] == {
        "as_of": [strict_query.UNKNOWN]
    }
    for _ in range(2):
        assert client.get("/api/v1/lists/provincial?limit=2&role=x").status_code == 422
    assert len(looked) == 4
