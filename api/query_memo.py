"""Query strings parsed once (issue 15 item 4): the hottest reads (a list, the audit trail, a
unit) are asked again and again with the same query string, and turning it into arguments
(webargs' proxy, the schema's fields and validators) was a tenth of their work.

What a query schema gives depends only on the schema and the query string: the schemas of
these reads read neither the clock nor the request (a default "now" is taken by the resource,
after parsing). So the arguments of a query string that loaded without error are remembered
per schema instance and given again (a copy: a resource may change its dict); a query string
that fails is parsed (and refused) every time. Only arguments of immutable values are kept
(a list could be changed in place by whoever got it). Bounded: `QUERIES` strings, least
recently used out first; a query string is at most 4094 bytes (gunicorn's request line)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import Schema
from webargs.core import _UNKNOWN_DEFAULT_PARAM
from webargs.flaskparser import FlaskParser

from domain.service.stored import Memo

QUERIES = 2048
"""How many (schema, query string) pairs a parser remembers the arguments of."""

IMMUTABLE = (str, int, float, bool, datetime, date, type(None))


class RememberingParser(FlaskParser):
    """webargs' Flask parser, remembering the arguments of query strings (see the module)."""

    def __init__(self, size: int = QUERIES) -> None:
        super().__init__()
        self.memo: Memo[tuple[int, bytes], dict[str, Any]] = Memo(size)

    def parse(self, argmap: Any, req: Any = None, **kwargs: Any) -> Any:
        location = kwargs.get("location") or self.location
        unknown = kwargs.get("unknown", _UNKNOWN_DEFAULT_PARAM)
        plain = kwargs.get("validate") is None and unknown is _UNKNOWN_DEFAULT_PARAM
        if location not in ("query", "querystring") or not isinstance(argmap, Schema) or not plain:
            return super().parse(argmap, req, **kwargs)
        request = req if req is not None else self.get_default_request()
        key = (id(argmap), bytes(request.query_string))  # the schema: its decorator's own
        found = self.memo.get(key)
        if found is not None:
            return dict(found)
        parsed = super().parse(argmap, request, **kwargs)
        if isinstance(parsed, dict) and all(isinstance(v, IMMUTABLE) for v in parsed.values()):
            self.memo.put(key, dict(parsed))
        return parsed


QUERY_PARSER = RememberingParser()
"""The parser of the reads that remember their query strings (their blueprints'
`ARGUMENTS_PARSER`)."""
