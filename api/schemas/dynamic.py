"""Schemas of dynamic management (A17-A21): negative records, yearly forms, changes, removals
and five-yearly re-reviews (accidents, A19.4: api.schemas.accidents)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from api.schemas.common import LEVELS, Act, storable, year_field
from domain.rules.checks import A17_GROUNDS
from domain.rules.dynamic import ChangeKind
from domain.service.dynamic import DEFERRED_GROUNDS

CHANGE_KINDS = [kind.value for kind in ChangeKind]
"""A20.1: a change of name, or a major change of scope, production address or boundary."""


def check_date(value: date) -> None:
    """A business date in the world: a sane range, so a typo is refused, not recorded."""
    if not 2000 <= value.year <= 2100:
        raise ValidationError("the date must be between 2000-01-01 and 2100-12-31")


def date_field(**kwargs: Any) -> fields.Date:
    """An ISO 8601 calendar date (Asia/Shanghai), years 2000-2100."""
    return fields.Date(validate=check_date, **kwargs)


def text(limit: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(1, limit), **kwargs)


class RecordNegative(Act):
    """A17: a ground found by the city (信用中国, inspections, courts ...)."""

    ground = fields.String(required=True, validate=validate.OneOf(sorted(A17_GROUNDS)))
    occurred_on = date_field(required=True)
    ended_on = date_field(
        load_default=None,
        allow_none=True,
        metadata={"description": "only for the continuing grounds A17.1, A17.5, A17.6"},
    )
    source = text(200, required=True, metadata={"example": "信用中国"})
    description = text(2000, required=True)


class EndNegative(Act):
    """A17.1/5/6: a continuing ground ended; the three years run from that date."""

    ended_on = date_field(required=True)


class FormChange(Schema):
    """A20.1: a change declared in the yearly form: name, scope, address or boundary."""

    change_kind = fields.String(required=True, validate=validate.OneOf(CHANGE_KINDS))
    description = text(2000, required=True)
    new_name = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "required for a name change"},
    )


class SubmitForm(Act):
    """A18: the yearly dynamic management form."""

    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    year = year_field(required=True, metadata={"description": "the reporting year"})
    indicators = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 100)),
        required=True,
        validate=[validate.Length(1, 200), storable],
        metadata={
            "description": "the year's key green-manufacturing indicators",
            "example": {"energy_per_output": 0.41, "water_reuse": 0.93},
        },
    )
    changes = fields.List(
        fields.Nested(FormChange),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "A20.1: the changes the form declares, for the city's re-check"},
    )


class DeclareChange(FormChange, Act):
    """A20.1: a change of name, scope, address or boundary (outside the yearly form)."""


class RecheckChange(Act):
    """A20.2: the city's re-check of a declared change."""

    confirmed = fields.Boolean(required=True)
    still_meets_standards = fields.Boolean(required=True)


class DecideRemoval(Act):
    """A19.1-3: removal decided now, effective at the annual publication."""

    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    ground = fields.String(required=True, validate=validate.OneOf(sorted(DEFERRED_GROUNDS)))
    reason = text(2000, required=True)


class RecordRereview(Act):
    """A21: the five-yearly re-review."""

    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    passed = fields.Boolean(required=True)
