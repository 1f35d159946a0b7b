"""The setting of the bad-input tests (test_bad_input*.py): representative commands with a valid
body each, and one prepared app per store and module (refused input changes nothing, so the tests
may share it): a unit of city 330100 registered and cultivated, the provincial round of 2025
open, an agency and a real-name report handled by city 330100. And the assertion every answer
meets: a 4xx `application/problem+json` (RFC 9457) with status, title, detail, rules and messages
in Chinese and English, naming the bad fields where there are any."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.values import Level
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, province
from tests.api.module_store import module_app, module_store

CODE = s.credit_code(11, "330100")
AGENCY = s.credit_code(12, "330100")
UNREGISTERED = s.credit_code(13, "330100")
BAD_CHECK = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
"""18 characters, the check character wrong (GB 32100-2015): refused under ID.1."""

HEADERS = {
    "city": city("330100"),
    "province": province(),
    "enterprise": enterprise(CODE),
    "public": {},
}
REGISTER = {"credit_code": UNREGISTERED, "kind": "factory", "name": "示范工厂"}
CULTIVATE = {"year": 2025, "facts": s.FACTORY_FACTS}
EVALUATE = {
    "level": "municipal",
    "year": 2025,
    "content_hash": s.report_hash("x"),
    "score": 88.0,
    "passed": True,
}
NEGATIVE = {
    "ground": "A17.4",
    "occurred_on": "2024-06-01",
    "source": "信用中国",
    "description": "x",
}
ROUND = {"level": "national", "year": 2026, "quotas": {"330100": 5}}
COMPLAINT = {
    "target_type": "agency",
    "target_code": AGENCY,
    "reporter_name": "王举报",
    "reporter_contact": "13800000000",
    "evidence": ["https://example.org/1.jpg"],
    "content": "评价报告造假",
    "city": "330100",
}
VERIFY = {"confirmed": False, "outcome": "unfounded"}
ENROL = {"expert_id": "E-B01", "name": "专家", "employer_code": s.credit_code(990)}


@dataclass(frozen=True)
class Command:
    method: str
    path: str
    who: str
    body: dict[str, Any]


COMMANDS = {
    "register": Command("POST", "/api/v1/units", "city", REGISTER),
    "cultivate": Command("POST", "/api/v1/units/{code}/cultivation", "city", CULTIVATE),
    "evaluate": Command("POST", "/api/v1/units/{code}/evaluations", "enterprise", EVALUATE),
    "negative": Command("POST", "/api/v1/units/{code}/negative-records", "city", NEGATIVE),
    "open_round": Command("POST", "/api/v1/rounds", "province", ROUND),
    "quota": Command(
        "PUT", "/api/v1/rounds/provincial/2025/quotas/330100", "province", {"quota": 3}
    ),
    "enrol": Command("POST", "/api/v1/experts", "province", ENROL),
    "complaint": Command("POST", "/api/v1/complaints", "public", COMPLAINT),
    "verify": Command("PUT", "/api/v1/complaints/{complaint}/verification", "city", VERIFY),
}


def with_(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**body, **changes}


def without(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in names}


@pytest.fixture(scope="module")
def store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One store per module (overrides the per-test one), on each store kind."""
    yield from module_store(request, tmp_path_factory)


@dataclass
class Prepared:
    app: Flask
    client: FlaskClient
    params: dict[str, str]


@pytest.fixture(scope="module")
def prepared(store_url: str) -> Iterator[Prepared]:
    app = module_app(store_url)
    service = app.extensions["greenlist"].service
    s.register_and_cultivate(service, CODE)
    s.ensure_round(service, Level.PROVINCIAL, 2025)
    service.register_agency(
        s.PROVINCE_ACTOR, AGENCY, "浙江绿评", "张评", s.representative_id("张评")
    )
    complaint = service.file_complaint(
        s.PUBLIC, "agency", AGENCY, "王举报", "13800000000", ["https://e.org/0"], "造假", "330100"
    )
    yield Prepared(app, app.test_client(), {"code": CODE, "complaint": str(complaint.aggregate_id)})
    service.close()


def send(
    prepared: Prepared, name: str, headers: dict[str, str] | None = None, **kwargs: Any
) -> Any:
    """The command `name` with the given body (`json=` or `data=`), its actor's token added."""
    command = COMMANDS[name]
    return prepared.client.open(
        command.path.format(**prepared.params),
        method=command.method,
        headers={**HEADERS[command.who], **(headers or {})},
        **kwargs,
    )


def problem(response: Any, status: int, rules: tuple[str, ...] = ()) -> dict[str, Any]:
    """A 4xx RFC 9457 problem document of the expected status (and rules, if any)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body: dict[str, Any] = response.json
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert isinstance(body["rules"], list) and set(rules) <= set(body["rules"])
    assert body["messages"]["zh"] and body["messages"]["en"]
    return body


def names(body: dict[str, Any], *fields: str) -> None:
    """Validation errors name each bad field, in `errors` and in the detail (`_schema`: the
    body as a whole, named `json`)."""
    assert set(fields) <= set(body["errors"]["json"]), body
    for field in fields:
        assert ("json" if field == "_schema" else f"json.{field}") in body["detail"]
