"""The hottest reads' answers rendered without marshmallow's per-row machinery (issue 15 item
4): each response schema is turned once into a plain function that builds the same JSON value
as `Schema.dump` (the OpenAPI document still describes the answer with the same schema, and
tests/api/test_rendering.py checks the two agree on real rows).

Why: a list page of 100 rows is about 1,000 field values; `Schema.dump` spends ~3 µs on each
(attribute lookup through its accessor, `missing` and default checks, a method call per field
and per nested row), a third of a list read's time. The function reads each row's values with
`dict.get` and converts only what is not already a JSON value. What it cannot do as simply
(schema hooks, fields with a default or their own way of reading a value) it leaves to
marshmallow, field by field, so the answer is always the schema's."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import orjson
from flask import Response, current_app
from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP

Dump = Callable[[Any], Any]
Step = tuple[str, Callable[[Any], Any]]


def render(schema: type[Schema], data: Any, status: int = 200) -> Response:
    """The JSON response of `data` as `schema` dumps it, encoded by orjson: the same JSON as
    flask's provider gives (compact, UTF-8 unescaped, keys in order; what orjson does not
    encode itself, such as dates, goes to the provider's `default`), about ten times as fast
    (a 35 kB audit-trail page: 0.26 ms with the standard library, 0.02 ms)."""
    return json_response(dumper(schema)(data), status)


def json_response(data: Any, status: int = 200) -> Response:
    """`jsonify(data)`, encoded by orjson (see `render`)."""
    return body_response(json_body(data), status)


def json_body(data: Any) -> bytes:
    """The body `json_response(data)` answers with."""
    return orjson.dumps(
        data,
        default=getattr(current_app.json, "default", None),
        option=orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_SUBCLASS
        | orjson.OPT_APPEND_NEWLINE,
    )


def body_response(body: bytes, status: int = 200) -> Response:
    """A JSON response of a body encoded already."""
    return current_app.response_class(body, status=status, mimetype="application/json")


@cache
def dumper(schema: type[Schema]) -> Dump:
    """`schema().dump`, compiled (once per schema class)."""
    return compile_schema(schema())


def compile_schema(schema: Schema) -> Dump:
    """A function giving what `schema.dump(obj)` gives, for a dict `obj` (anything else goes
    to `schema.dump`)."""
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]:
        return schema.dump
    steps = [_step(schema, name, field) for name, field in schema.dump_fields.items()]

    def dump_one(obj: Any) -> Any:
        if type(obj) is not dict:
            return schema.dump(obj, many=False)
        out: dict[str, Any] = {}
        for key, get in steps:
            value = get(obj)
            if value is not missing:
                out[key] = value
        return out

    if schema.many:
        return lambda objs: [dump_one(obj) for obj in objs]
    return dump_one


def reads_plainly(field: fields.Field[Any]) -> bool:
    """Read as marshmallow reads a dict key: no default, no own `get_value` (but for a field
    that reads another key, api.schemas.reads.renamed), no dotted path."""
    get_value = type(field).get_value
    return (
        field.dump_default is missing
        and (get_value is fields.Field.get_value or hasattr(field, "renamed_from"))
        and "." not in (field.attribute or "")
    )


def _step(schema: Schema, name: str, field: fields.Field[Any]) -> Step:
    key = field.data_key if field.data_key is not None else name
    attr = getattr(field, "renamed_from", None) or field.attribute or name
    kind = type(field)
    serialize = field._serialize
    if not field._CHECK_ATTRIBUTE:  # fields.Function, fields.Method: from the whole object
        return key, lambda obj: serialize(None, attr, obj)
    if not reads_plainly(field):
        return key, lambda obj: field.serialize(name, obj, accessor=schema.get_attribute)
    json_value = getattr(field, "json_value", None)
    if json_value is not None:  # the field's own shorter way (api.schemas.reads.Codes)
        return key, _with(attr, json_value)
    if issubclass(kind, fields.String) and kind._serialize is fields.String._serialize:
        return key, _as(str, attr, serialize)
    integer = issubclass(kind, fields.Integer) and kind._serialize is fields.Integer._serialize
    if integer and not field.as_string:  # type: ignore[attr-defined]
        return key, _as(int, attr, serialize)
    if kind is fields.Nested:
        return key, _nested(field, attr)  # type: ignore[arg-type]
    if kind is fields.List and type(field.inner) is fields.Nested:  # type: ignore[attr-defined]
        inner = _nested(field.inner, None)  # type: ignore[attr-defined]
        return key, lambda obj: _each(obj.get(attr, missing), inner)

    def get(obj: dict[str, Any]) -> Any:
        value = obj.get(attr, missing)
        return value if value is missing else serialize(value, attr, obj)

    return key, get


def _with(attr: str, json_value: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def get(obj: dict[str, Any]) -> Any:
        value = obj.get(attr, missing)
        return value if value is missing or value is None else json_value(value)

    return get


def _as(kind: type, attr: str, serialize: Callable[..., Any]) -> Callable[[Any], Any]:
    """A value already of the JSON type (or None) as it is, else the field's conversion."""

    def get(obj: dict[str, Any]) -> Any:
        value = obj.get(attr, missing)
        if value is None or value is missing or type(value) is kind:
            return value
        return serialize(value, attr, obj)

    return get


def _nested(field: fields.Nested, attr: str | None) -> Callable[[Any], Any]:
    """A nested schema's value (a row, or a list of rows with `many`): compiled too."""
    dump = compile_schema(field.schema)
    each = field.many and not field.schema.many

    def convert(value: Any) -> Any:
        if value is None or value is missing:
            return value
        return [dump(v) for v in value] if each else dump(value)

    if attr is None:
        return convert
    return lambda obj: convert(obj.get(attr, missing))


def _each(value: Any, inner: Callable[[Any], Any]) -> Any:
    if value is None or value is missing:
        return value
    return [inner(v) for v in value]
