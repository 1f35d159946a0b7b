"""A parameter of one value given twice is refused, never half read (issue 15, found by the
outside attack): `limit=3&limit=x` answered 200 with three rows, the second value never checked,
and `as_of=A&as_of=B` answered the list at A as if B had not been asked."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from marshmallow import Schema, fields

from api.strict_query import REPEATED, _declared
from tests.api.conftest import token

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/v1/lists/provincial?limit=3&limit=x", None),
        ("/api/v1/lists/provincial?limit=3&limit=4", None),
        ("/api/v1/lists/provincial?as_of=2025-01-01&as_of=2026-01-01", None),
        ("/api/v1/announcements?since=2025-01-01&since=2025-01-01", None),
        ("/api/v1/audit-trail?limit=3&limit=x", "auditor"),
        ("/api/v1/units/91330100MA2H3K4P79?as_of=2025-01-01&as_of=x", "province"),
    ],
)
def test_a_parameter_of_one_value_given_twice_is_refused_naming_it(
    client: FlaskClient, path: str, role: str | None
) -> None:
    refused = client.get(path, headers=token(role) if role else {})
    assert refused.status_code == 422 and refused.content_type == PROBLEM
    name = path.split("?")[1].split("=")[0]
    assert refused.json["errors"] == {"query": {name: [REPEATED]}}
    assert name in refused.json["messages"]["en"] and name in refused.json["messages"]["zh"]
    assert "more than once" in refused.json["detail"]


def test_a_repeated_and_an_unknown_parameter_are_both_named(client: FlaskClient) -> None:
    refused = client.get("/api/v1/lists/provincial?limit=3&limit=3&colour=green")
    assert refused.status_code == 422
    assert refused.json["errors"] == {"query": {"colour": ["Unknown field."], "limit": [REPEATED]}}
    assert "colour" in refused.json["detail"] and "limit" in refused.json["detail"]


def test_a_parameter_given_once_is_still_read_and_an_answer_once_refused_stays_refused(
    client: FlaskClient,
) -> None:
    assert client.get("/api/v1/lists/provincial?limit=3").status_code == 200
    for _ in range(2):  # accepted query strings are remembered; a refused one never is
        assert client.get("/api/v1/lists/provincial?limit=3&limit=3").status_code == 422


def test_only_a_list_field_may_repeat() -> None:
    class Query(Schema):
        limit = fields.Integer()
        region = fields.List(fields.String(), data_key="regions")

    def read() -> None: ...

    read._apidoc = {  # type: ignore[attr-defined]
        "arguments": {"parameters": [{"in": "query", "schema": Query}]}
    }
    found: Any = _declared(read)
    assert found == {"limit", "regions"} and found.repeatable == {"regions"}
