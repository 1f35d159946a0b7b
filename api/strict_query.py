"""Unknown query parameters are refused (issue 13 item 6): a misspelt or invented filter
(`role=inspector` on the audit trail) would otherwise be ignored silently and the answer look
filtered when it is not. Every operation's query parameters are those its schemas declare
(`blp.arguments(..., location="query")`); any other is a 422 problem naming it.

A parameter of one value given more than once (`limit=3&limit=x`) is refused the same way
(issue 15, found by the outside attack): the read took the first value and ignored the
others unchecked, so an invalid or contradictory second value (`as_of=A&as_of=B`) went
unnoticed. Only a parameter its schema declares as a list may repeat."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Response, current_app, request
from marshmallow import Schema, fields

from api import problems
from domain.service.stored import Memo

UNKNOWN = "Unknown field."
REPEATED = "Given more than once."


class Declared(frozenset[str]):
    """The query parameter names an operation declares; `repeatable` those that may be given
    more than once (its schema's list fields)."""

    repeatable: frozenset[str] = frozenset()


def declared(view: Any) -> Declared | None:
    """The query parameter names an operation declares, None when it is not an API operation
    (health, metrics, the OpenAPI document and its UI take their own parameters)."""
    method = getattr(getattr(view, "view_class", None), request.method.lower(), None)
    if method is None and request.method == "HEAD":
        method = getattr(getattr(view, "view_class", None), "get", None)
    if method is None:
        return None
    return _declared(method)


@cache
def _declared(method: Any) -> Declared | None:
    """Worked out once per operation (issue 15 item 4: a schema built on every request was a
    tenth of a list read's time)."""
    apidoc = getattr(method, "_apidoc", None)
    if apidoc is None:
        return None
    names: set[str] = set()
    repeatable: set[str] = set()
    for parameter in apidoc.get("arguments", {}).get("parameters", []):
        if parameter.get("in") != "query":
            continue
        schema = parameter["schema"]
        schema = schema() if isinstance(schema, type) else schema
        assert isinstance(schema, Schema)
        for name, field in schema.fields.items():
            if not field.dump_only:
                names.add(field.data_key or name)
                if isinstance(field, fields.List):
                    repeatable.add(field.data_key or name)
    found = Declared(names)
    found.repeatable = frozenset(repeatable)
    return found


ACCEPTED = 2048
"""How many query strings found declared (per endpoint and method) are remembered."""

_accepted: Memo[tuple[str, str, bytes], bool] = Memo(ACCEPTED)


def refuse_unknown_query() -> Response | None:
    """A before-request hook: 422 when the query string holds a parameter the operation does
    not declare, or one of one value more than once, in webargs' own shape
    (`errors.query.<name>`), with zh/en messages. A query string found declared for an
    endpoint and method is remembered, and not parsed again for them (issue 15 item 4: with
    its arguments remembered too, api.query_memo, a read asked again never parses its query
    string)."""
    if not request.query_string or request.endpoint is None:
        return None
    seen = (request.endpoint, request.method, bytes(request.query_string))
    if _accepted.get(seen):
        return None
    names = declared(current_app.view_functions.get(request.endpoint))
    if names is None:
        return None
    unknown = sorted(set(request.args) - names)
    repeated = sorted(
        name
        for name, values in request.args.lists()
        if len(values) > 1 and name in names and name not in names.repeatable
    )
    if not unknown and not repeated:
        _accepted.put(seen, True)
        return None
    errors = {name: [UNKNOWN] for name in unknown} | {name: [REPEATED] for name in repeated}
    en: list[str] = []
    zh: list[str] = []
    if unknown:
        allowed = ", ".join(sorted(names)) or "none"
        en.append(f"unknown query parameter(s): {', '.join(unknown)} (this read takes: {allowed})")
        zh.append(f"未知的查询参数：{'、'.join(unknown)}（此查询可用参数：{allowed}）")
    if repeated:
        en.append(f"given more than once: {', '.join(repeated)} (each takes one value)")
        zh.append(f"查询参数重复：{'、'.join(repeated)}（每个参数只能给一个值）")
    return problems.problem(422, "; ".join(en), "；".join(zh), errors={"query": errors})
