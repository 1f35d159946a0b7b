"""A command that lost a race to another act on one of its records (a stale copy, or two writers
sharing a record) is decided again on the records as they are now, instead of answering 409 for
a race the caller could do nothing about but send again (api.commands.decided_afresh). Every
check is made afresh: the rules on the new state, If-Match against the record's version now.
Two services on one real store; the API's keeps copies (`trusted`), the other writes past it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import UnitKind
from greenlist.config import build_service
from simulation import scenarios as s
from tests.api.conftest import city
from tests.on_time import on_time

pytestmark = pytest.mark.stores("sqlite", "postgres")

CODE, MEMBER_A, MEMBER_B, MEMBER_C = (s.credit_code(n) for n in (71, 72, 73, 74))


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The API's service keeps the copies it decided on (one writer assumed)."""
    monkeypatch.setenv("GREENLIST_AGGREGATE_CACHE", "trusted")


@pytest.fixture
def other(store_url: str, clock: SettableClock, trusted: None) -> Iterator[Greenlist]:
    """Another service on the same store: another process, writing past the API's copies."""
    service = build_service(store_url, clock)
    yield on_time(service)
    service.close()


def service_of(api_app: Flask) -> Any:
    return api_app.extensions["greenlist"].service


def declared(service: Any) -> list[list[str]]:
    return [
        e.data["members"] for e in service.unit_history(CODE) if e.type == "ParkMembersDeclared"
    ]


def declare(client: FlaskClient, members: list[str], **headers: str) -> Any:
    return client.put(
        f"/api/v1/units/{CODE}/members",
        json={"members": members},
        headers={**city(CODE[2:6] + "00"), **headers},
    )


@pytest.fixture
def stale(api_app: Flask, client: FlaskClient, other: Greenlist) -> int:
    """The park declared through the API (its copy kept there), then changed by the other
    service: the API's copy is one version behind. The version the API's caller last read."""
    s.register_and_cultivate(service_of(api_app), CODE, UnitKind.PARK)
    first = declare(client, [MEMBER_A])
    assert first.status_code == 200, first.get_json()
    other.declare_park_members(s.city_actor(CODE[2:6] + "00"), CODE, [MEMBER_B])
    return int(first.get_json()["version"])


def test_a_command_decided_on_a_stale_copy_is_decided_again_and_recorded_once(
    api_app: Flask, client: FlaskClient, stale: int
) -> None:
    answer = declare(client, [MEMBER_A, MEMBER_C])
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["version"] == stale + 2
    assert declared(service_of(api_app)) == [[MEMBER_A], [MEMBER_B], sorted([MEMBER_A, MEMBER_C])]


def test_decided_again_if_match_is_checked_against_the_record_now(
    api_app: Flask, client: FlaskClient, stale: int
) -> None:
    """The caller read version `stale`; the record has moved since: 412, nothing recorded."""
    answer = declare(client, [MEMBER_C], **{"If-Match": f'"{stale}"'})
    assert answer.status_code == 412, answer.get_json()
    assert declared(service_of(api_app)) == [[MEMBER_A], [MEMBER_B]]


def test_a_command_that_loses_every_race_is_answered_409_and_records_nothing(
    api_app: Flask, client: FlaskClient, other: Greenlist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other service writes the park between each of the API's reads and its write (a
    hook on the real store's write, before it): three lost races, then 409, zh/en."""
    service = service_of(api_app).unwrapped
    s.register_and_cultivate(service_of(api_app), CODE, UnitKind.PARK)
    store = service.aggregate_store
    write = store.write
    races: list[int] = []

    def write_after_the_other(aggregates: Any, timeline: Any) -> Any:
        races.append(len(races))
        member = s.credit_code(100 + len(races))
        other.declare_park_members(s.city_actor(CODE[2:6] + "00"), CODE, [member])
        return write(aggregates, timeline)

    monkeypatch.setattr(store, "write", write_after_the_other)
    answer = declare(client, [MEMBER_C])
    assert answer.status_code == 409
    problem = answer.get_json()
    assert problem["title"] and problem["detail"]
    assert len(races) == 3
    others = [[s.credit_code(100 + n)] for n in (1, 2, 3)]
    assert declared(service_of(api_app)) == others  # the other's three acts, none of this one
