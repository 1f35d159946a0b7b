"""A large export streams (issue 13 item 2): 100 000 audit-trail rows go out with one page of
rows in memory at a time, fetched a page per query (the first bytes leave after the first
page); the memory an export allocates at its peak does not grow with its rows (tracemalloc)."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.exports import XLSX
from api.exports.http import PAGE
from bench.exports import synthetic_audit_rows
from projections.audit import audit_trail
from tests.api.conftest import token

KIB = 1024


def fill(app: Flask, count: int) -> None:
    """The audit read model holding `count` rows, written straight into its table."""
    app.extensions["greenlist_runner"].catch_up()
    with app.extensions["greenlist"].views.transaction() as tx:
        tx.execute("DELETE FROM audit_trail")
        marks = ", ".join("?" * 16)
        tx.executemany(
            f"INSERT INTO audit_trail VALUES ({marks})", list(synthetic_audit_rows(count))
        )


def get(client: FlaskClient, accept: str) -> Any:
    response = client.get("/api/v1/audit-trail", headers={**token("auditor"), "Accept": accept})
    assert response.status_code == 200
    return response


@pytest.mark.stores("sqlite", "postgres")
def test_100k_audit_rows_stream_a_page_per_query(
    api_app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = 100_000
    fill(api_app, rows)
    fetched: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        found = audit_trail(*args, **kwargs)
        fetched.append(len(found))
        return found

    monkeypatch.setattr("api.resources.audit_trail.audit_trail", counted)
    response = get(client, "text/csv")
    chunks = iter(response.response)
    first = next(chunks) + next(chunks)  # the BOM, then the first rows
    header = first.split(b"\r\n", 1)[0]
    assert header.startswith(b"\xef\xbb\xbftype,") and b",position," in header
    assert fetched == [PAGE]
    lines = first.count(b"\r\n") + sum(chunk.count(b"\r\n") for chunk in chunks)
    response.close()
    assert lines == rows + 1  # the header, then every row
    assert sum(fetched) == rows and max(fetched) == PAGE and len(fetched) == rows // PAGE + 1


def peak(client: FlaskClient, accept: str) -> tuple[int, int]:
    """The bytes of an export and the most memory allocated while it ran."""
    tracemalloc.start()
    try:
        response = get(client, accept)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        return size, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.stores("sqlite")
@pytest.mark.parametrize("accept", ["text/csv", XLSX])
def test_an_exports_peak_memory_does_not_grow_with_its_rows(
    api_app: Flask, client: FlaskClient, accept: str
) -> None:
    fill(api_app, 3 * PAGE)
    small_file, small = peak(client, accept)
    fill(api_app, 12 * PAGE)
    large_file, large = peak(client, accept)
    assert large_file > 3 * small_file  # four times the rows,
    assert large - small < 256 * KIB, (small, large)  # (almost) no more memory at the peak
