"""A stored event that cannot be decoded (issue 9 item 7), written straight into the store's
events table (and its timeline index) with the store's own connection, as a faulty migration or
a hand edit would: a topic that names no event class, a state that is not JSON, not an object,
lacks its class's fields, holds a bad transcoding tag, or cannot be applied. Every read of that
unit (now, its history, as of an instant after it) is a 500 problem+json naming the aggregate
and the version, other units read as before; `greenlist projections rebuild` and `run` stop at
it, say which event (aggregate, version, position) and what failed, and exit with a non-zero
code, without a traceback; the runner never skips it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient
from psycopg import sql

from domain.aggregates.unit import unit_id
from domain.clock import SettableClock
from domain.errors import UndecodableEvent
from domain.service import Greenlist
from domain.values import Level, micros
from greenlist import cli
from greenlist.runtime import read_side
from simulation import scenarios as s
from tests.api.conftest import SECRET, enterprise, province

pytestmark = pytest.mark.stores("sqlite", "postgres")

BROKEN = s.credit_code(80)
SOUND = s.credit_code(81)
UNIT = "/api/v1/units/{}"


def service(api_app: Flask) -> Greenlist:
    app: Greenlist = api_app.extensions["greenlist"].service
    return app


def write_row(app: Greenlist, code: str, version: int, topic: str, state: bytes) -> int:
    """The row, inserted with SQL into the events table and the timeline index (recorded one
    second after the clock's now); returns its log position."""
    recorder: Any = app.recorder
    uid = unit_id(code)
    clock = app.clock
    assert isinstance(clock, SettableClock)
    clock.advance(timedelta(seconds=1))
    at = micros(clock.now())
    with recorder.datastore.transaction(commit=True) as cursor:
        if hasattr(recorder, "timeline_table"):  # PostgreSQL
            schema = sql.Identifier(recorder.datastore.schema)
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {}.{} (originator_id, originator_version, topic, state) "
                    "VALUES (%s, %s, %s, %s)"
                ).format(schema, sql.Identifier(recorder.events_table_name)),
                (uid, version, topic, state),
            )
            cursor.execute(
                sql.SQL("INSERT INTO {}.{} VALUES (%s, %s, %s)").format(
                    schema, sql.Identifier(recorder.timeline_table)
                ),
                (uid, version, at),
            )
        else:
            cursor.execute(
                f"INSERT INTO {recorder.events_table_name} "
                "(originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
                (uid.hex, version, topic, state),
            )
            cursor.execute(
                "INSERT INTO greenlist_timeline VALUES (?, ?, ?)", (uid.hex, version, at)
            )
    clock.advance(timedelta(seconds=1))
    return int(app.recorder.max_notification_id() or 0)


def stored_state(app: Greenlist, code: str, version: int) -> dict[str, Any]:
    """The stored JSON state of one of the unit's events, as the store keeps it."""
    (record,) = app.recorder.select_events(unit_id(code), gt=version - 1, lte=version)
    state: dict[str, Any] = json.loads(record.state)
    return state


def provenance(app: Greenlist) -> dict[str, Any]:
    """The stored provenance of the broken unit's cultivation (version 2), without its data."""
    state = stored_state(app, BROKEN, 2)
    for field in ("year", "priority", "facts"):
        state.pop(field)
    return state


Corruption = Callable[[Greenlist], tuple[str, bytes]]
CORRUPTIONS: dict[str, Corruption] = {
    "unknown topic": lambda app: (
        "domain.events.unit:NoSuchEvent",
        json.dumps(provenance(app)).encode(),
    ),
    "topic of no event class": lambda app: ("domain.values:CITIES", b"{}"),
    "state not json": lambda app: ("domain.events.unit:Cultivated", b'{"year": 20'),
    "state not an object": lambda app: ("domain.events.unit:Cultivated", b"[1, 2]"),
    "state lacking fields": lambda app: (
        "domain.events.unit:ParkMembersDeclared",
        json.dumps(provenance(app)).encode(),
    ),
    "bad transcoding tag": lambda app: (
        "domain.events.unit:ParkMembersDeclared",
        json.dumps({**provenance(app), "members": {"_type_": "uuid_hex", "_data_": "zz"}}).encode(),
    ),
    "cannot be applied": lambda app: (
        "domain.events.unit:ParkMembersDeclared",
        json.dumps({**provenance(app), "members": 5}).encode(),  # list(5) in its handler
    ),
}


@pytest.fixture
def units(api_app: Flask) -> Greenlist:
    """Two units of city 330100 registered and cultivated (versions 1 and 2 each)."""
    app = service(api_app)
    for code in (BROKEN, SOUND):
        s.register_and_cultivate(app, code)
    return app


def corrupt(app: Greenlist, kind: str) -> int:
    """Version 3 of the broken unit, written as `kind`; returns its position."""
    topic, state = CORRUPTIONS[kind](app)
    return write_row(app, BROKEN, 3, topic, state)


def assert_names_the_event(response: Any, position: int | None = None) -> None:
    assert response.status_code == 500, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.json
    uid = str(unit_id(BROKEN))
    assert body["status"] == 500 and body["title"]
    assert body["aggregate_id"] == uid and body["version"] == 3
    assert uid in body["detail"] and "version 3" in body["detail"]
    assert uid in body["messages"]["zh"] and "第3版" in body["messages"]["zh"]
    assert uid in body["messages"]["en"]
    if position is not None:
        assert body["position"] == position


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_reads_of_the_unit_fail_naming_the_event_and_other_units_read(
    api_app: Flask, client: FlaskClient, units: Greenlist, kind: str
) -> None:
    before = units.clock.now()
    corrupt(units, kind)
    after = units.clock.now()
    for path in (UNIT, UNIT + "/history"):
        assert_names_the_event(client.get(path.format(BROKEN), headers=province()))
    as_of = client.get(
        UNIT.format(BROKEN), query_string={"as_of": after.isoformat()}, headers=province()
    )
    assert_names_the_event(as_of)
    earlier = client.get(
        UNIT.format(BROKEN), query_string={"as_of": before.isoformat()}, headers=province()
    )
    assert earlier.status_code == 200 and earlier.json["version"] == 2
    for path in (UNIT, UNIT + "/history"):
        assert client.get(path.format(SOUND), headers=province()).status_code == 200


def test_a_command_on_the_unit_fails_naming_the_event_and_records_nothing(
    api_app: Flask, client: FlaskClient, units: Greenlist
) -> None:
    """A copy kept in memory (SQLite's trusted cache) does not know the event: its save
    conflicts with it (409) and drops the copy; from the store the unit is then undecodable."""
    position = corrupt(units, "unknown topic")
    head = units.recorder.max_notification_id()
    body = {
        "level": "municipal",
        "year": 2025,
        "content_hash": s.report_hash("x"),
        "score": 80.0,
        "passed": True,
    }
    url = UNIT.format(BROKEN) + "/evaluations"
    first = client.post(url, json=body, headers=enterprise(BROKEN))
    if first.status_code == 409:
        first = client.post(url, json=body, headers=enterprise(BROKEN))
    assert_names_the_event(first)
    assert units.recorder.max_notification_id() == head == position


# --- the read side: the runner stops there, the command says so ------------------------------


def test_the_runner_applies_what_precedes_the_event_then_stops_there(
    store_url: str, units: Greenlist
) -> None:
    last_sound = int(units.recorder.max_notification_id() or 0)
    position = corrupt(units, "unknown topic")
    s.evaluate(units, SOUND, Level.MUNICIPAL)  # recorded after it: must wait, not be applied
    side = read_side(units, store_url)
    try:
        with pytest.raises(UndecodableEvent) as caught:
            side.runner.catch_up()
        assert (caught.value.aggregate_id, caught.value.version) == (str(unit_id(BROKEN)), 3)
        assert caught.value.position == position
        assert set(side.runner.positions().values()) == {last_sound}
        with pytest.raises(UndecodableEvent):  # again: it never skips the event
            side.runner.run_once()
        assert set(side.runner.positions().values()) == {last_sound}
        with pytest.raises(UndecodableEvent):
            side.runner.rebuild()
        assert set(side.runner.positions().values()) == {last_sound}
    finally:
        side.close()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize("kind", ["unknown topic", "state not json", "state lacking fields"])
def test_projections_rebuild_reports_the_event_and_fails(
    store_url: str, units: Greenlist, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    side = read_side(units, store_url)
    side.runner.catch_up()
    live = side.runner.positions()
    side.close()
    position = corrupt(units, kind)
    code, err = run_cli(capsys, "projections", "rebuild", "--database-url", store_url)
    assert code == cli.EXIT_UNDECODABLE != 0
    uid = str(unit_id(BROKEN))
    assert f"aggregate: {uid}" in err and "version:   3" in err
    assert f"position:  {position}" in err
    assert "failure:" in err and "nothing was swapped in" in err
    assert "Traceback" not in err and "AttributeError" not in err
    side = read_side(units, store_url)
    try:
        now = side.runner.positions()
        assert {k: v for k, v in now.items() if k in live} == live  # the live models untouched
    finally:
        side.close()
    code, err = run_cli(capsys, "projections", "run", "--database-url", store_url)
    assert code == cli.EXIT_UNDECODABLE
    assert f"position:  {position}" in err and "before position" in err


@pytest.mark.stores("sqlite")
def test_the_command_exits_non_zero_without_a_traceback(
    store_url: str, units: Greenlist, tmp_path: Path
) -> None:
    """The real process: exit status 3 and a message, not an AttributeError's traceback."""
    position = corrupt(units, "unknown topic")
    env = {**os.environ, "GREENLIST_JWT_SECRET": SECRET, "GREENLIST_DATABASE_URL": store_url}
    done = subprocess.run(
        [sys.executable, "-m", "greenlist.cli", "projections", "rebuild"],
        env=env,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == cli.EXIT_UNDECODABLE, done.stderr
    assert "Traceback" not in done.stderr
    assert f"aggregate: {UUID(str(unit_id(BROKEN)))}" in done.stderr
    assert f"position:  {position}" in done.stderr
