"""Bad input of every kind, part three (issue 9 item 7): values at the edges of what Python and
the stores represent. Instants that overflow when converted to UTC, on every read that takes an
instant; integers of 5,000 digits (Python refuses to parse them) or beyond 64 bits; the
non-finite numbers Python's json reads (`NaN`, `Infinity`, `1e999`); objects shaped like the
event store's own type tag. Each answer is a 4xx problem+json naming the parameter or the
field, nothing is recorded, and the unit's history stays valid JSON. The parameters and fields
are found in the OpenAPI document, so that one added later is covered too."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from api.schemas import common
from api.schemas.common import Act
from domain.values import UnitKind
from simulation import scenarios as s
from tests.api.bad_input import CODE, CULTIVATE, Prepared, names, prepared, problem, store_url
from tests.api.conftest import city, enterprise, event_count, province

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


# --- commands: numbers no store keeps ---------------------------------------------------------

BAD_NUMBERS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "1" + "0" * 400 + ".5",
    "9" * 5000,
    "-" + "9" * 5000,
    str(2**63),
    str(-(2**63) - 1),
    str(10**30),
]
"""As JSON text: Python's json reads the first six as non-finite floats, refuses the 5,000
digit integers (ValueError: a 500 until now), and the last three fit no BIGINT."""


def numeric_members(prepared: Prepared) -> list[tuple[str, str, str, str]]:
    """(method, path, member, key) of every number in every command body: a number or integer
    field, or a free-form object whose members may be numbers (`key` is then one of them)."""
    doc = document(prepared)
    schemas = doc["components"]["schemas"]
    found = []
    for path, operations in doc["paths"].items():
        for method in ("post", "put"):
            body = operations.get(method, {}).get("requestBody")
            if body is None:
                continue
            ref = body["content"]["application/json"]["schema"]["$ref"]
            for member, spec in schemas[ref.rsplit("/", 1)[-1]]["properties"].items():
                if spec.get("type") in ("number", "integer"):
                    found.append((method.upper(), concrete(path), member, ""))
                elif spec.get("type") == "object":
                    key = "330100" if member == "quotas" else "x"
                    found.append((method.upper(), concrete(path), member, key))
    return found


def actor(path: str) -> dict[str, str]:
    """A token of a role that may run the command (the body is refused before any view looks
    at the role, but so a refusal is not mistaken for a 403)."""
    if path.endswith(("/cultivation", "/nominations")):
        return city()
    if path.endswith(("/evaluations", "/dynamic-forms")):
        return enterprise(CODE)
    return province()


def test_the_commands_that_take_numbers_are_found(prepared: Prepared) -> None:
    found = {(member, key) for _, _, member, key in numeric_members(prepared)}
    expected = {("score", ""), ("year", ""), ("facts", "x"), ("indicators", "x")}
    assert expected | {("quotas", "330100"), ("quota", ""), ("size", "")} <= found


@pytest.mark.parametrize("number", BAD_NUMBERS)
def test_a_number_no_store_keeps_is_refused_in_every_command(
    prepared: Prepared, number: str
) -> None:
    """Refused before any view (the body check), naming the member; nothing recorded."""
    for method, path, member, key in numeric_members(prepared):
        value = f'{{"{key}": {number}}}' if key else number
        text = f'{{"{member}": {value}}}'
        before = event_count(prepared.app)
        response = prepared.client.open(
            path, method=method, data=text, content_type="application/json", headers=actor(path)
        )
        names(problem(response, 422), f"{member}.{key}" if key else member)
        assert event_count(prepared.app) == before


TAGS = [
    {"_type_": "uuid_hex", "_data_": "not-a-uuid"},
    {"_type_": "no_such_transcoding", "_data_": 1},
    {"_type_": "date_iso", "_data_": "2025-01-01"},
]
"""The event store's own tag of a value: recorded in facts, it made the history undecodable
(the first two) or came back as a date (the third)."""


def fresh_unit(prepared: Prepared, serial: int) -> str:
    """A factory of city 330100 registered (not yet cultivated) through the service."""
    code = s.credit_code(serial, "330100")
    service = prepared.app.extensions["greenlist"].service
    service.register_unit(s.city_actor("330100"), code, UnitKind.FACTORY, f"边界工厂{serial}")
    return code


def history(prepared: Prepared, code: str) -> list[dict[str, Any]]:
    """The unit's history over HTTP, read as strict JSON."""
    response = prepared.client.get(f"/api/v1/units/{code}/history", headers=province())
    assert response.status_code == 200, response.get_data(as_text=True)
    items: list[dict[str, Any]] = strict_json(response.get_data(as_text=True))["items"]
    return items


@pytest.mark.parametrize(("serial", "tag"), list(enumerate(TAGS, start=15)))
def test_an_object_shaped_like_the_stores_tag_is_refused(
    prepared: Prepared, serial: int, tag: dict[str, Any]
) -> None:
    """In the facts of a cultivation that is otherwise in order; the history still reads."""
    code = fresh_unit(prepared, serial)
    before = event_count(prepared.app)
    body = {"year": 2025, "facts": {**CULTIVATE["facts"], "evidence": {"x": [tag]}}}
    response = prepared.client.post(f"/api/v1/units/{code}/cultivation", json=body, headers=city())
    names(problem(response, 422), "facts.evidence.x.0")
    assert event_count(prepared.app) == before
    assert [e["type"] for e in history(prepared, code)] == ["UnitRegistered"]


def test_a_refused_number_leaves_the_history_valid_json(prepared: Prepared) -> None:
    """Until now `{"facts": {..., "x": 1e999}}` was recorded and the history came back with
    `Infinity` in it: invalid JSON for every later read."""
    code = fresh_unit(prepared, 14)
    facts = json.dumps(CULTIVATE["facts"])[:-1]
    for number in BAD_NUMBERS:
        before = event_count(prepared.app)
        text = f'{{"year": 2025, "facts": {facts}, "x": {number}}}}}'
        response = prepared.client.post(
            f"/api/v1/units/{code}/cultivation",
            data=text,
            content_type="application/json",
            headers=city(),
        )
        names(problem(response, 422), "facts.x")
        assert event_count(prepared.app) == before
    assert [e["type"] for e in history(prepared, code)] == ["UnitRegistered"]


# --- the schemas on their own: a second line behind the body check ----------------------------


def command_schemas() -> list[type[Act]]:
    found: list[type[Act]] = []
    pending: list[type[Act]] = [Act]
    while pending:
        schema = pending.pop()
        found.append(schema)
        pending.extend(schema.__subclasses__())
    return found


def numeric_fields() -> list[tuple[type[Act], str, bool]]:
    from marshmallow import fields

    return [
        (schema, name, isinstance(field, fields.Dict))
        for schema in command_schemas()
        for name, field in schema._declared_fields.items()
        if isinstance(field, fields.Number | fields.Dict)
    ]


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 10**30, 2**63])
def test_every_command_schema_refuses_a_number_no_store_keeps(value: float) -> None:
    """Loaded from Python values (as if the body check had let them through)."""
    found = numeric_fields()
    assert {name for _, name, _ in found} >= {"score", "facts", "indicators", "quotas"}
    for schema, name, is_object in found:
        errors = schema().validate({name: {"330100": value} if is_object else value})
        assert name in errors, (schema.__name__, name, errors)


@pytest.mark.parametrize("tag", TAGS)
def test_the_free_form_schemas_refuse_the_stores_tag(tag: dict[str, Any]) -> None:
    for schema, name, is_object in numeric_fields():
        if is_object and name != "quotas":
            errors = schema().validate({name: {"x": [tag]}})
            assert name in errors, (schema.__name__, name, errors)


def test_the_schemas_keep_ordinary_values() -> None:
    common.storable({"energy_per_output": 0.41, "co2_t": 180_000, "note": "正常", "on": True})
