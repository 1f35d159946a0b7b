"""Every read of the API, by a reader, on one unit: for the tests that a filer (a reporter,
A23.1; an objector, A16.1) appears in no read but the recorded identity read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import uuid4

from flask import Flask
from flask.testing import FlaskClient

from domain.service import Greenlist

IDENTITY_READS = ("/disclosures",)
"""The acts that open the filer's identity (POST, for a stated reason, recorded): no GET."""


def every_read(
    app: Flask,
    client: FlaskClient,
    headers: dict[str, str],
    code: str,
    filers: Iterable[str],
    **ids: str,
) -> dict[str, Any]:
    """Every GET operation of the OpenAPI document but the identity reads, with the unit, its
    provincial round of 2025 and its city as parameters (each explained decision of the
    unit), plus the audit trail filtered by each filer: path -> (status, body)."""
    spec = client.get("/api/openapi.json").json
    service: Greenlist = app.extensions["greenlist"].service
    versions = range(1, service.get_unit(code).version + 1)
    params = {
        "code": code,
        "level": "provincial",
        "year": "2025",
        "city": code[2:6] + "00",
        "complaint_id": str(uuid4()),
        "objection_id": str(uuid4()),
        **ids,
    }
    paths = ["/metrics", "/api/openapi.json"]
    for path, operations in spec["paths"].items():
        if "get" not in operations or path.endswith(IDENTITY_READS):
            continue
        concrete = path.replace("{", "{p[").replace("}", "]}")
        if "{version}" in path:
            paths += [concrete.format(p={**params, "version": v}) for v in versions]
        else:
            paths.append(concrete.format(p=params) + "?limit=500" * ("limit" in str(operations)))
    paths += [f"/api/v1/audit-trail?actor={who}" for who in filers]
    answers = {}
    for path in paths:
        response = client.get(path, headers=headers)
        answers[path] = (response.status_code, response.get_data(as_text=True))
    return answers


def assert_no_read_names(
    app: Flask,
    client: FlaskClient,
    code: str,
    secrets: tuple[str, ...],
    filers: Iterable[str],
    readers: Iterable[dict[str, str]],
) -> None:
    """No read by any of `readers`, with the read models caught up, shows any of `secrets`."""
    app.extensions["greenlist_runner"].catch_up()
    answered = 0
    for headers in readers:
        for path, (status, body) in every_read(app, client, headers, code, filers).items():
            for secret in secrets:
                assert secret not in body, (path, headers, secret)
            answered += status == 200
    assert answered > 60
