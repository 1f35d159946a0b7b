"""Bad input of every kind (issue 4 "Show"), part two: dates and numbers out of range, strings
too long, oversized and pathological bodies (deep nesting, text no store can keep), invalid or
stale ETags in If-Match, reused or malformed Idempotency-Keys, malformed tokens and bad paths.
Each answer is a 4xx problem+json, and the event count is unchanged."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from api.app import MAX_BODY
from simulation import scenarios as s
from tests.api.bad_input import (
    CODE,
    COMMANDS,
    COMPLAINT,
    CULTIVATE,
    EVALUATE,
    HEADERS,
    NEGATIVE,
    REGISTER,
    ROUND,
    VERIFY,
    Prepared,
    names,
    prepared,
    problem,
    send,
    store_url,
    with_,
)
from tests.api.conftest import event_count, province

__all__ = ["prepared", "store_url"]  # the module's fixtures

OUT_OF_RANGE = [
    ("cultivate", with_(CULTIVATE, occurred_at="1999-12-31T23:59:59+08:00"), "occurred_at"),
    ("cultivate", with_(CULTIVATE, occurred_at="2101-01-01T00:00:00+08:00"), "occurred_at"),
    ("cultivate", with_(CULTIVATE, occurred_at="9999-12-31T23:59:59+14:00"), "occurred_at"),
    ("cultivate", with_(CULTIVATE, occurred_at="0001-01-01T00:00:00-12:00"), "occurred_at"),
    ("cultivate", with_(CULTIVATE, occurred_at="2025-01-02T10:00:00"), "occurred_at"),
    ("cultivate", with_(CULTIVATE, occurred_at="2025-02-30T10:00:00+08:00"), "occurred_at"),
    ("cultivate", with_(CULTIVATE, occurred_at="yesterday"), "occurred_at"),
    ("cultivate", with_(CULTIVATE, year=1999), "year"),
    ("cultivate", with_(CULTIVATE, year=2101), "year"),
    ("cultivate", with_(CULTIVATE, year=10**40), "year"),
    ("negative", with_(NEGATIVE, occurred_on="1999-12-31"), "occurred_on"),
    ("negative", with_(NEGATIVE, occurred_on="2101-01-01"), "occurred_on"),
    ("negative", with_(NEGATIVE, occurred_on="2025-13-01"), "occurred_on"),
    ("negative", with_(NEGATIVE, ended_on="0001-01-01"), "ended_on"),
    ("negative", with_(NEGATIVE, ground="A17.9"), "ground"),
    ("evaluate", with_(EVALUATE, score=100.5), "score"),
    ("evaluate", with_(EVALUATE, score=-1), "score"),
    ("evaluate", with_(EVALUATE, level="global"), "level"),
    ("quota", {"quota": -1}, "quota"),
    ("quota", {"quota": 10_001}, "quota"),
    ("open_round", with_(ROUND, quotas={"999999": 5}), "quotas"),
    ("open_round", with_(ROUND, quotas={"330100": -5}), "quotas"),
    ("verify", with_(VERIFY, outcome="forgiven"), "outcome"),
]


@pytest.mark.parametrize(("name", "body", "field"), OUT_OF_RANGE)
def test_dates_and_numbers_out_of_range_are_refused(
    prepared: Prepared, name: str, body: dict[str, Any], field: str
) -> None:
    before = event_count(prepared.app)
    names(problem(send(prepared, name, json=body), 422), field)
    assert event_count(prepared.app) == before


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_special_numbers_are_refused(prepared: Prepared, number: str) -> None:
    before = event_count(prepared.app)
    text = json.dumps(with_(EVALUATE, score=0)).replace('"score": 0', f'"score": {number}')
    body = send(prepared, "evaluate", data=text, content_type="application/json")
    names(problem(body, 422), "score")
    assert event_count(prepared.app) == before


TOO_LONG = [
    ("register", "name", 201),
    ("negative", "description", 2001),
    ("negative", "source", 201),
    ("complaint", "content", 5001),
    ("complaint", "reporter_name", 101),
    ("verify", "notes", 2001),
    ("enrol", "expert_id", 65),
]


@pytest.mark.parametrize(("name", "field", "length"), TOO_LONG)
def test_strings_too_long_are_refused(
    prepared: Prepared, name: str, field: str, length: int
) -> None:
    before = event_count(prepared.app)
    body = with_(COMMANDS[name].body, **{field: "绿" * length})
    names(problem(send(prepared, name, json=body), 422), field)
    assert event_count(prepared.app) == before


def test_too_many_items_are_refused(prepared: Prepared) -> None:
    before = event_count(prepared.app)
    body = with_(COMPLAINT, evidence=[f"https://e.org/{i}" for i in range(51)])
    names(problem(send(prepared, "complaint", json=body), 422), "evidence")
    assert event_count(prepared.app) == before


# --- bodies: oversized, pathological ----------------------------------------------------------


@pytest.mark.parametrize("name", ["register", "complaint", "verify"])
def test_an_oversized_body_is_too_large(prepared: Prepared, name: str) -> None:
    before = event_count(prepared.app)
    body = with_(COMMANDS[name].body, padding="x" * MAX_BODY)
    problem(send(prepared, name, json=body), 413)
    assert event_count(prepared.app) == before


def test_a_body_announced_too_large_is_refused_before_anything_reads_it(
    prepared: Prepared,
) -> None:
    """Issue 9 item 8: the refusal comes from Content-Length, before authentication (no token
    is sent to an endpoint that needs one) and before the body is read; it closes the
    connection, on which the unread body still is."""
    before = event_count(prepared.app)
    response = prepared.client.post(
        "/api/v1/units", data=b"x" * (MAX_BODY + 1), content_type="application/json"
    )
    body = problem(response, 413)
    assert str(MAX_BODY) in body["detail"]
    assert response.headers["Connection"] == "close"
    assert event_count(prepared.app) == before


@pytest.mark.parametrize("levels", [40, 900, 100_000])
def test_a_body_nested_too_deeply_is_a_bad_request(prepared: Prepared, levels: int) -> None:
    before = event_count(prepared.app)
    deep = "[" * levels + "]" * levels
    text = json.dumps(CULTIVATE)[:-1] + f', "facts": {{"x": {deep}}}}}'
    problem(send(prepared, "cultivate", data=text, content_type="application/json"), 400)
    assert event_count(prepared.app) == before


UNSAFE_TEXT = [
    ("register", '"name": "绿\\u0000色"', "name"),
    ("register", '"name": "\\ud800"', "name"),
    ("cultivate", '"facts": {"x\\u0000": true}', "facts"),
    ("complaint", '"content": "\\udfff举报"', "content"),
]


@pytest.mark.parametrize(("name", "member", "field"), UNSAFE_TEXT)
def test_text_no_store_can_keep_is_refused(
    prepared: Prepared, name: str, member: str, field: str
) -> None:
    """A NUL (PostgreSQL's text refuses it) or a lone surrogate (not UTF-8)."""
    before = event_count(prepared.app)
    text = json.dumps(COMMANDS[name].body)[:-1] + ", " + member + "}"
    body = problem(send(prepared, name, data=text, content_type="application/json"), 422)
    assert f"json.{field}" in body["detail"]
    assert event_count(prepared.app) == before


def test_a_surrogate_pair_is_text(prepared: Prepared) -> None:
    """An escaped pair (an emoji) is ordinary text, not refused as a lone surrogate."""
    text = json.dumps(with_(COMPLAINT, content="🌿 偷排"), ensure_ascii=True)
    response = send(prepared, "complaint", data=text, content_type="application/json")
    assert response.status_code == 201, response.json


# --- headers: If-Match, Idempotency-Key, Authorization ----------------------------------------


@pytest.mark.parametrize("tag", ["abc", '"v1"', 'W/"x"', '"-1"', '"1.5"'])
@pytest.mark.parametrize("name", ["cultivate", "verify"])
def test_an_invalid_etag_in_if_match_fails_the_precondition(
    prepared: Prepared, name: str, tag: str
) -> None:
    before = event_count(prepared.app)
    problem(send(prepared, name, json=COMMANDS[name].body, headers={"If-Match": tag}), 412)
    assert event_count(prepared.app) == before


@pytest.mark.parametrize("name", ["cultivate", "verify"])
def test_a_stale_etag_fails_the_precondition(prepared: Prepared, name: str) -> None:
    before = event_count(prepared.app)
    response = send(prepared, name, json=COMMANDS[name].body, headers={"If-Match": '"9999"'})
    problem(response, 412)
    assert event_count(prepared.app) == before


def test_a_reused_idempotency_key_with_another_body_is_refused(prepared: Prepared) -> None:
    """Within one caller's key space: a token's holder's (an anonymous caller's space is its
    request itself, and so is a filing's, whatever token it came with: issue 14,
    test_reporters_unlinked.py)."""
    key = {"Idempotency-Key": f"bad-input-{uuid.uuid4()}"}
    body = with_(REGISTER, credit_code=s.credit_code(97))
    first = send(prepared, "register", json=body, headers=key)
    assert first.status_code == 201, first.json
    before = event_count(prepared.app)
    problem(send(prepared, "register", json=with_(body, name="另一家工厂"), headers=key), 422)
    elsewhere = prepared.client.post(
        "/api/v1/units?again=1", json=body, headers={**HEADERS["city"], **key}
    )
    problem(elsewhere, 422)
    again = send(prepared, "register", json=body, headers=key)
    assert again.status_code == 201 and again.json == first.json
    assert event_count(prepared.app) == before


@pytest.mark.parametrize("key", ["k" * 256, "中文键", "with space", "tab\tkey"])
def test_an_idempotency_key_that_is_no_token_is_a_bad_request(prepared: Prepared, key: str) -> None:
    before = event_count(prepared.app)
    response = send(prepared, "complaint", json=COMPLAINT, headers={"Idempotency-Key": key})
    problem(response, 400)
    assert event_count(prepared.app) == before


@pytest.mark.parametrize(
    "authorization", ["Bearer", "Bearer not.a.token", "Basic dXNlcjpwYXNz", "bearer  "]
)
def test_a_malformed_token_is_unauthorized(prepared: Prepared, authorization: str) -> None:
    before = event_count(prepared.app)
    response = prepared.client.post(
        "/api/v1/units", json=REGISTER, headers={"Authorization": authorization}
    )
    problem(response, 401)
    assert event_count(prepared.app) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/api/v1/complaints/not-a-uuid/verification"),
        ("PUT", "/api/v1/rounds/municipal/2025/quotas/330100"),
        ("PUT", "/api/v1/rounds/provincial/twenty/quotas/330100"),
        ("POST", "/api/v1/units/{code}/dynamic-forms/provincial/1999/overdue"),
        ("DELETE", "/api/v1/units/{code}"),
    ],
)
def test_a_bad_path_is_a_problem(prepared: Prepared, method: str, path: str) -> None:
    before = event_count(prepared.app)
    response = prepared.client.open(
        path.format(code=CODE), method=method, json={"quota": 1}, headers=province()
    )
    problem(response, 405 if method == "DELETE" else 404)
    assert event_count(prepared.app) == before
