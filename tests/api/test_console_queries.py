"""The console checks its pages' query strings as the API checks its reads (found by an outside
attack): a parameter a page does not take, one given twice, or a value it cannot read is a 422
page naming it, never a page silently showing something else; a form's empty "any" value and
the values its own forms send are read as before."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from api.console.queries import PAGES
from tests.api.test_console import sign_in

pytestmark = pytest.mark.stores("sqlite")


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/console/audit?since=2025-06-01&since=garbage", "since"),
        ("/console/audit?bogus=1", "bogus"),
        ("/console/audit?since=garbage", "since"),
        ("/console/audit?basis=sideways", "basis"),
        ("/console/lists?date=2025-12-31&date=zzz", "date"),
        ("/console/lists?date=zzz", "date"),
        ("/console/lists?level=bogus", "level"),
        ("/console/lists/table?city=999999", "city"),
        ("/console/lists?step=x", "step"),
        ("/console/rounds?year=20x5", "year"),
        ("/console/announcements?level=county", "level"),
        ("/console/units/91330100MA2H3K4P79?as_of=yesterday", "as_of"),
        ("/console/supervision?since=2025-01-01&region=330100&region=330200", "region"),
    ],
)
def test_a_page_refuses_a_query_it_cannot_read_naming_it(
    client: FlaskClient, path: str, named: str
) -> None:
    sign_in(client, "inspector")
    page = client.get(path)
    assert page.status_code == 422, path
    assert named in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/console/lists?level=provincial&kind=&city=&basis=recorded&date=",
        "/console/lists?level=national&kind=park&city=330100&basis=world&date=2025-12-31",
        "/console/lists/table?level=provincial&step=0",
        "/console/audit?actor=&region=330100&rule=A17.2&type=&since=2025-01-01&until=&role=city",
        "/console/audit?basis=world&since=2025-01-01T00:00:00%2B08:00",
        "/console/rounds?level=national&year=2025",
        "/console/announcements?level=provincial",
        "/console/deadlines?status=open",
        "/console/supervision?since=2025-01-01&region=",
    ],
)
def test_the_forms_own_queries_are_read_as_before(client: FlaskClient, path: str) -> None:
    sign_in(client, "inspector")
    assert client.get(path).status_code in (200, 404), path  # (404: no such round, the API's)


def test_a_stranger_is_sent_to_sign_in_before_any_check(client: FlaskClient) -> None:
    answer = client.get("/console/lists?level=bogus&level=x")
    assert answer.status_code == 302 and answer.headers["Location"] == "/console/sign-in"


def test_every_console_page_declares_its_query(client: FlaskClient) -> None:
    """A page added without saying what it takes would not be checked at all."""
    app = client.application
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("console.") and "GET" in (rule.methods or ())
    }
    assert pages - {"console.static", "console.export"} == set(PAGES)
