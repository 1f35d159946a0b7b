"""Bad input of every kind, part three (issue 9 item 7): values at the edges of what Python and
the stores represent. Instants that overflow when converted to UTC, on every read that takes an
instant; integers of 5,000 digits (Python refuses to parse them) or beyond 64 bits. Each answer
is a 4xx problem+json naming the parameter. The parameters are found in the OpenAPI document,
so that one added later is covered too."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.bad_input import CODE, Prepared, prepared, problem, store_url
from tests.api.conftest import province

__all__ = ["prepared", "store_url"]  # the module's fixtures

PATH_VALUES = {
    "code": CODE,
    "level": "provincial",
    "year": "2025",
    "city": "330100",
    "version": "1",
}
"""A value for each path parameter of the API (an id is a fresh UUID)."""


def document(prepared: Prepared) -> dict[str, Any]:
    doc: dict[str, Any] = prepared.client.get("/api/openapi.json").json
    return doc


def concrete(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: PATH_VALUES.get(m[1], str(uuid.uuid4())), path)


def query_parameters(prepared: Prepared, *kinds: str) -> Iterator[tuple[str, str]]:
    """(path, name) of every query parameter of a read whose type or format is in `kinds`."""
    for path, operations in document(prepared)["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter["in"] == "query" and {schema.get("type"), schema.get("format")} & set(
                kinds
            ):
                yield concrete(path), parameter["name"]


def strict_json(text: str) -> Any:
    """JSON as RFC 8259 has it: NaN and Infinity are not numbers of it."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


# --- reads: instants out of range and integers out of bounds ---------------------------------

EXTREME_INSTANTS = [
    "0000-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00Z",
    "1900-01-01T00:00:00+08:00",
]


def test_the_reads_that_take_an_instant_are_found(prepared: Prepared) -> None:
    found = set(query_parameters(prepared, "date-time"))
    assert (f"/api/v1/units/{CODE}", "as_of") in found
    assert ("/api/v1/lists/provincial", "as_of") in found
    assert len(found) >= 5, found


@pytest.mark.parametrize("instant", EXTREME_INSTANTS)
def test_an_instant_out_of_range_is_refused_on_every_read(prepared: Prepared, instant: str) -> None:
    """Never a 500: 9999-12-31T23:59:59-14:00 parses but overflows in UTC."""
    for path, name in query_parameters(prepared, "date-time"):
        response = prepared.client.get(path, query_string={name: instant}, headers=province())
        body = problem(response, 422)
        assert name in body["errors"]["query"], (path, body)
        assert f"query.{name}" in body["detail"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "0000-01-01", "10000-01-01"])
def test_an_extreme_date_is_never_a_server_error(prepared: Prepared, day: str) -> None:
    found = list(query_parameters(prepared, "date"))
    assert found
    for path, name in found:
        response = prepared.client.get(path, query_string={name: day}, headers=province())
        assert response.status_code < 500, (path, response.get_data(as_text=True))
        if response.status_code >= 400:
            problem(response, response.status_code)


@pytest.mark.parametrize("number", ["9" * 5000, str(2**64), str(2**63), str(-(2**63) - 1)])
def test_an_integer_out_of_bounds_is_refused_on_every_read(prepared: Prepared, number: str) -> None:
    """Every integer of a query string is bounded (positions and offsets to a BIGINT)."""
    found = list(query_parameters(prepared, "integer"))
    assert (f"/api/v1/units/{CODE}/history", "after") in found
    for path, name in found:
        response = prepared.client.get(path, query_string={name: number}, headers=province())
        body = problem(response, 422)
        assert name in body["errors"]["query"], (path, body)
