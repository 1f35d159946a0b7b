"""Bad input of every kind (issue 4 "Show"), part one: malformed JSON, a body that is not JSON or
not an object, wrong types, unknown and missing fields, bad credit codes. Each answer is a 4xx
problem+json naming the bad fields, and the event count is unchanged. Part two, values out of
range, sizes and headers: test_bad_input_limits.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.bad_input import (
    BAD_CHECK,
    CODE,
    COMMANDS,
    COMPLAINT,
    CULTIVATE,
    ENROL,
    EVALUATE,
    NEGATIVE,
    REGISTER,
    ROUND,
    UNREGISTERED,
    VERIFY,
    Prepared,
    names,
    prepared,
    problem,
    send,
    store_url,
    with_,
    without,
)
from tests.api.conftest import city, event_count

__all__ = ["prepared", "store_url"]  # the module's fixtures

# --- the body is not a JSON object -------------------------------------------------------------

MALFORMED = ["{nope", '{"credit_code": "x",}', '{"year": 2025', "{'year': 2025}", "\ufeff{}"]


@pytest.mark.parametrize("text", MALFORMED)
@pytest.mark.parametrize("name", ["register", "cultivate", "complaint"])
def test_malformed_json_is_a_bad_request(prepared: Prepared, name: str, text: str) -> None:
    before = event_count(prepared.app)
    problem(send(prepared, name, data=text, content_type="application/json"), 400)
    assert event_count(prepared.app) == before


def test_a_body_that_is_not_utf8_is_a_bad_request(prepared: Prepared) -> None:
    before = event_count(prepared.app)
    body = b'{"credit_code": "\xff\xfe", "kind": "factory", "name": "x"}'
    problem(send(prepared, "register", data=body, content_type="application/json"), 400)
    assert event_count(prepared.app) == before


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
@pytest.mark.parametrize("name", ["register", "verify", "complaint"])
def test_a_body_that_is_not_json_is_unsupported(
    prepared: Prepared, name: str, content_type: str
) -> None:
    before = event_count(prepared.app)
    data = json.dumps(COMMANDS[name].body)
    problem(send(prepared, name, data=data, content_type=content_type), 415)
    assert event_count(prepared.app) == before


@pytest.mark.parametrize("document", ["[1, 2]", '"text"', "null", "5", "true"])
def test_a_body_that_is_not_an_object_is_refused(prepared: Prepared, document: str) -> None:
    before = event_count(prepared.app)
    body = problem(send(prepared, "cultivate", data=document, content_type="application/json"), 422)
    names(body, "_schema")
    assert event_count(prepared.app) == before


# --- fields: types, unknown, missing ----------------------------------------------------------

WRONG_TYPES = [
    ("register", with_(REGISTER, credit_code=91330100, kind=1), ("credit_code", "kind")),
    ("register", with_(REGISTER, members="91330100MA2H3K4P79", name=["x"]), ("members", "name")),
    ("cultivate", with_(CULTIVATE, year="2025"), ("year",)),
    ("cultivate", with_(CULTIVATE, year=2025.5, priority="yes"), ("year", "priority")),
    ("cultivate", with_(CULTIVATE, year=True, facts=["manufacturing"]), ("year", "facts")),
    ("evaluate", with_(EVALUATE, score="88", passed=1), ("score", "passed")),
    ("evaluate", with_(EVALUATE, score=True, content_hash=7), ("score", "content_hash")),
    ("negative", with_(NEGATIVE, occurred_on=20240601, source=None), ("occurred_on", "source")),
    ("open_round", with_(ROUND, quotas={"330100": "5"}), ("quotas",)),
    ("open_round", with_(ROUND, quotas=[5], year=None), ("quotas", "year")),
    ("quota", {"quota": "3"}, ("quota",)),
    ("complaint", with_(COMPLAINT, evidence="photo.jpg", city=330100), ("evidence", "city")),
    ("verify", with_(VERIFY, confirmed="false"), ("confirmed",)),
    ("verify", with_(VERIFY, confirmed=0, occurred_at=1735689600), ("confirmed", "occurred_at")),
]


@pytest.mark.parametrize(("name", "body", "fields"), WRONG_TYPES)
def test_wrong_types_are_refused_naming_each_field(
    prepared: Prepared, name: str, body: dict[str, Any], fields: tuple[str, ...]
) -> None:
    before = event_count(prepared.app)
    names(problem(send(prepared, name, json=body), 422), *fields)
    assert event_count(prepared.app) == before


@pytest.mark.parametrize("name", list(COMMANDS))
def test_unknown_fields_are_refused_naming_them(prepared: Prepared, name: str) -> None:
    before = event_count(prepared.app)
    body = with_(COMMANDS[name].body, colour="green", **{"credit-code": "x"})
    names(problem(send(prepared, name, json=body), 422), "colour", "credit-code")
    assert event_count(prepared.app) == before


MISSING = [
    ("register", {}, ("credit_code", "kind", "name")),
    ("cultivate", without(CULTIVATE, "facts"), ("facts",)),
    ("evaluate", without(EVALUATE, "content_hash", "passed"), ("content_hash", "passed")),
    ("negative", without(NEGATIVE, "ground", "occurred_on"), ("ground", "occurred_on")),
    ("open_round", without(ROUND, "quotas"), ("quotas",)),
    ("quota", {}, ("quota", "inputs")),  # A13.2: one basis, derived or by hand
    ("complaint", without(COMPLAINT, "target_type", "content"), ("target_type", "content")),
    ("verify", {}, ("confirmed", "outcome")),
]


@pytest.mark.parametrize(("name", "body", "fields"), MISSING)
def test_missing_required_fields_are_named(
    prepared: Prepared, name: str, body: dict[str, Any], fields: tuple[str, ...]
) -> None:
    before = event_count(prepared.app)
    names(problem(send(prepared, name, json=body), 422), *fields)
    assert event_count(prepared.app) == before


def test_an_empty_body_is_missing_every_required_field(prepared: Prepared) -> None:
    before = event_count(prepared.app)
    body = problem(send(prepared, "register"), 422)
    names(body, "credit_code", "kind", "name")
    assert event_count(prepared.app) == before


# --- values: credit codes, dates and numbers out of range, strings too long --------------------

BAD_CODES = [
    ("register", with_(REGISTER, credit_code=BAD_CHECK), ("ID.1",)),
    ("register", with_(REGISTER, credit_code="91330100MA2H3K4PIO"), ("ID.1",)),
    ("register", with_(REGISTER, kind="park", members=[BAD_CHECK]), ("ID.1",)),
    ("enrol", with_(ENROL, employer_code=BAD_CHECK), ("ID.1",)),
]


@pytest.mark.parametrize(("name", "body", "rules"), BAD_CODES)
def test_a_credit_code_with_a_wrong_check_character_is_refused_under_id1(
    prepared: Prepared, name: str, body: dict[str, Any], rules: tuple[str, ...]
) -> None:
    before = event_count(prepared.app)
    problem(send(prepared, name, json=body), 422, rules)
    assert event_count(prepared.app) == before


@pytest.mark.parametrize(
    "code", ["9133010", CODE + "0", "", "９１３３０１００ＭＡ２Ｈ３Ｋ４Ｐ７９"]
)
def test_a_credit_code_of_the_wrong_length_is_a_field_error(prepared: Prepared, code: str) -> None:
    before = event_count(prepared.app)
    body = problem(send(prepared, "register", json=with_(REGISTER, credit_code=code)), 422)
    if code and len(code) != 18:
        names(body, "credit_code")
    assert event_count(prepared.app) == before


@pytest.mark.parametrize("code", [BAD_CHECK, "not-a-credit-code", UNREGISTERED])
def test_a_command_on_a_unit_that_is_no_valid_code_is_refused(
    prepared: Prepared, code: str
) -> None:
    before = event_count(prepared.app)
    response = prepared.client.post(
        f"/api/v1/units/{code}/cultivation", json=CULTIVATE, headers=city()
    )
    assert 400 <= response.status_code < 500
    problem(response, response.status_code)
    assert event_count(prepared.app) == before
