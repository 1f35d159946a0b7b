"""The console's sign-in and its refusals, on the Flask test client (the pages themselves are
driven in Chromium by tests/console/): a token pasted is checked as the API checks a bearer
token, kept in an HttpOnly, SameSite=Strict cookie, and a page shows the API's own refusal."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import token

pytestmark = pytest.mark.stores("sqlite")


def sign_in(client: FlaskClient, role: str, region: str = "330000") -> str:
    pasted = token(role, region)["Authorization"].removeprefix("Bearer ")
    answer = client.post("/console/sign-in", data={"token": pasted})
    assert answer.status_code == 302
    return answer.headers["Set-Cookie"]


def test_id_3_the_console_asks_for_a_token_first(client: FlaskClient) -> None:
    answer = client.get("/console/lists")
    assert answer.status_code == 302 and answer.headers["Location"] == "/console/sign-in"
    assert "粘贴访问令牌" in client.get("/console/sign-in").get_data(as_text=True)


def test_id_3_a_forged_token_is_refused_at_sign_in(client: FlaskClient) -> None:
    answer = client.post("/console/sign-in", data={"token": "not.a.token"})
    assert answer.status_code == 401
    assert "Set-Cookie" not in answer.headers


def test_id_3_the_token_is_kept_httponly_strict_for_the_console_only(
    client: FlaskClient,
) -> None:
    cookie = sign_in(client, "auditor")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
    assert client.get("/console/lists").status_code == 200
    signed_out = client.post("/console/sign-out")
    assert signed_out.status_code == 302
    assert client.get("/console/lists").status_code == 302


def test_id_3_a_city_sees_the_apis_refusal_for_another_citys_unit(client: FlaskClient) -> None:
    sign_in(client, "city", "330100")
    page = client.get("/console/units/91330400000002128A")
    assert page.status_code == 403
    assert "设区市只能查阅本市的单位" in page.get_data(as_text=True)
    assert client.get("/console/audit").status_code == 403
    assert client.get("/console/supervision").status_code == 403


def test_the_console_speaks_english_on_request(client: FlaskClient) -> None:
    sign_in(client, "inspector")
    client.get("/console/language/en")
    text = client.get("/console/supervision").get_data(as_text=True)
    assert "Supervision" in text and 'lang="en"' in text


def test_id_3_export_links_read_the_api_as_the_signed_in_person(client: FlaskClient) -> None:
    """The tables' export links go through the console, carrying the person's token: what the
    API answers her, no more."""
    sign_in(client, "city", "330100")
    listed = client.get("/console/export/lists/provincial?limit=5")
    assert listed.status_code == 200 and listed.get_json()["level"] == "provincial"
    assert listed.headers["Cache-Control"] == "no-store"  # a signed-in download (issue 14)
    assert client.get("/console/export/audit-trail").status_code == 403
    sign_in(client, "auditor")
    assert client.get("/console/export/audit-trail?limit=1").status_code == 200
