"""What a command's body must be before any view reads it (issue 4: bad input of every kind
gets a 4xx problem+json and changes nothing): JSON (415 otherwise, RFC 9110 §15.5.16), nested
no deeper than any schema needs (400), and values that every store can keep and give back as
JSON (422, naming each bad member):

- text without a NUL character, which PostgreSQL's text refuses, or a lone surrogate, which is
  not UTF-8;
- numbers that are finite and, if integral, within a signed 64-bit integer (issue 9 item 7).
  Python's json reads `NaN`, `Infinity` and `-Infinity`, and reads `1e999` as infinity; a
  non-finite number recorded in an event is written back as `Infinity`, and every later read
  of that history is invalid JSON. An integer of more than 4,300 digits makes Python's own
  parser raise (a 500), and one beyond 64 bits fits no store's BIGINT;
- no object of exactly the members `_type_` and `_data_`: the shape in which the event store
  tags its own values (eventsourcing's JSONTranscoder). Recorded inside free-form facts or
  indicators, such an object is decoded as a tagged value when read back, and a bad one makes
  the whole history undecodable.

Such input would otherwise fail the request (500) or, once recorded, every later read or
projection of it. The schemas (api.schemas.common.json_value) and the domain
(domain.rules.checks.check_storable) refuse the same values again: each layer on its own keeps
them out of the log."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from flask_smorest import abort
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

MAX_DEPTH = 32
"""Deeper than any body of the API (facts and indicators are two or three levels)."""
WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
SUSPECT = re.compile(
    rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})"  # a NUL or a surrogate: escapes (a pair is fine)
    rb"|NaN|Infinity"  # the literals Python's json reads, although JSON has no such numbers
    rb"|[0-9]{16}"  # a long run of digits: maybe an integer beyond 64 bits
    rb"|[eE][+-]?[0-9]{3}"  # an exponent of three digits: maybe beyond a double (1e999)
    rb'|"_type_"'  # maybe the event store's type tag
)
"""Anything that could be a problem below; a body without any is not parsed twice."""
UNSAFE = re.compile("[\x00\ud800-\udfff]")
INT64 = 2**63
RESERVED = frozenset({"_type_", "_data_"})


@dataclass(frozen=True)
class NotStorable:
    """A number as the parser met it, replaced by why no store can keep it."""

    reason: str


def _float(text: str) -> float | NotStorable:
    value = float(text)
    return value if math.isfinite(value) else NotStorable("must be a finite number")


def _int(text: str) -> int | NotStorable:
    """Counts the digits before converting, so that no integer of more than 4,300 digits
    reaches `int` (Python 3.11 raises ValueError there)."""
    if len(text.lstrip("-")) > 19:
        return NotStorable("must be an integer within 64 bits")
    value = int(text)
    return value if -INT64 <= value < INT64 else NotStorable("must be an integer within 64 bits")


def _constant(name: str) -> NotStorable:
    return NotStorable(f"must be a finite number ({name} is not JSON)")


def parse(data: bytes) -> Any:
    """The body as JSON, each number that no store can keep replaced by `NotStorable`."""
    return json.loads(data, parse_float=_float, parse_int=_int, parse_constant=_constant)


@dataclass
class Survey:
    """How deeply a JSON value nests (a scalar is 0) and its members no store can keep, by
    path (`facts.x`; `_schema` for the body itself)."""

    depth: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)

    def refuse(self, path: str, reason: str) -> None:
        self.errors.setdefault(path or "_schema", []).append(reason)


def survey(document: Any) -> Survey:
    """Walks the document without recursion."""
    found = Survey()
    stack: list[tuple[Any, int, str]] = [(document, 0, "")]
    while stack:
        item, level, path = stack.pop()
        if isinstance(item, str):
            if UNSAFE.search(item):
                found.refuse(path, "holds a NUL character or a lone surrogate")
            continue
        if isinstance(item, NotStorable):
            found.refuse(path, item.reason)
            continue
        if isinstance(item, dict):
            if item.keys() == RESERVED:
                found.refuse(path, "an object of exactly _type_ and _data_ is reserved")
            for key, value in item.items():
                if UNSAFE.search(key):
                    found.refuse(path, "a member name holds a NUL character or a lone surrogate")
                stack.append((value, level + 1, f"{path}.{key}" if path else key))
        elif isinstance(item, list):
            stack.extend(
                (v, level + 1, f"{path}.{i}" if path else str(i)) for i, v in enumerate(item)
            )
        else:
            continue
        found.depth = max(found.depth, level + 1)
    return found


def refuse_oversized() -> None:
    """Before anything else, authentication included (issue 9 item 8): a body announced larger
    than MAX_CONTENT_LENGTH is refused from its Content-Length, before a byte of it is read
    (413, with `Connection: close`: the unread body stays on the connection). A chunked body,
    which announces no length, is refused when reading it passes the limit (werkzeug's
    LimitedStream), never read whole into memory."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    length = request.content_length
    if limit is not None and length is not None and length > limit:
        raise RequestEntityTooLarge(
            f"the request body ({length} bytes) is larger than the limit of {limit} bytes"
        )


class UnreadableBody(BadRequest):
    """A body whose framing is broken: where the next request would start is unknown, so the
    answer closes the connection."""

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("Connection", "close")]


def body() -> bytes:
    """The request's body, read once (cached for the views). A chunked body announces no length:
    werkzeug reads it up to MAX_CONTENT_LENGTH and silently stops there, so one byte more is
    asked of the server's stream to tell a body of exactly the limit from a longer one (413,
    issue 9 item 8). A body the server cannot unframe (a malformed chunk: gunicorn raises its
    own parse error from the stream) is a 400, not a 500."""
    try:
        data = request.get_data(cache=True)
        limit = request.max_content_length
        if (
            limit is not None
            and len(data) >= limit
            and request.content_length is None
            and request.environ["wsgi.input"].read(1)
        ):
            raise RequestEntityTooLarge(
                f"the request body is larger than the limit of {limit} bytes"
            )
    except HTTPException:
        raise
    except Exception as error:  # the server's body stream failed: the framing is broken
        raise UnreadableBody(f"the request body could not be read: {error}") from None
    return data


def check_body() -> None:
    """Before any view (after authentication): a command's non-empty body is JSON, shallow and
    made of values every store keeps. Malformed JSON is left to the schema's parser (400)."""
    if request.method not in WITH_BODY or request.blueprint == "console":  # its sign-in form
        return
    if not (request.content_length or request.headers.get("Transfer-Encoding")):
        return
    if not request.is_json:
        raise UnsupportedMediaType("the body must be JSON (Content-Type: application/json)")
    data = body()
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH and not SUSPECT.search(data):
        return
    try:
        document = parse(data)
    except RecursionError:
        raise BadRequest(f"the JSON body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        return
    found = survey(document)
    if found.depth > MAX_DEPTH:
        raise BadRequest(f"the JSON body nests deeper than {MAX_DEPTH} levels")
    if found.errors:
        abort(422, messages={"json": found.errors})
