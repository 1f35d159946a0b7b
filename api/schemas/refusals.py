"""The refusals trail's query and rows (api.refusals, GET /api/v1/refusals)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.read_rows import paged
from api.schemas.reads import NO_NUL, Instant, Paged, instant_field, text
from domain.rules import RULES
from domain.values import Role


class RefusalQuery(Paged):
    actor = fields.String(load_default=None, validate=[validate.Length(1, 100), NO_NUL])
    role = fields.String(load_default=None, validate=validate.OneOf([r.value for r in Role]))
    region = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{6}$"))
    code = fields.String(load_default=None, validate=validate.OneOf(sorted(RULES)))
    since = instant_field("refused at or after (inclusive)", "start")
    until = instant_field("refused before (exclusive)", "next")


class RefusalRow(Schema):
    """One refused act of an official: who, which command on what, the rules and why, when."""

    id = fields.Integer(metadata={"description": "the row's number: `after` for the next page"})
    recorded = Instant()
    actor_id = text()
    actor_role = text()
    actor_region = text()
    command = text()
    target = text(metadata={"description": "the request's path values: a credit code, a round"})
    codes = fields.List(fields.String())
    zh = text()
    en = text()


RefusalPage = paged(RefusalRow, "RefusalPage", total=False)
