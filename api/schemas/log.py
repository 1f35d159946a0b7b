"""Query strings and answers of the verifiable log's reads (api.resources.log). Hashes are
standard padded base64, as in checkpoints (c2sp.org/tlog-checkpoint)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import MAX_POSITION

SIZE = validate.Range(0, MAX_POSITION)


class InclusionQuery(Schema):
    position = fields.Integer(
        required=True,
        validate=validate.Range(1, MAX_POSITION),
        metadata={"description": "the event's log position (an audit-trail row's `position`)"},
    )
    tree_size = fields.Integer(
        load_default=None,
        validate=validate.Range(1, MAX_POSITION),
        metadata={"description": "the tree to prove against (default: the latest checkpoint's)"},
    )
    credit_code = fields.String(
        load_default=None,
        validate=validate.Length(1, 64),
        metadata={"description": "the unit whose event it is (for that unit's readers)"},
    )


class ConsistencyQuery(Schema):
    from_ = fields.Integer(
        data_key="from",
        required=True,
        validate=SIZE,
        metadata={"description": "the size of the earlier tree (an older checkpoint's)"},
    )
    to = fields.Integer(
        required=True,
        validate=SIZE,
        metadata={"description": "the size of the later tree (at most the log's)"},
    )


class LoggedEvent(Schema):
    """The event as stored: what its leaf was computed from (auditlog.offline.entry_bytes)."""

    position = fields.Integer()
    originator_id = fields.String()
    originator_version = fields.Integer()
    topic = fields.String()
    state = fields.String(metadata={"description": "the stored bytes, base64"})


class Withheld(Schema):
    zh = fields.String()
    en = fields.String()


class InclusionOut(Schema):
    position = fields.Integer()
    leaf_index = fields.Integer()
    tree_size = fields.Integer()
    root = fields.String()
    leaf_hash = fields.String()
    proof = fields.List(fields.String())
    event = fields.Nested(LoggedEvent, allow_none=True)
    withheld = fields.Nested(Withheld, allow_none=True)


class ConsistencyOut(Schema):
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    first_root = fields.String()
    second_root = fields.String()
    proof = fields.List(fields.String())


class LogState(Schema):
    """The tree a read was derived from: the read model's log position, the number of leaves
    up to it and their root (ask /api/v1/log/proof/consistency to tie it to a checkpoint)."""

    position = fields.Integer()
    tree_size = fields.Integer()
    root = fields.String()
