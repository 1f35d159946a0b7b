"""The public reads over HTTP: the lists as of any instant (recorded and world time, pages
read at one instant), the announcements, and read-your-writes with `wait_for`."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s
from tests.api.conftest import city, event_count

PROBLEM = "application/problem+json"


def service(app: Flask) -> Greenlist:
    greenlist: Greenlist = app.extensions["greenlist"].service
    return greenlist


def catch_up(app: Flask) -> None:
    app.extensions["greenlist_runner"].catch_up()


def iso(year: int, month: int, day: int) -> str:
    return datetime(year, month, day, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def codes(response: object) -> list[str]:
    return [item["credit_code"] for item in response.json["items"]]  # type: ignore[attr-defined]


def listed_then_removed(app: Flask, clock: SettableClock, code: str) -> None:
    """Registered in January; on the municipal list from 1 March (entered on 1 June, back-dated);
    listed provincially by the publication of 16 September (recorded that day: no act is dated
    after its recording); an A17.4 ground recorded on 1 November (removal pending, A19.1);
    removed by the annual publication of 16 September 2026."""
    greenlist = service(app)
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    s.prepare_candidate(greenlist, code)
    clock.set(datetime(2025, 6, 1, tzinfo=UTC))
    greenlist.list_municipally(s.city_actor(), code, occurred_at=s.at(date(2025, 3, 1)))
    s.ensure_experts(greenlist)
    s.nominate_and_review(greenlist, code, Level.PROVINCIAL)
    s.publish(greenlist, Level.PROVINCIAL)
    clock.set(datetime(2025, 11, 1, tzinfo=UTC))
    greenlist.record_negative_record(
        s.city_actor(), code, "A17.4", date(2025, 10, 20), "督查", "严重问题"
    )
    clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    s.annual_publication(greenlist, 2026)
    catch_up(app)


def test_the_public_reads_a_list_as_of_three_instants(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    code = s.credit_code(1)
    listed_then_removed(api_app, clock, code)
    before = client.get(f"/api/v1/lists/provincial?as_of={iso(2025, 9, 15)}")  # under notice
    assert before.status_code == 200 and before.json["items"] == []
    assert before.json["as_of"].startswith("2025-09-15T00:00:00")
    listed = client.get(f"/api/v1/lists/provincial?as_of={iso(2025, 10, 1)}")
    assert codes(listed) == [code]
    (entry,) = listed.json["items"]
    assert entry["listed_on"] == "2025-09-16" and entry["listed_at"].startswith("2025-09-16")
    assert entry["level"] == "provincial" and entry["kind"] == "factory" and entry["name"]
    assert entry["pending_rules"] is None
    pending = client.get(f"/api/v1/lists/provincial?as_of={iso(2025, 12, 1)}")
    assert "A19.1" in pending.json["items"][0]["pending_rules"]
    still = client.get(f"/api/v1/lists/provincial?as_of={iso(2026, 9, 15)}")
    assert codes(still) == [code] and "A19.1" in still.json["items"][0]["pending_rules"]
    removed = client.get(f"/api/v1/lists/provincial?as_of={iso(2026, 9, 17)}")
    assert removed.status_code == 200 and removed.json["items"] == []
    assert client.get("/api/v1/lists/provincial").json["items"] == []


def test_the_world_basis_shows_what_was_in_force(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    code = s.credit_code(2)
    listed_then_removed(api_app, clock, code)
    world = "/api/v1/lists/provincial?basis=world&as_of="
    assert client.get(world + iso(2025, 9, 1)).json["items"] == []
    assert codes(client.get(world + iso(2025, 10, 1))) == [code]
    assert client.get(world + iso(2026, 10, 1)).json["items"] == []
    municipal = client.get(f"/api/v1/lists/municipal?basis=world&as_of={iso(2025, 3, 2)}")
    assert codes(municipal) == [code]


def test_pages_of_a_list_are_read_at_one_instant_and_filters_apply(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    hangzhou = [s.credit_code(n) for n in (3, 4, 5)]
    ningbo = s.credit_code(6, "330200")
    s.list_provincially_together(service(api_app), *hangzhou, ningbo)
    catch_up(api_app)
    first = client.get("/api/v1/lists/provincial?limit=2")
    assert first.status_code == 200
    assert first.json["total"] == 4 and first.json["next_after"] == 2
    assert codes(first) == sorted(hangzhou)[:2]
    as_of = first.json["as_of"].replace("+00:00", "Z")
    clock.set(datetime(2026, 1, 2, tzinfo=UTC))
    s.list_provincially(service(api_app), s.credit_code(7), year=2026)  # a later listing
    catch_up(api_app)
    rest = client.get(f"/api/v1/lists/provincial?limit=2&after=2&as_of={as_of}")
    assert codes(rest) == [sorted(hangzhou)[2], ningbo] and rest.json["next_after"] is None
    assert codes(client.get("/api/v1/lists/provincial?city=330200")) == [ningbo]
    assert client.get("/api/v1/lists/provincial?kind=park").json["items"] == []


def test_bad_list_queries_are_problems(api_app: Flask, client: FlaskClient) -> None:
    before = event_count(api_app)
    unknown = client.get("/api/v1/lists/county")
    assert unknown.status_code == 404 and unknown.content_type == PROBLEM
    naive = client.get("/api/v1/lists/provincial?as_of=2025-01-01T00:00:00&basis=dream")
    assert naive.status_code == 422 and naive.content_type == PROBLEM
    assert set(naive.json["errors"]["query"]) == {"as_of", "basis"}
    assert naive.json["messages"]["zh"] and naive.json["messages"]["en"]
    forged = client.get("/api/v1/lists/provincial", headers={"Authorization": "Bearer nope"})
    assert forged.status_code == 401 and forged.content_type == PROBLEM
    assert event_count(api_app) == before


def test_the_public_reads_the_announcements_newest_first(
    api_app: Flask, client: FlaskClient, clock: SettableClock
) -> None:
    code = s.credit_code(8)
    listed_then_removed(api_app, clock, code)
    response = client.get("/api/v1/announcements")
    assert response.status_code == 200
    items = response.json["items"]
    assert [(i["kind"], i["level"]) for i in items] == [
        ("removal", "provincial"),
        ("removal", "municipal"),
        ("publication", "provincial"),
        ("publication", "provincial"),
    ]
    assert items[0]["credit_code"] == code and "A19.1" in items[0]["rules"]
    assert items[0]["immediate"] is False and items[0]["recorded"].startswith("2026-09-16")
    assert items[0]["on_date"] == "2026-09-16" and items[0]["text"]
    assert items[3]["units"]["listed"] == [code] and code in items[2]["units"]["removed"]
    first = client.get("/api/v1/announcements?kind=publication&limit=1")
    assert first.json["items"] == [items[2]] and first.json["next_after"] == items[2]["position"]
    after = first.json["next_after"]
    rest = client.get(f"/api/v1/announcements?kind=publication&limit=1&after={after}")
    assert rest.json["items"] == [items[3]] and rest.json["next_after"] is None
    since = client.get("/api/v1/announcements?since=2026-01-01&level=provincial")
    assert [i["kind"] for i in since.json["items"]] == ["removal", "publication"]
    bad = client.get("/api/v1/announcements?kind=gossip")
    assert bad.status_code == 422 and "kind" in bad.json["errors"]["query"]


def test_a_read_waits_for_a_position_and_answers_503_when_the_runner_is_behind(
    api_app: Flask, client: FlaskClient
) -> None:
    api_app.extensions["greenlist"].wait_timeout = 0.05
    code = s.credit_code(9)
    receipt = client.post(
        "/api/v1/units",
        json={"credit_code": code, "kind": "factory", "name": "绿色工厂"},
        headers=city(),
    ).json
    position = receipt["position"]
    for path in ("/api/v1/lists/municipal", "/api/v1/announcements"):
        behind = client.get(f"{path}?wait_for={position}")
        assert behind.status_code == 503 and behind.content_type == PROBLEM
        assert behind.headers["Retry-After"] == "1"
        assert behind.json["messages"]["zh"] and str(position) in behind.json["detail"]
    pools = client.get(f"/api/v1/pools/330100/2025?wait_for={position}", headers=city())
    assert pools.status_code == 503 and pools.content_type == PROBLEM
    catch_up(api_app)
    caught_up = client.get(f"/api/v1/lists/municipal?wait_for={position}")
    assert caught_up.status_code == 200 and caught_up.json["items"] == []
    assert client.get(f"/api/v1/announcements?wait_for={position}").status_code == 200
