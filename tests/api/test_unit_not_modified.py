"""A unit read now answers 304 Not Modified to If-None-Match with its version (issue 15 item
4: conditional GETs), after the reader's access is checked; a new version, a read as of an
instant, or another reader's refusal are answered as before."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.values import Level
from simulation import scenarios as s
from tests.api.conftest import enterprise, province
from tests.api.test_reads import service

CODE = s.credit_code(21)


@pytest.mark.stores("sqlite", "postgres")
def test_a_unit_read_now_is_not_sent_again_while_at_the_version_held(
    api_app: Flask, client: FlaskClient
) -> None:
    s.register_and_cultivate(service(api_app), CODE)
    url = f"/api/v1/units/{CODE}"
    first = client.get(url, headers=province())
    tag = first.headers["ETag"]
    again = client.get(url, headers={**province(), "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    weak = client.get(url, headers={**province(), "If-None-Match": f'W/{tag}, "0"'})
    assert weak.status_code == 304
    assert client.get(url, headers={**province(), "If-None-Match": '"0"'}).json == first.json
    # access first: a reader the unit is hidden from is refused, its tag notwithstanding
    other = enterprise(s.credit_code(22))
    assert client.get(url, headers={**other, "If-None-Match": tag}).status_code == 403
    # a read as of an instant: the whole answer
    as_of = client.get(f"{url}?as_of=2030-01-01", headers={**province(), "If-None-Match": tag})
    assert as_of.status_code == 200
    # a new version: the whole answer, its new tag
    s.evaluate(service(api_app), CODE, Level.PROVINCIAL, 2025)
    changed = client.get(url, headers={**province(), "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
