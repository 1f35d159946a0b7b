"""Exports (issue 13 item 2): the rows of a read as CSV (UTF-8 with a BOM, for Excel) or XLSX,
streamed. `tables` writes rows (no Flask), `http` answers a read with them; the `format` query
parameter every exporting read takes is here (imported by the query schemas)."""

from __future__ import annotations

from marshmallow import fields, validate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("json", "csv", "xlsx")


def format_field() -> fields.String:
    return fields.String(
        load_default=None,
        validate=validate.OneOf(FORMATS),
        metadata={
            "description": "json (default), csv (UTF-8 with BOM, for Excel) or xlsx: every row "
            "of the query, not one page (instead of an Accept header of text/csv or the xlsx "
            "type)"
        },
    )
