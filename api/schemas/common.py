"""Fields and schemas shared by the resources."""

from __future__ import annotations

import re
from dataclasses import fields as dc_fields
from dataclasses import is_dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from domain.rules.checks import UNSTORABLE, unstorable
from domain.values import CITIES, Level, UnitKind, local_midnight

LEVELS = [level.value for level in Level]
KINDS = [kind.value for kind in UnitKind]


class CreditCode(fields.String):
    """An 18-character unified social credit code (checked fully by the domain, ID.1)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            validate=validate.Length(equal=18), metadata={"example": "91330100MA2H3K4P79"}, **kwargs
        )


def check_instant(value: datetime) -> None:
    """A sane world time: years 2000-2100 (an extreme instant would overflow in UTC)."""
    if not 2000 <= value.year <= 2100:
        raise ValidationError("the instant must be in the years 2000 to 2100")


def check_read_instant(value: datetime) -> None:
    """An instant a read may ask about (`as_of`, `since`, `until`): years 1971 to 2199, whose
    UTC microseconds every store keeps. An instant at the edge of what Python represents, such
    as 9999-12-31T23:59:59-14:00, parses but overflows when converted to UTC (issue 9 item 7:
    a 422 naming the parameter, never a 500)."""
    if not 1970 < value.year < 2200:
        raise ValidationError("an instant between 1971 and 2199")


DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DAY_MEANS = {
    "start": "a plain date (2025-12-31) means the start of that day in Asia/Shanghai",
    "end": "a plain date (2025-12-31) means the end of that day in Asia/Shanghai "
    "(2025-12-31T23:59:59.999999+08:00)",
    "next": "a plain date (2025-12-31) means up to the end of that day in Asia/Shanghai "
    "(before 2026-01-01T00:00:00+08:00)",
}


class ReadInstant(fields.AwareDateTime):
    """An instant a read asks about (issue 13 item 6): ISO 8601 with an offset, or a plain date
    read in Asia/Shanghai (rules.md, conventions) as `day`: "start" (`since`, inclusive), "end"
    (`as_of`: the state at the end of that day) or "next" (`until`, exclusive: the whole day
    included). One convention on every read: `since` inclusive, `until` exclusive."""

    def __init__(self, day: str, description: str, **kwargs: Any) -> None:
        self.day = day
        kwargs.setdefault("load_default", None)
        kwargs.setdefault("validate", check_read_instant)
        super().__init__(metadata={"description": f"{description}; {DAY_MEANS[day]}"}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, str) and DAY.match(value):
            try:
                day = date.fromisoformat(value)
            except ValueError as error:
                raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE) from error
            if not 1970 < day.year < 2200:  # before the day after is computed (9999-12-31)
                raise ValidationError("an instant between 1971 and 2199")
            start = local_midnight(day)
            if self.day == "start":
                return start
            following = local_midnight(start.date() + timedelta(days=1))
            return following - timedelta(microseconds=1) if self.day == "end" else following
        return super()._deserialize(value, attr, data, **kwargs)


def strict_type_error(field: fields.Field[Any], raw: Any) -> Any:
    """JSON's own types, not marshmallow's coercions: a boolean field takes true or false, a
    number field a number and an integer field an integral one, never a string ("2025", "yes")
    nor a fraction silently truncated (issue 4: wrong types are refused, naming the field)."""
    if raw is None:
        return None
    if isinstance(field, fields.Boolean):
        return None if isinstance(raw, bool) else "Not a valid boolean."
    if isinstance(field, fields.Number):
        integer = isinstance(field, fields.Integer)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return "Not a valid integer." if integer else "Not a valid number."
        if integer and isinstance(raw, float) and not raw.is_integer():
            return "Not a valid integer."
        return None
    if isinstance(field, fields.Dict) and field.value_field is not None and isinstance(raw, dict):
        bad = {k: strict_type_error(field.value_field, v) for k, v in raw.items()}
        return {k: {"value": [e]} for k, e in bad.items() if e} or None
    return None


def storable(value: Any) -> None:
    """Free-form values (facts, indicators) hold only what every store keeps and gives back as
    JSON (domain.rules.checks.unstorable): finite numbers, integers within 64 bits, text
    without NUL or lone surrogates, no object shaped like the event store's own type tag
    (issue 9 item 7; api.bodies refuses the same before the schema, the domain after it)."""
    found = unstorable(value)
    if found:
        where, kind = found
        raise ValidationError(f"{where or 'the value'} {UNSTORABLE[kind][1]}")


class Act(Schema):
    """Every command may state when it happened in the world and why."""

    occurred_at = fields.AwareDateTime(
        load_default=None,
        validate=check_instant,
        metadata={
            "description": "when the act happened in the world (ISO 8601 with offset); "
            "defaults to now"
        },
    )

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def json_types(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        """Each field's value has its JSON type (see `strict_type_error`); checked for the
        fields marshmallow loaded, so that every bad field is named, each once."""
        if not isinstance(original, dict):
            return
        errors = {}
        for name, field in self.load_fields.items():
            key = field.data_key or name
            loaded = name in data and key in original
            error = strict_type_error(field, original[key]) if loaded else None
            if error:
                errors[key] = error if isinstance(error, dict) else [error]
        if errors:
            raise ValidationError(errors)


def check_year(value: int) -> None:
    if not 2000 <= value <= 2100:
        raise ValidationError("year must be between 2000 and 2100")


Year = fields.Integer


def year_field(**kwargs: Any) -> fields.Integer:
    return fields.Integer(validate=check_year, **kwargs)


def level_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(LEVELS), **kwargs)


def evidence_field() -> fields.List[str]:
    """A23.1 (and A16.1 for objections): the references to a real-name filing's supporting
    evidence; may be sent empty, the filing is then refused naming the rule."""
    return fields.List(
        fields.String(validate=validate.Length(max=1000)),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "references to the supporting evidence (files, links)"},
    )


def city_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(sorted(CITIES)), **kwargs)


class Receipt(Schema):
    """What a command returns: the aggregate, its new version and the log position (pass it as
    `wait_for` to a read to see your own write)."""

    id = fields.String()
    version = fields.Integer()
    position = fields.Integer(allow_none=True)
    details = fields.Dict()


MAX_POSITION = 2**62
"""Log positions, versions, offsets and micros stay within a signed 64-bit integer (BIGINT)."""


class Page(Schema):
    """Stable pagination: `after` is the last `position` (or offset) of the previous page."""

    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    after = fields.Integer(load_default=None, validate=validate.Range(0, MAX_POSITION))


class AsOf(Schema):
    """A unit as of either time (M21): `as_of` with a `basis`, or `recorded_as_of` and
    `world_as_of`, alone or together ("what the system knew at R about W")."""

    as_of = ReadInstant(
        "end",
        "an ISO 8601 instant: the state as the system knew it then (or, with basis=world, as "
        "it was in the world then)",
    )
    basis = fields.String(
        load_default=None,
        validate=validate.OneOf(["recorded", "world"]),
        metadata={
            "description": "recorded (default): as the system knew it at `as_of`; world: as "
            "it was at `as_of` by the instants the acts state, every act recorded so far "
            "counted (default `as_of`: now)"
        },
    )
    recorded_as_of = ReadInstant(
        "end",
        "an ISO 8601 instant: only the acts recorded by then (with "
        "`world_as_of`: what the system knew then about that world instant)",
    )
    world_as_of = ReadInstant(
        "end",
        "an ISO 8601 instant: only the acts stated to have happened by "
        "then, whenever they were recorded (with `recorded_as_of`: those recorded by it)",
    )
    wait_for = fields.Integer(
        load_default=None,
        validate=validate.Range(0, MAX_POSITION),
        metadata={
            "description": "a log position returned by a command: wait until the read models "
            "have applied it (read-your-writes)"
        },
    )

    @validates_schema
    def one_way(self, data: dict[str, Any], **kwargs: Any) -> None:
        """`as_of`/`basis` or `recorded_as_of`/`world_as_of`, never both ways at once: which
        instant would be which is then unclear."""
        if data.get("recorded_as_of") is None and data.get("world_as_of") is None:
            return
        mixed = [name for name in ("as_of", "basis") if data.get(name) is not None]
        if mixed:
            raise ValidationError(
                {
                    name: ["not with recorded_as_of or world_as_of (use one way or the other)"]
                    for name in mixed
                }
            )


def plain_of(value: Any) -> Any:
    """`plain(asdict(value))` in one pass, without `asdict`'s deep copies (a unit's view is
    about 70 objects: a third of its read's time went to copying them, issue 15 item 4)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain_of(getattr(value, f.name)) for f in dc_fields(value)}
    if isinstance(value, dict):
        return {str(k): plain_of(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_of(v) for v in value]
    return plain(value)


def plain(value: Any) -> Any:
    """Values of the service (dates, instants, UUIDs, nested dicts) as JSON values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value
