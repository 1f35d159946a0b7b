"""What a command's body must be before any view reads it (issue 4: bad input of every kind
gets a 4xx problem+json and changes nothing): JSON (415 otherwise, RFC 9110 §15.5.16), nested
no deeper than any schema needs (400), and text that every store can keep: no NUL character,
which PostgreSQL's text refuses, and no lone surrogate, which is not UTF-8 (422). Such input
would otherwise fail the request (500) or, once recorded, every later read or projection of it."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest, UnprocessableEntity, UnsupportedMediaType

MAX_DEPTH = 32
"""Deeper than any body of the API (facts and indicators are two or three levels)."""
WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
SUSPECT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
"""The only ways valid JSON spells a NUL or a surrogate: an escape (a pair is fine)."""
UNSAFE = re.compile("[\x00\ud800-\udfff]")


def survey(document: Any) -> tuple[int, str | None]:
    """How deeply a JSON value nests (a scalar is 0) and where its first unsafe string is
    (`json.field...`), without recursion."""
    deepest, unsafe = 0, None
    stack: list[tuple[Any, int, str]] = [(document, 0, "json")]
    while stack:
        item, level, path = stack.pop()
        if isinstance(item, str):
            if unsafe is None and UNSAFE.search(item):
                unsafe = path
            continue
        if isinstance(item, dict):
            for key, value in item.items():
                if unsafe is None and UNSAFE.search(key):
                    unsafe = path
                stack.append((value, level + 1, f"{path}.{key}"))
        elif isinstance(item, list):
            stack.extend((v, level + 1, f"{path}.{i}") for i, v in enumerate(item))
        else:
            continue
        deepest = max(deepest, level + 1)
    return deepest, unsafe


def check_body() -> None:
    """Before any view (after authentication): a command's non-empty body is JSON, shallow and
    safe text. Malformed JSON is left to the schema's parser (400)."""
    if request.method not in WITH_BODY:
        return
    if not (request.content_length or request.headers.get("Transfer-Encoding")):
        return
    if not request.is_json:
        raise UnsupportedMediaType("the body must be JSON (Content-Type: application/json)")
    data = request.get_data(cache=True)
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH and not SUSPECT.search(data):
        return
    try:
        document = json.loads(data)
    except RecursionError:
        raise BadRequest(f"the JSON body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        return
    deepest, unsafe = survey(document)
    if deepest > MAX_DEPTH:
        raise BadRequest(f"the JSON body nests deeper than {MAX_DEPTH} levels")
    if unsafe:
        raise UnprocessableEntity(
            f"invalid input: {unsafe} holds a NUL character or a lone surrogate"
        )
