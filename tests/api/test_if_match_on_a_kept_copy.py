"""If-Match is judged against the record as stored, not against a copy kept in memory (found by
an outside attack): the caller reads the unit (a read goes to the store: the version now) and
sends that version back in If-Match. The API's kept copy was one version behind, so the act
was refused 412, and every resend too: nothing dropped the copy. Now a kept copy that does not
match is dropped and the record read from the store and judged again (`ServiceBase._expect`)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import city
from tests.api.test_conflicts_decided_afresh import (
    CODE,
    MEMBER_A,
    MEMBER_B,
    MEMBER_C,
    declare,
    declared,
    other,
    service_of,
    stale,
    trusted,
)

__all__ = ["other", "stale", "trusted"]  # the fixtures, used here

pytestmark = pytest.mark.stores("sqlite", "postgres")  # copies kept (trusted): SQLite's default


def test_if_match_with_the_version_a_read_shows_is_honoured_on_a_stale_copy(
    api_app: Flask, client: FlaskClient, stale: int
) -> None:
    read = client.get(f"/api/v1/units/{CODE}", headers=city(CODE[2:6] + "00"))
    assert read.status_code == 200
    now = read.headers["ETag"]
    assert now == f'"{stale + 1}"'  # the read shows the other service's act
    answer = declare(client, [MEMBER_C], **{"If-Match": now})
    assert answer.status_code == 200, answer.get_json()  # was 412 (judged on the copy)
    assert declared(service_of(api_app)) == [[MEMBER_A], [MEMBER_B], [MEMBER_C]]


def test_if_match_refused_on_a_stale_copy_is_not_refused_forever(
    api_app: Flask, client: FlaskClient, stale: int
) -> None:
    """Resending the version the store shows, after a re-read, was refused every time: nothing
    dropped the copy the refusal was judged on."""
    codes = []
    for _ in range(3):
        now = client.get(f"/api/v1/units/{CODE}", headers=city(CODE[2:6] + "00")).headers["ETag"]
        codes.append(declare(client, [MEMBER_C], **{"If-Match": now}).status_code)
    assert 200 in codes, codes
