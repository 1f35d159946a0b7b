"""The read of a unit now is rendered once per version of the unit (domain.service.queries
`unit_now_as`, issue 15 item 4): the same body as a fresh rendering, again without folding
while the unit is unchanged, and a read after a command (or racing with commands in other
threads) shows the version it read, never an older rendering."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import domain.service.queries
from api.schemas.common import plain_of
from domain.aggregates.unit import unit_id
from domain.service.base import fold
from domain.service.views import UnitView
from domain.values import UnitKind
from simulation import scenarios as s
from tests.api.conftest import province
from tests.api.test_reads import service

pytestmark = pytest.mark.stores("sqlite", "postgres")

PARK = s.credit_code(501)
MEMBERS = [s.credit_code(510 + i) for i in range(4)]


def registered(app: Flask, clock: Any) -> Any:
    greenlist = service(app)
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    for code in MEMBERS:
        greenlist.register_unit(s.city_actor(), code, UnitKind.FACTORY, f"成员{code[-4:]}", ())
    greenlist.register_unit(s.city_actor(), PARK, UnitKind.PARK, "示范园区", (MEMBERS[0],))
    return greenlist


def declare(greenlist: Any, i: int) -> None:
    greenlist.declare_park_members(s.city_actor(), PARK, MEMBERS[: 2 + i % 3])


def at_version(greenlist: Any, version: int) -> Any:
    """The unit's view at `version`, folded from its events alone (no snapshot, no memo)."""
    events = list(greenlist.events.get(unit_id(PARK), lte=version))
    return plain_of(UnitView.of(fold(None, events)))


def test_a_unit_read_again_is_not_folded_again_and_a_command_shows_at_once(
    api_app: Flask, clock: Any, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    greenlist = registered(api_app, clock)
    folds: list[Any] = []
    real = domain.service.queries.folded
    monkeypatch.setattr(domain.service.queries, "folded", lambda *a: folds.append(a) or real(*a))
    postgres = api_app.extensions["greenlist"].views.dialect == "postgres"
    url = f"/api/v1/units/{PARK}"
    for i in range(12):  # past a snapshot or two
        first = client.get(url, headers=province())
        again = client.get(url, headers=province())
        version = int(first.headers["ETag"].strip('"'))
        assert first.json["version"] == version
        assert first.data == again.data and again.headers["ETag"] == first.headers["ETag"]
        assert first.json == at_version(greenlist, version)
        # read once, then remembered (after a command: the read after it, below)
        assert len(folds) == (1 if postgres and i == 0 else 0)
        declare(greenlist, i)
        after = client.get(url, headers=province())
        assert int(after.headers["ETag"].strip('"')) == version + 1
        assert after.json == at_version(greenlist, version + 1)
        assert after.json["members"] != first.json["members"]
        assert len(folds) == (1 if postgres and i == 0 else 0) + postgres
        folds.clear()
    assert client.get(f"/api/v1/units/{s.credit_code(599)}", headers=province()).status_code == 404


def test_reads_racing_with_commands_show_the_version_they_read(api_app: Flask, clock: Any) -> None:
    greenlist = registered(api_app, clock)
    seen: list[tuple[int, Any]] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def body(view: UnitView) -> tuple[int, Any]:
        return view.version, plain_of(view)

    def read() -> None:
        try:
            while not done.is_set():
                with api_app.app_context():
                    seen.append(greenlist.unit_now_as(PARK, body))
        except BaseException as error:
            failures.append(error)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for i in range(15):
            declare(greenlist, i)
            version, shown = greenlist.unit_now_as(PARK, body)  # read after the command
            assert shown == at_version(greenlist, version) and shown["version"] == version
            assert version == greenlist.get_unit(PARK).version
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert not failures
    assert len({version for version, _ in seen}) > 1
    for version, shown in seen:
        assert shown == at_version(greenlist, version)


@pytest.mark.stores("postgres")
def test_a_unit_read_again_asks_only_its_latest_version(
    api_app: Flask, clock: Any, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version already rendered is given again after one small look-up (`head_version`),
    without reading the unit's snapshot and events; a new version reads the stream once."""
    greenlist = registered(api_app, clock)
    recorder = greenlist.unwrapped.recorder
    calls: list[str] = []
    for name in ("head_version", "stream_recorded_by"):
        real = getattr(recorder, name)
        monkeypatch.setattr(
            recorder, name, lambda *a, _n=name, _r=real, **k: calls.append(_n) or _r(*a, **k)
        )
    url = f"/api/v1/units/{PARK}"
    first = client.get(url, headers=province())
    assert calls == ["head_version", "stream_recorded_by"]
    calls.clear()
    again = client.get(url, headers=province())
    assert calls == ["head_version"] and again.data == first.data
    declare(greenlist, 0)
    calls.clear()
    after = client.get(url, headers=province())
    assert calls == ["head_version", "stream_recorded_by"]
    assert int(after.headers["ETag"].strip('"')) == int(first.headers["ETag"].strip('"')) + 1
    assert after.json == at_version(greenlist, after.json["version"])
