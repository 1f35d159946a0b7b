"""The API documents who may do each command from the table the service decides by
(domain.rules.jurisdiction, issue 11 item 3), and checks no role of its own.

Each command of the OpenAPI document names the service's command it calls (`x-command`) and
the roles that may do it (`x-roles`, and in words in its description), and those are exactly
the roles the authorization matrix allows it to (tests/api/test_authorization_matrix.py, the
spec): the document, the service and the spec cannot drift apart. If-Match is documented on
exactly the commands whose service command takes the version the caller read."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from domain.rules.jurisdiction import ACTS
from domain.service import Greenlist
from tests.api.test_authorization_matrix import COMMANDS, PUBLIC, ROLES

API = Path(__file__).parents[2] / "api"


def operations(client: FlaskClient) -> dict[tuple[str, str], dict[str, Any]]:
    spec = client.get("/api/openapi.json").json
    assert spec is not None
    return {
        (method.upper(), path): operation
        for path, ops in spec["paths"].items()
        for method, operation in ops.items()
        if method in ("post", "put") and path != "/api/v1/test/clock"
    }


def allowed(command: str) -> set[str]:
    """The roles the matrix lets do `command` (anywhere or on their own), `public` without
    a token."""
    roles = {role for role, acts in ROLES.items() if command in acts.own | acts.anywhere}
    return roles | ({"public"} if command in PUBLIC else set())


@pytest.mark.stores("memory")
def test_each_command_documents_the_roles_the_service_grants_it(client: FlaskClient) -> None:
    documented = operations(client)
    assert set(documented) == {(method, path) for method, path, _ in COMMANDS.values()}
    for command, (method, path, _) in COMMANDS.items():
        operation = documented[(method, path)]
        act = operation["x-command"]
        assert act in ACTS, (command, act)
        assert set(operation["x-roles"]) == allowed(command), command
        assert "Who may" in operation["description"]
        for role in operation["x-roles"]:
            assert role in operation["description"] or role == "public"
        takes_version = "expected_version" in inspect.signature(getattr(Greenlist, act)).parameters
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert ("If-Match" in headers) == takes_version, command


def test_the_api_decides_no_role_and_computes_no_aggregate_id() -> None:
    """Who may act is the service's (the test clock, a test-only facility of the API, aside);
    which record a command acts on too: no module of commands computes an aggregate id."""
    modules = sorted((API / "resources").glob("*.py"))
    with_commands = [m for m in modules if "@command(" in m.read_text(encoding="utf-8")]
    # issue 12: miit.py (A16.3), accidents.py (A19.4, A23.2), notices.py and objections.py (A16.1)
    assert len(with_commands) == 11
    for module in modules:
        source = module.read_text(encoding="utf-8")
        if module.name != "test_clock.py":
            assert "require(" not in source, module.name
        if module in with_commands:
            for computed in ("unit_id", "round_id", "agency_id", "POOL_ID"):
                assert computed not in source, (module.name, computed)
