"""Schemas of the public notice (A16.1): the notice as anyone reads it, an objection filed by
anyone under their real name, and the province's registration and decision of it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import KINDS, Act, CreditCode, evidence_field


class FileObjection(Act):
    """A16.1 (+A23.1): an objection to a unit on the proposed list, under the objector's real
    name with contact and evidence. Name, contact and evidence may be sent empty, but the
    objection is then refused under A16.1 and A23.1 (so the refusal names the rules)."""

    credit_code = CreditCode(required=True)
    objector_name = fields.String(load_default="", validate=validate.Length(max=100))
    objector_contact = fields.String(load_default="", validate=validate.Length(max=200))
    evidence = evidence_field()
    grounds = fields.String(required=True, validate=validate.Length(1, 5000))


class RegisterObjection(Act):
    """A16.1: the province registers the objection for handling."""

    summary = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={
            "description": "what the unit's history shows, in the province's own words "
            "(default: a neutral line, never the objector's sealed grounds, issue 14)"
        },
    )


class DecideFiledObjection(Act):
    """A16.1: the province decides a registered objection, with its reasons."""

    upheld = fields.Boolean(required=True)
    reasons = fields.String(required=True, validate=validate.Length(max=2000))


class ObjectorOut(Schema):
    """Who objected: shown only to the province and inspectors, each read recorded (A16.1)."""

    name = fields.String()
    contact = fields.String()


class ObjectionCounts(Schema):
    raised = fields.Integer(metadata={"description": "objections registered for handling"})
    pending = fields.Integer(metadata={"description": "registered, not decided yet"})
    upheld = fields.Integer(metadata={"description": "upheld: the unit is not listed"})
    not_upheld = fields.Integer()


class NoticeUnit(Schema):
    credit_code = fields.String()
    name = fields.String()
    kind = fields.String(validate=validate.OneOf(KINDS))
    city = fields.String()
    stage = fields.String(
        allow_none=True,
        metadata={"description": "under_notice, then listed or withheld at the publication"},
    )
    objections = fields.Nested(ObjectionCounts)


class PublicNoticeOut(Schema):
    """A round's proposed list under public notice (A16.1), never who objected."""

    level = fields.String()
    year = fields.Integer()
    opened_on = fields.Date()
    last_day = fields.Date()
    status = fields.String(validate=validate.OneOf(["open", "closed", "published"]))
    filed = fields.Integer(
        metadata={"description": "objections filed during the notice, registered or not"}
    )
    units = fields.List(fields.Nested(NoticeUnit))


class NoticesOut(Schema):
    items = fields.List(fields.Nested(PublicNoticeOut))
