"""The documented shape of every error: an RFC 9457 problem document (`application/problem+json`)
with the rule codes (`rules`) and the messages in Chinese and English, as api/problems.py builds
it. Used only by the OpenAPI document (flask-smorest's `ERROR_SCHEMA`)."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields


class ProblemMessages(Schema):
    zh = fields.String(required=True)
    en = fields.String(required=True)


class Problem(Schema):
    """RFC 9457 §3: members beyond the standard ones are extensions (here `rules`, `messages`;
    for invalid input, `errors` naming each bad field by location; for a stored event that
    cannot be decoded, its `aggregate_id`, `version` and `position`)."""

    class Meta:
        unknown = INCLUDE  # RFC 9457 §3.2: problem types may add extension members

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    rules = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "the rule codes refused (rules.md), empty if none"},
    )
    messages = fields.Nested(ProblemMessages, required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={"description": "invalid input: the messages per location, then per field"},
    )
    aggregate_id = fields.String(
        metadata={"description": "a stored event that cannot be decoded (500): its aggregate"}
    )
    version = fields.Integer(
        metadata={"description": "a stored event that cannot be decoded (500): its version"}
    )
    position = fields.Integer(
        allow_none=True,
        metadata={"description": "a stored event that cannot be decoded (500): its log position"},
    )
