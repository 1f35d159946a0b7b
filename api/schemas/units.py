"""Schemas of the unit resources."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import KINDS, LEVELS, Act, CreditCode, storable, year_field


class RegisterUnit(Act):
    credit_code = CreditCode(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    members = fields.List(CreditCode(), load_default=list, validate=validate.Length(max=2000))


class DeclareMembers(Act):
    members = fields.List(CreditCode(), required=True, validate=validate.Length(max=2000))


class Cultivate(Act):
    year = year_field(required=True)
    priority = fields.Boolean(load_default=False)
    facts = fields.Dict(
        keys=fields.String(),
        required=True,
        validate=storable,
        metadata={"description": "eligibility facts of A9.1 / A10.1-2 / A11.1-2 by kind"},
    )


class SubmitEvaluation(Act):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    year = year_field(required=True)
    content_hash = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    score = fields.Float(required=True, validate=validate.Range(0, 100))
    passed = fields.Boolean(required=True)


class UnitOut(Schema):
    id = fields.String()
    version = fields.Integer()
    credit_code = fields.String()
    kind = fields.String()
    name = fields.String()
    names = fields.List(fields.String())
    city = fields.String()
    members = fields.List(fields.String())
    standing = fields.Dict()
    negatives = fields.Dict()
    reports = fields.Dict()
    forms = fields.Dict()
    pools = fields.Dict()
    modified_on = fields.String()


class EventOut(Schema):
    version = fields.Integer()
    type = fields.String()
    recorded_at = fields.String()
    occurred_at = fields.String()
    actor_id = fields.String()
    actor_role = fields.String()
    actor_region = fields.String()
    rules = fields.List(fields.String())
    exceptions = fields.List(fields.String())
    ruleset = fields.String()
    justification = fields.String()
    data = fields.Dict()
    why = fields.String(
        metadata={"description": "the decision's why (A29): inputs seen, rules evaluated, outcome"}
    )
    position = fields.Integer(
        allow_none=True,
        metadata={
            "description": "the event's log position: ask /api/v1/log/proof/inclusion for it "
            "to prove the event is in a signed checkpoint's log"
        },
    )


class HistoryOut(Schema):
    items = fields.List(fields.Nested(EventOut))
    next_after = fields.Integer(allow_none=True)
