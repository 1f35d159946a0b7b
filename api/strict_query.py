"""Unknown query parameters are refused (issue 13 item 6): a misspelt or invented filter
(`role=inspector` on the audit trail) would otherwise be ignored silently and the answer look
filtered when it is not. Every operation's query parameters are those its schemas declare
(`blp.arguments(..., location="query")`); any other is a 422 problem naming it."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Response, current_app, request
from marshmallow import Schema

from api import problems
from domain.service.stored import Memo

UNKNOWN = "Unknown field."


def declared(view: Any) -> frozenset[str] | None:
    """The query parameter names an operation declares, None when it is not an API operation
    (health, metrics, the OpenAPI document and its UI take their own parameters)."""
    method = getattr(getattr(view, "view_class", None), request.method.lower(), None)
    if method is None and request.method == "HEAD":
        method = getattr(getattr(view, "view_class", None), "get", None)
    if method is None:
        return None
    return _declared(method)


@cache
def _declared(method: Any) -> frozenset[str] | None:
    """Worked out once per operation (issue 15 item 4: a schema built on every request was a
    tenth of a list read's time)."""
    apidoc = getattr(method, "_apidoc", None)
    if apidoc is None:
        return None
    names: set[str] = set()
    for parameter in apidoc.get("arguments", {}).get("parameters", []):
        if parameter.get("in") != "query":
            continue
        schema = parameter["schema"]
        schema = schema() if isinstance(schema, type) else schema
        assert isinstance(schema, Schema)
        names.update(
            field.data_key or name for name, field in schema.fields.items() if not field.dump_only
        )
    return frozenset(names)


ACCEPTED = 2048
"""How many query strings found declared (per endpoint and method) are remembered."""

_accepted: Memo[tuple[str, str, bytes], bool] = Memo(ACCEPTED)


def refuse_unknown_query() -> Response | None:
    """A before-request hook: 422 when the query string holds a parameter the operation does
    not declare, in webargs' own shape (`errors.query.<name>`), with zh/en messages. A query
    string found declared for an endpoint and method is remembered, and not parsed again for
    them (issue 15 item 4: with its arguments remembered too, api.query_memo, a read asked
    again never parses its query string)."""
    if not request.query_string or request.endpoint is None:
        return None
    seen = (request.endpoint, request.method, bytes(request.query_string))
    if _accepted.get(seen):
        return None
    names = declared(current_app.view_functions.get(request.endpoint))
    if names is None:
        return None
    unknown = sorted(set(request.args) - names)
    if not unknown:
        _accepted.put(seen, True)
        return None
    listed = ", ".join(unknown)
    allowed = ", ".join(sorted(names)) or "none"
    return problems.problem(
        422,
        f"unknown query parameter(s): {listed} (this read takes: {allowed})",
        f"未知的查询参数：{'、'.join(unknown)}（此查询可用参数：{allowed}）",
        errors={"query": {name: [UNKNOWN] for name in unknown}},
    )
