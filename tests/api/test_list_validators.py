"""Lists' validators (api.resources.lists.list_etag), found by an outside attack: two ways a
list's ETag answered 304 for a list that is not the one the client holds.

1. By recorded time now, the ETag is the model's position and the query: with the clock set
   back (the fixtures' clock; an NTP step back in production) the list as of now loses the
   entries recorded after the new now, at the same position, and If-None-Match still gets 304
   (the page itself is right: read without the header, the list is empty). Fixed: a list
   now is validated only while now is at or after every recorded instant its tables hold
   (api.resources.lists.past_the_list); with the clock set back it has no ETag and no 304.
2. Fixed: the query's part of the validator was the digest of the *sorted* parameters, while
   the read took the *first* of a repeated parameter: `as_of=A&as_of=B` and `as_of=B&as_of=A`
   were two lists, and shared one ETag. The digest now keeps a name's values in their order,
   and a parameter of one value given twice is refused before any read (api.strict_query)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.test_sql_rendering import history

__all__ = ["history"]  # the fixture, used here

URL = "/api/v1/lists/provincial?limit=5"


@pytest.mark.stores("sqlite", "postgres")
def test_a_list_now_is_not_304_after_the_clock_is_set_back(
    history: Flask, clock: Any, client: FlaskClient
) -> None:
    first = client.get(URL)
    assert first.status_code == 200 and first.json["total"] == 3
    tag = first.headers["ETag"]
    clock.set(datetime(2024, 1, 1, tzinfo=UTC))  # before the three were recorded
    fresh = client.get(URL)
    assert fresh.status_code == 200 and fresh.json["total"] == 0  # the truth now
    assert "ETag" not in fresh.headers  # now is before acts recorded: no validator holds
    again = client.get(URL, headers={"If-None-Match": tag})
    assert again.status_code == 200, again.headers.get("ETag")  # was 304: the client kept 3
    assert again.json["total"] == 0
    clock.set(datetime(2031, 1, 1, tzinfo=UTC))  # past every act again: validated as before
    later = client.get(URL)
    assert later.json["total"] == 3 and later.headers["ETag"] == tag
    assert client.get(URL, headers={"If-None-Match": tag}).status_code == 304


@pytest.mark.stores("sqlite", "postgres")
def test_two_lists_that_differ_never_share_a_validator(history: Flask, client: FlaskClient) -> None:
    before, after = "as_of=2024-01-01T00:00:00Z", "as_of=2030-01-01T00:00:00Z"
    empty, full = client.get(f"{URL}&{before}"), client.get(f"{URL}&{after}")
    assert (empty.json["total"], full.json["total"]) == (0, 3)
    assert empty.headers["ETag"] != full.headers["ETag"]
    again = client.get(f"{URL}&{after}", headers={"If-None-Match": empty.headers["ETag"]})
    assert again.status_code == 200
    for both in (f"{URL}&{before}&{after}", f"{URL}&{after}&{before}"):  # was one ETag for both
        refused = client.get(both, headers={"If-None-Match": empty.headers["ETag"]})
        assert refused.status_code == 422 and list(refused.json["errors"]["query"]) == ["as_of"]
