"""The supervision report's `since`, `until` and `region` apply to every section (issue 13
item 7, A15.2 机关纪委): the exceptions, the rules overridden, late and back-entered acts, the
reads of reporters' identities, activity per actor and the on-site supervision."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import token
from tests.api.test_reports import OFF_LIST, story

__all__ = ["story"]
SECTIONS = ("exceptions", "late_acts", "reporter_reads", "on_site")


def supervision(client: FlaskClient, query: str) -> dict:  # type: ignore[type-arg]
    response = client.get(f"/api/v1/supervision?{query}", headers=token("inspector"))
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def test_a15_2_region_applies_to_every_section(story: Flask, client: FlaskClient) -> None:
    whole = supervision(client, "")
    ningbo = supervision(client, "region=330200")
    (exception,) = ningbo["exceptions"]
    assert exception["credit_code"] == OFF_LIST
    assert [r["rule"] for r in ningbo["overridden_rules"]] == ["A14.2"]
    for section in SECTIONS:
        assert {r["actor_region"] for r in ningbo[section]} <= {"330200"}, section
    assert ningbo["reporter_reads"] == [] and whole["reporter_reads"]  # read by the inspector
    assert {a["actor_region"] for a in ningbo["actor_activity"]} == {"330200"}
    province_wide = supervision(client, "region=330000")
    # the province's own exception: the quotas it opened the round with (A13.2, set by hand)
    assert {e["event_type"] for e in province_wide["exceptions"]} <= {"RoundOpened"}
    assert {r["rule"] for r in province_wide["overridden_rules"]} <= {"A13.2"}
    assert province_wide["reporter_reads"] == whole["reporter_reads"]


def test_a15_2_since_and_until_apply_to_every_section(story: Flask, client: FlaskClient) -> None:
    whole = supervision(client, "")
    nothing = supervision(client, "since=2020-01-01&until=2020-12-31")
    for section in (*SECTIONS, "overridden_rules", "actor_activity"):
        assert nothing[section] == [], section
    window = "since=2026-05-01&until=2026-05-31"
    in_may = supervision(client, window)
    trail = client.get(f"/api/v1/audit-trail?{window}&limit=500", headers=token("auditor"))
    acts = trail.json["items"]
    assert acts and sum(a["events"] for a in in_may["actor_activity"]) == len(acts)
    for section in SECTIONS:
        assert all("2026-05-01" <= r["recorded_at"][:10] <= "2026-05-31" for r in in_may[section])
    assert sum(a["events"] for a in in_may["actor_activity"]) < sum(
        a["events"] for a in whole["actor_activity"]
    )


def test_reads_share_one_field_vocabulary_in_shanghai_time(
    story: Flask, client: FlaskClient
) -> None:
    (row,) = client.get(
        f"/api/v1/audit-trail?unit={OFF_LIST}&limit=1", headers=token("auditor")
    ).json["items"]
    assert row["type"] == row["event_type"] == "UnitRegistered"
    assert row["recorded_at"].endswith("+08:00") and row["occurred_at"].endswith("+08:00")
    assert row["recorded"].endswith("+00:00")  # the deprecated names, as they were
    assert row["why"] == f"/api/v1/units/{OFF_LIST}/decisions/1"
    history = client.get(f"/api/v1/units/{OFF_LIST}/history", headers=token("auditor")).json
    first = history["items"][0]
    assert first["type"] == "UnitRegistered" and first["recorded_at"].endswith("+08:00")
    assert first["why"] == f"/api/v1/units/{OFF_LIST}/decisions/1"
    why = client.get(first["why"], headers=token("auditor"))
    assert why.status_code == 200 and why.json["credit_code"] == OFF_LIST
    exception = supervision(client, "")["exceptions"][0]
    assert exception["type"] == exception["event_type"] and exception["recorded_at"].endswith(
        "+08:00"
    )
