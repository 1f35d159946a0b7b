"""The change feed of a list (issue 13): its query and its answer. A consumer mirrors a list by
applying the changes in order and resuming from the `cursor` the page gave."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import KINDS, MAX_POSITION, city_field
from api.schemas.log import LogState
from api.schemas.reads import Codes, Instant, Wait, number, text

CHANGES = ("added", "renamed", "pending", "removed")


class ChangeQuery(Wait):
    after = fields.Integer(
        load_default=0,
        validate=validate.Range(0, MAX_POSITION),
        metadata={
            "description": "a log position: the changes recorded after it (the `cursor` of the "
            "previous page; 0 or absent: from the beginning, i.e. from an empty list)",
            "example": 0,
        },
    )
    limit = fields.Integer(
        load_default=100, validate=validate.Range(1, 1000), metadata={"example": 100}
    )
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    city = city_field(load_default=None)


class ListChangeRow(Schema):
    """One change of a list, with the unit's entry as it is after it (as `GET /lists/{level}`
    shows it): `added` puts the entry on the list, `renamed` and `pending` replace it, `removed`
    takes it off (the entry shows the removal's date and rules)."""

    position = fields.Integer(metadata={"description": "the log position of the change's event"})
    change = fields.String(
        validate=validate.OneOf(CHANGES),
        metadata={
            "description": "added: on the list; renamed: listed under a new name (A20.2-3); "
            "pending: a removal decided for the next annual publication (A19); removed: off "
            "the list (A19, A20.3)",
            "example": "added",
        },
    )
    unit_id = text()
    credit_code = text(metadata={"example": "91330100MA2H3K4P79"})
    name = text(metadata={"description": "the name on the list after the change"})
    kind = text()
    city = text(metadata={"example": "330100"})
    level = text()
    year = number()
    listed_on = text(metadata={"description": "the world date of the listing"})
    removed_on = text(metadata={"description": "removed: the date the removal took effect"})
    rules = Codes(metadata={"description": "pending and removed: the removal's rule codes"})
    recorded_at = Instant(metadata={"description": "when the change was recorded"})
    occurred_at = Instant(metadata={"description": "the instant its act states (world time)"})


class ChangePage(Schema):
    """A page of the feed. Resume with `after=<cursor>`: the page holds every change of the
    list up to `cursor`, so the list as of that log position is the mirror after applying it
    (when `more` is false the cursor is the read model's position, past the last change)."""

    level = fields.String(metadata={"example": "provincial"})
    after = fields.Integer(metadata={"description": "the `after` asked", "example": 0})
    cursor = fields.Integer(
        metadata={"description": "pass it as `after` for the next page", "example": 1234}
    )
    more = fields.Boolean(metadata={"description": "true: more changes follow at once"})
    kind = text()
    city = text()
    items = fields.List(fields.Nested(ListChangeRow))
    log = fields.Nested(
        LogState, metadata={"description": "the log the page was derived from (issue 10)"}
    )
