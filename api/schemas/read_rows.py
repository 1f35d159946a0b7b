"""What the reads over the read models answer: one schema per row, and the pages of rows.
Instants are ISO 8601 (UTC), rule codes lists, flags booleans; absent values are null."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from api.schemas.log import LogState
from api.schemas.reads import Codes, Instant, flag, number, text


def paged(row: type[Schema], name: str, total: bool = True) -> type[Schema]:
    """A page of `row`s: `items`, `next_after` (null on the last page) and, by offset, `total`."""
    attrs: dict[str, fields.Field[Any]] = {
        "items": fields.List(fields.Nested(row)),
        "next_after": fields.Integer(allow_none=True),
    }
    if total:
        attrs["total"] = fields.Integer()
    return Schema.from_dict(attrs, name=name)


class ListEntryRow(Schema):
    """A unit on a list at the instant asked, under its name of that instant."""

    unit_id = text()
    credit_code = text()
    name = text()
    kind = text()
    city = text()
    level = text()
    year = number()
    listed_on = text(metadata={"description": "the world date of the listing"})
    listed_at = Instant(metadata={"description": "when the listing was recorded"})
    pending_rules = Codes(
        metadata={"description": "a removal decided for the next annual publication (A19)"}
    )


class ListPage(Schema):
    """A page of a list; `as_of` is the instant every page of this listing is read at."""

    items = fields.List(fields.Nested(ListEntryRow))
    next_after = fields.Integer(allow_none=True)
    total = fields.Integer()
    level = fields.String()
    basis = fields.String()
    as_of = fields.String(metadata={"format": "date-time"})
    kind = text()
    city = text()
    log = fields.Nested(
        LogState,
        metadata={"description": "the log this list was derived from (issue 10)"},
    )


class AnnouncementRow(Schema):
    position = fields.Integer()
    log = fields.Nested(
        LogState,
        metadata={
            "description": "the log up to this announcement's event: prove the event with "
            "/api/v1/log/proof/inclusion at this tree_size"
        },
    )
    kind = text()
    level = text()
    year = number()
    unit_id = text()
    credit_code = text()
    name = text()
    old_name = text()
    city = text()
    on_date = text()
    occurred = Instant()
    recorded = Instant()
    rules = Codes()
    immediate = flag()
    reason = text()
    units = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        allow_none=True,
        metadata={
            "description": "a publication's credit codes: listed, withheld, removed, adjusted"
        },
    )
    text = fields.String(allow_none=True)


AnnouncementPage = paged(AnnouncementRow, "AnnouncementPage", total=False)


class PoolEntryRow(Schema):
    city = text()
    year = number()
    unit_id = text()
    credit_code = text()
    kind = text()
    name = text()
    priority = flag()
    rules = Codes()
    actor_id = text()
    cultivated_at = Instant()
    cultivated_occurred = Instant()
    updated_at = Instant()
    updated_occurred = Instant()


PoolPage = paged(PoolEntryRow, "PoolPage")


class PoolCountRow(Schema):
    city = text()
    year = number()
    units = number()
    priority = number()


class PoolCounts(Schema):
    items = fields.List(fields.Nested(PoolCountRow))


class QuotaUseRow(Schema):
    city = text()
    quota = number()
    used = number()
    remaining = number()


class QuotaUsage(Schema):
    items = fields.List(fields.Nested(QuotaUseRow))


class NominationRow(Schema):
    level = text()
    year = number()
    unit_id = text()
    round_id = text()
    credit_code = text()
    name = text()
    kind = text()
    city = text()
    stage = text()
    stage_at = Instant()
    stage_occurred = Instant()
    nominated_at = Instant()
    nominated_occurred = Instant()
    nominated_by = text()
    exceptions = Codes()
    justification = text()
    preliminary_notes = text()
    panel = fields.List(fields.String(), allow_none=True)
    panel_seed = text()
    panel_draws = number()
    redraw_justification = text()
    expert_score = fields.Float(allow_none=True)
    sampled = flag()
    site_notes = text()
    notice_last_day = text()
    objections_raised = number()
    objections_decided = number()
    objections_upheld = number()
    listed_on = text()
    withheld_rules = Codes()


NominationPage = paged(NominationRow, "NominationPage")


class ObjectionRow(Schema):
    objection_id = text()
    level = text()
    year = number()
    unit_id = text()
    summary = text()
    raised_by = text()
    raised_at = Instant()
    raised_occurred = Instant()
    upheld = flag()
    decided_by = text()
    decided_at = Instant()
    decided_occurred = Instant()
    justification = text()


class ScoreRow(Schema):
    """A drawn expert's score of a unit (A15.2); `corrections` counts the corrections, each
    taken with a written justification (the last one's is shown)."""

    level = text()
    year = number()
    unit_id = text()
    credit_code = text()
    expert_id = text()
    score = fields.Float(allow_none=True)
    opinion = text()
    previous_score = fields.Float(allow_none=True)
    corrections = number()
    justification = text()
    scored_at = Instant()
    scored_occurred = Instant()


ScorePage = paged(ScoreRow, "ScorePage")


class RoundSummaryOut(Schema):
    round_id = text()
    level = text()
    year = number()
    opened_at = Instant()
    opened_occurred = Instant()
    sample_seed = text()
    sample_size = number()
    notice_opened_on = text()
    notice_last_day = text()
    noticed = flag()
    cosigned = fields.List(fields.String())
    published_on = text()
    published_at = Instant()
    listed = number()
    withheld = number()
    removed = number()
    adjusted = number()
    nominated = number()
    stages = fields.Dict(keys=fields.String(), values=fields.Integer())
    quotas = fields.List(fields.Nested(QuotaUseRow))
    objections = fields.List(fields.Nested(ObjectionRow))
    objections_raised = number()
    objections_upheld = number()


class SelectionRateRow(Schema):
    level = text()
    year = number()
    city = text()
    nominated = number()
    listed = number()
    withheld = number()
    published_on = text()
    rate = fields.Float(allow_none=True, metadata={"description": "listed / nominated"})
    final = flag(metadata={"description": "the round is published; before, provisional"})


class SelectionRates(Schema):
    items = fields.List(fields.Nested(SelectionRateRow))
