"""The contract: schemathesis drives every operation of /api/openapi.json on the Flask test client
(a seeded SQLite store) with valid and invalid input, and every answer must be in the spec: no
server error, a documented status and media type, a body of the documented schema (errors are
RFC 9457 problem documents, `application/problem+json`), success only with a documented success
status; invalid input refused (4xx), a token required wherever the spec says so, and an
undeclared method answered 405 with Allow. Deterministic: derandomized hypothesis, a fixed seed
and clock, and the module's cases run in order on one worker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.openapi.checks import UndefinedStatusCode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from api.auth import is_public
from domain.clock import SettableClock
from domain.values import Level
from greenlist.web import make_app
from simulation import scenarios as s
from tests.api.conftest import SECRET, province
from tests.on_time import on_time

pytestmark = pytest.mark.xdist_group("openapi_contract")

LISTED = s.credit_code(101, "330100")
CANDIDATE = s.credit_code(102, "330200")
AGENCY = s.credit_code(301, "330100")
KNOWN = {
    "codes": [LISTED, CANDIDATE, AGENCY],
    "levels": ["provincial"],
    "years": [2025, 2026],
    "cities": ["330100", "330200"],
}
"""Values of the seeded state that half of the cases use (the others are generated), so that
reads answer with rows and commands reach the domain's rules."""
BINDINGS = {
    "path.code": "codes",
    "path.level": "levels",
    "path.year": "years",
    "path.city": "cities",
    "body.credit_code": "codes",
    "body.target_code": "codes",
    "body.city": "cities",
    "body.year": "years",
    "body.level": "levels",
}
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20250101,
        "phases": {"coverage": {"enabled": True}},
        "dictionaries": {name: {"values": values} for name, values in KNOWN.items()},
        "parameters": {
            key: {"dictionary": name, "probability": 0.5} for key, name in BINDINGS.items()
        },
    }
)
EXAMPLES = settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def success_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 2xx answer must be one the operation documents: `default` describes the errors (an
    OPTIONS request, which werkzeug answers by itself with Allow, is not the operation)."""
    documented = case.operation.responses.status_codes
    if case.method.upper() != case.operation.method.upper():
        return None
    if 200 <= response.status_code < 300 and str(response.status_code) not in documented:
        raise UndefinedStatusCode(
            operation=case.operation.label,
            status_code=response.status_code,
            defined_status_codes=list(documented),
            allowed_status_codes=[int(c) for c in documented if c.isdigit()],
            message=f"Received: {response.status_code}\nDocumented: {', '.join(documented)}",
        )
    return None


CHECKS = [
    # the answer is in the spec: status, media type, body and documented headers
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    success_documented,
    # the spec is enforced: no success without the token it requires, nor for input it
    # calls invalid; an undeclared method gets 405 with Allow
    ignored_auth,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
]


def seed(app: Flask, clock: SettableClock) -> None:
    """A unit on the provincial list of 2025, a candidate of 2026 in Ningbo, an agency, experts
    and a real-name report: enough state for reads to answer with rows."""
    service = on_time(app.extensions["greenlist"].service)
    clock.set(datetime(2025, 1, 2, tzinfo=UTC))
    s.prepare_candidate(service, LISTED)
    clock.set(datetime(2025, 6, 1, tzinfo=UTC))
    service.list_municipally(s.city_actor(), LISTED, occurred_at=s.at(date(2025, 3, 1)))
    s.ensure_experts(service)
    s.nominate_and_review(service, LISTED, Level.PROVINCIAL)
    s.publish(service, Level.PROVINCIAL)
    clock.set(datetime(2026, 1, 5, tzinfo=UTC))
    s.prepare_candidate(service, CANDIDATE, year=2026)
    s.register_agency(service, 301, "李四")
    service.file_complaint(
        s.PUBLIC,
        "unit",
        LISTED,
        "王五",
        "13800000000",
        ["现场照片"],
        "排放超标",
        city="330100",
    )
    clock.set(datetime(2026, 3, 2, tzinfo=UTC))
    app.extensions["greenlist_runner"].catch_up()


def published_spec() -> dict[str, Any]:
    """The OpenAPI document, read at collection from an app on the in-memory store (the spec
    does not depend on the store; the cases then run against the seeded `contract_app`)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GREENLIST_JWT_SECRET", SECRET)
        app = make_app("memory://", SettableClock(datetime(2025, 1, 1, tzinfo=UTC)), follow=False)
    try:
        spec: dict[str, Any] = app.test_client().get("/api/openapi.json").get_json()
    finally:
        app.extensions["greenlist"].service.close()
    return spec


class SeededApp:
    """The WSGI application the schema's cases (and its checks' probes) are sent to: the
    module's seeded app, once `contract_app` has built it."""

    app: Flask | None = None
    caught_up: int | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        assert self.app is not None, "the contract tests run on the contract_app fixture"
        return self.app(environ, start_response)

    def catch_up(self) -> None:
        """The read models catch up with every command of the cases before (the tests do not
        follow the log in the background); nothing to do while the log has not grown."""
        assert self.app is not None
        head = self.app.extensions["greenlist"].service.recorder.max_notification_id()
        if head != self.caught_up:
            self.app.extensions["greenlist_runner"].catch_up()
            self.caught_up = head


SEEDED = SeededApp()
schema = schemathesis.openapi.from_dict(published_spec(), config=CONFIG)
schema.app = SEEDED


def public(ctx: Any) -> bool:
    """The operations that need no token, by the same table the authentication uses."""
    return is_public(ctx.operation.method.upper(), ctx.operation.path)


@pytest.fixture(scope="module")
def contract_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One seeded SQLite store for the module: its cases run in order on one worker (the
    xdist group), so each run sees the same state."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GREENLIST_JWT_SECRET", SECRET)
        env.delenv("GREENLIST_TEST_CLOCK", raising=False)
        clock = SettableClock(datetime(2025, 1, 1, tzinfo=UTC))
        url = f"sqlite:///{tmp_path_factory.mktemp('contract')}/greenlist.db"
        app = make_app(url, clock, follow=False)
    app.extensions["greenlist"].wait_timeout = 0.2
    seed(app, clock)
    SEEDED.app, SEEDED.caught_up = app, None
    yield app
    SEEDED.app = None
    app.extensions["greenlist"].service.close()


@schema.exclude(path_regex=r"^/api/v1/test/").parametrize()
@EXAMPLES
def test_every_operation_answers_as_documented_for_the_province(
    case: Any, contract_app: Flask
) -> None:
    SEEDED.catch_up()
    case.call_and_validate(headers=province(), checks=CHECKS)


@schema.include(public).parametrize()
@EXAMPLES
def test_the_public_routes_answer_as_documented_without_a_token(
    case: Any, contract_app: Flask
) -> None:
    SEEDED.catch_up()
    response = case.call_and_validate(checks=CHECKS)
    if case.method.upper() == case.operation.method.upper():
        assert response.status_code != 401, f"{case.operation.label} asked for a token"
