"""Custody of reporters' and objectors' sealed data (issue 14; A23.1, A16.1): the disclosure
of an identity, an act with a stated reason; the erasure of the sealed data; the case file."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import Act, Receipt


class Disclose(Schema):
    """A disclosure states its reason. Sent empty (or not at all) it is refused under the
    report's rules (422, A23.1), so the refusal names the rule."""

    reason = fields.String(
        load_default="",
        validate=validate.Length(max=1000),
        metadata={"description": "why the identity is needed (recorded, shown in supervision)"},
    )


class Erase(Act):
    """An order to erase the sealed personal data, with its reason (422 without one)."""

    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class FiledBy(Schema):
    actor_id = fields.String(metadata={"description": "the account that filed (a token's sub)"})
    role = fields.String()
    region = fields.String()


class IdentityOut(Schema):
    """The identity opened by a disclosure; never cached (no-store), never replayed."""

    name = fields.String()
    contact = fields.String()
    filed_by = fields.Nested(FiledBy)
    disclosure = fields.Nested(Receipt, metadata={"description": "the recorded disclosure"})


class CustodyOut(Schema):
    disclosures = fields.Integer(metadata={"description": "disclosures of the identity"})
    erased_on = fields.String(allow_none=True, metadata={"description": "when it was erased"})
    erased_because = fields.String(allow_none=True)


class ComplaintCase(CustodyOut):
    """A report as the handling city works on it: never who filed it."""

    id = fields.UUID()
    target_type = fields.String()
    target_id = fields.UUID()
    city = fields.String()
    accepted = fields.Boolean()
    outcome = fields.String(allow_none=True)
    closed_on = fields.String(allow_none=True)
    statement = fields.String(metadata={"description": "absent once erased"})
    evidence = fields.List(fields.String())


class ObjectionCase(CustodyOut):
    """An objection as the province handles it: never who filed it."""

    id = fields.UUID()
    level = fields.String()
    year = fields.Integer()
    unit_id = fields.UUID()
    registered = fields.Boolean()
    upheld = fields.Boolean(allow_none=True)
    statement = fields.String(metadata={"description": "the grounds; absent once erased"})
    evidence = fields.List(fields.String())
