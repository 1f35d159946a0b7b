"""A read answered as a file: which format the client asked for (`?format=csv|xlsx|json`, else
the `Accept` header; JSON by default), and the streamed response with its file name (an ASCII
`filename` for old clients and `filename*=UTF-8''` with the Chinese one, RFC 6266).

A read that exports calls `wanted()` after its access checks and, when it says a format,
answers `export(...)` with every row its JSON pages would hold for the same filters (no page
limit): the same rows, under the same rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from flask import Response, request, stream_with_context
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.exports import XLSX
from api.exports.tables import Sheet, chunks

MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


def wanted(query: dict[str, Any]) -> str | None:
    """ "csv" or "xlsx" when the client asked for a file, None for JSON."""
    fmt = query.get("format")
    if fmt is None:
        best = request.accept_mimetypes.best_match(
            ["application/json", "text/csv", XLSX], default="application/json"
        )
        fmt = {"text/csv": "csv", XLSX: "xlsx"}.get(best, "json")
    return None if fmt == "json" else fmt


def disposition(ascii_name: str, name: str) -> str:
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def export(fmt: str, names: tuple[str, str], sheets: list[Sheet]) -> Response:
    """The file, streamed; `names` are the file's ASCII and Chinese names, without extension."""
    ascii_name, name = names
    return Response(
        stream_with_context(chunks(fmt, sheets)),
        mimetype=MEDIA[fmt].split(";")[0],
        content_type=MEDIA[fmt],
        headers={
            "Content-Disposition": disposition(f"{ascii_name}.{fmt}", f"{name}.{fmt}"),
            "Vary": "Accept",
            "X-Content-Type-Options": "nosniff",
        },
    )


def exportable(blp: Blueprint, page: type[Schema]) -> Callable[[Any], Any]:
    """Documents a read's CSV and XLSX answers beside its JSON `page` (OpenAPI)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    documented: Callable[[Any], Any] = blp.doc(
        responses={
            "200": {
                "description": "OK: JSON, or with `format=csv|xlsx` (or that `Accept`) every row "
                "of the query as a file (Content-Disposition: attachment)",
                "content": {
                    "application/json": {"schema": page},
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX: binary,
                },
            }
        }
    )
    return documented


PAGE = 1000
"""Rows fetched per query while a large export streams."""


def section(report: Schema, name: str) -> Schema:
    """The row schema of a report's section (a list of nested rows)."""
    field = report.fields[name]
    assert isinstance(field, fields.List) and isinstance(field.inner, fields.Nested)
    return field.inner.schema


def pages(
    fetch: Callable[[Any, int], list[dict[str, Any]]], key: str, after: Any, size: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every row of a keyset-paged read, `size` rows per query (`fetch(after, limit)`), so an
    export of any length holds one page in memory at a time."""
    size = size or PAGE
    while True:
        rows = fetch(after, size)
        yield from rows
        if len(rows) < size:
            return
        after = rows[-1][key]
