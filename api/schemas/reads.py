"""Query strings of the reads over the read models, and the fields that turn stored values
(instants as UTC microseconds, rule codes as comma-separated text) into JSON values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from marshmallow import Schema, fields, validate

from api.exports import format_field
from api.schemas.common import (
    KINDS,
    MAX_POSITION,
    ReadInstant,
    city_field,
    level_field,
    year_field,
)
from domain.rules import RULES
from domain.values import SHANGHAI
from projections.announcements import KINDS as ANNOUNCEMENT_KINDS
from projections.dynamic import STATUSES

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CST = timezone(timedelta(hours=8), "CST")
"""Asia/Shanghai since 1992: +08:00 all year (China last kept summer time in 1991)."""
CST_SINCE = int((datetime(1992, 1, 1, tzinfo=UTC) - EPOCH) / timedelta(microseconds=1))
"""From this instant (UTC microseconds) on, Asia/Shanghai is CST: no zone rules to look up."""
EPOCH_CST = EPOCH.astimezone(CST)
PYTHON_MAX = int((datetime(9999, 1, 1, tzinfo=UTC) - EPOCH) / timedelta(microseconds=1))
"""Micros from which an instant is rendered in Python only (api.sql_rendering)."""
ISO = 'YYYY-MM-DD"T"HH24:MI:SS'
"""PostgreSQL's `to_char` format of `datetime.isoformat` (a fraction, `.US`, appended when
the microseconds are not 0, as `isoformat` does)."""
MICROSECOND = "interval '1 microsecond'"


class Instant(fields.String):
    """An instant stored as UTC microseconds, shown as ISO 8601 (UTC)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", True)
        kwargs["metadata"] = {"format": "date-time", **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.isoformat()
        return (EPOCH + timedelta(microseconds=int(value))).isoformat()

    offset = "+00:00"

    def sql_json(self, column: str) -> str:
        """What `_serialize` gives for micros, as SQL (api.sql_rendering): `isoformat`'s text,
        without a fraction when the microseconds are 0, for the instants of `sql_python_only`'s
        complement (from 1992, where the two agree, to year 9999)."""
        hours = int(self.offset[:3])
        at = f"(timestamp '1970-01-01' + ({column} + {hours * 3_600_000_000}) * {MICROSECOND})"
        return (
            f"CASE WHEN {column} IS NULL THEN 'null' ELSE '\"' || to_char({at}, "
            f"CASE WHEN mod({column}, 1000000) = 0 THEN '{ISO}' ELSE '{ISO}.US' END) "
            f"|| '{self.offset}\"' END"
        )

    def sql_python_only(self, column: str) -> str:
        """The instants rendered in Python only: before 1992 (Asia/Shanghai's summer time
        and local mean time; negative micros) and from year 10000 (not a Python datetime)."""
        return f"({column} < {CST_SINCE} OR {column} >= {PYTHON_MAX})"


class LocalInstant(Instant):
    """An instant shown as people in Zhejiang read it: ISO 8601 with +08:00 (Asia/Shanghai),
    the same instant as its UTC form (issue 13 item 7)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            micros = int(value)
            if micros >= CST_SINCE:  # the fixed offset: half the time of the zone's rules,
                # and a page of the audit trail formats 200 of them (issue 15 item 4)
                return (EPOCH_CST + timedelta(microseconds=micros)).isoformat()
            value = EPOCH + timedelta(microseconds=micros)
        return value.astimezone(SHANGHAI).isoformat()

    offset = "+08:00"


def why_url(row: dict[str, Any]) -> str | None:
    """The address of the "why" of a unit's event (A29, GET .../decisions/{version})."""
    code, version = row.get("credit_code"), row.get("version")
    if row.get("aggregate_type") not in (None, "unit") or not code or not version:
        return None
    return f"/api/v1/units/{code}/decisions/{version}"


def why_sql(column: Callable[[str], str]) -> str:
    """`why_url` as SQL over a row's columns (api.sql_rendering)."""
    kind, code, version = column("aggregate_type"), column("credit_code"), column("version")
    return (
        f"CASE WHEN ({kind} IS NULL OR {kind} = 'unit') AND {code} <> '' AND {version} <> 0 "
        f"THEN to_json(concat('/api/v1/units/', {code}, '/decisions/', {version}))::text "
        "ELSE 'null' END"
    )


why_url.sql_json = why_sql  # type: ignore[attr-defined]


class Codes(fields.List[Any]):
    """Rule codes stored comma-separated (in the rule book's order), shown as a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", True)
        super().__init__(fields.String(), **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = [code for code in value.split(",") if code]
        return super()._serialize(value, attr, obj, **kwargs)

    def json_value(self, value: Any) -> Any:
        """What `_serialize` gives, by a shorter way for the stored text (api.rendering): its
        codes are text already."""
        if type(value) is str:
            return [code for code in value.split(",") if code]
        return self._serialize(value, None, None)

    def sql_json(self, column: str) -> str:
        """What `json_value` gives for the stored text, as SQL (api.sql_rendering)."""
        codes = f"to_json(array_remove(string_to_array({column}, ','), ''))::text"
        return f"CASE WHEN {column} = '' THEN '[]' ELSE coalesce({codes}, 'null') END"


class Flag(fields.Boolean):
    """A flag stored as 0 or 1, shown as a boolean (null when absent)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else bool(value)


def text(**kwargs: Any) -> fields.String:
    return fields.String(allow_none=True, **kwargs)


def number(**kwargs: Any) -> fields.Integer:
    return fields.Integer(allow_none=True, **kwargs)


def flag(**kwargs: Any) -> fields.Boolean:
    return Flag(allow_none=True, **kwargs)


def renamed(kind: type[fields.Field[Any]], old: str, description: str) -> fields.Field[Any]:
    """A field shown under its new name, read from the row's old one (marshmallow refuses two
    fields of one schema on one attribute, so the source is named when the value is read)."""

    class Field(kind):  # type: ignore[valid-type,misc]
        renamed_from = old
        """The row's key it is read from (api.rendering reads it there too)."""

        def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
            return super().get_value(obj, old, accessor)

    return Field(allow_none=True, metadata={"description": description})


class Vocabulary(Schema):
    """One field vocabulary across the reads (issue 13 item 7): an event's `type`, when it
    happened in the world (`occurred_at`) and when it was recorded (`recorded_at`), as the
    unit's history and the commands say, in +08:00. The audit trail's and supervision's older
    names (`event_type`, `occurred`, `recorded`, in UTC) are kept for a deprecation
    period (README, "Field names"): new readers use the new ones."""

    type = renamed(fields.String, "event_type", description="the event type")
    occurred_at = renamed(
        LocalInstant, "occurred", description="when it happened in the world (+08:00)"
    )
    recorded_at = renamed(LocalInstant, "recorded", description="when it was recorded (+08:00)")
    event_type = text(metadata={"deprecated": True, "description": "deprecated: `type`"})
    occurred = Instant(
        metadata={"deprecated": True, "description": "deprecated: `occurred_at` (UTC)"}
    )
    recorded = Instant(
        metadata={"deprecated": True, "description": "deprecated: `recorded_at` (UTC)"}
    )


NO_NUL = validate.Regexp(r"^[^\x00]*$", error="must not contain NUL characters")


def instant_field(description: str, day: str = "end") -> fields.AwareDateTime:
    """An instant a read asks about, or a plain date (api.schemas.common.ReadInstant)."""
    return ReadInstant(day, description)


def position_field(**metadata: Any) -> fields.Integer:
    return fields.Integer(
        load_default=None, validate=validate.Range(0, MAX_POSITION), metadata=metadata
    )


WAIT_FOR = {
    "description": "a log position returned by a command: wait until the read model has "
    "applied it (read-your-writes); 503 if it does not within the wait timeout"
}


class Wait(Schema):
    wait_for = position_field(**WAIT_FOR)


class Paged(Wait):
    """Stable pages: `after` is the `next_after` of the previous page."""

    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    after = position_field(description="the `next_after` of the previous page")


class ListQuery(Paged):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    city = city_field(load_default=None)
    as_of = instant_field(
        "an ISO 8601 instant: the list as it stood then (default: now); every page answers "
        "the instant it used, pass it back with `after`"
    )
    basis = fields.String(
        load_default="recorded",
        validate=validate.OneOf(["recorded", "world"]),
        metadata={
            "description": "recorded: as the system knew it at `as_of`; world: as it was in "
            "force at `as_of` (by the instants the acts state)"
        },
    )
    format = format_field()


class AnnouncementQuery(Paged):
    since = fields.Date(
        load_default=None, metadata={"description": "from this date on (inclusive)"}
    )
    until = fields.Date(
        load_default=None,
        metadata={
            "description": "up to this date, the whole day included (as every plain-date `until`)"
        },
    )
    kind = fields.String(load_default=None, validate=validate.OneOf(ANNOUNCEMENT_KINDS))
    level = level_field(load_default=None)
    format = format_field()


class PoolQuery(Paged):
    priority = fields.Boolean(load_default=None)


class PoolCountQuery(Wait):
    year = year_field(load_default=None)
    city = city_field(load_default=None)


class NominationQuery(Paged):
    city = city_field(load_default=None)


class RateQuery(Wait):
    year = year_field(load_default=None)
    level = level_field(load_default=None)
    city = city_field(load_default=None)


class FormQuery(Paged):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class RereviewQuery(Paged):
    before = fields.Date(
        required=True, metadata={"description": "re-reviews due before this date (exclusive)"}
    )


class LedgerQuery(Paged):
    legal_representative = fields.String(
        load_default=None, validate=[validate.Length(1, 100), NO_NUL]
    )
    year = year_field(load_default=None)


class PerformanceQuery(Paged):
    year = year_field(load_default=None)


class AuditQuery(Paged):
    unit = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9A-Za-z]{18}$"),
        metadata={"description": "a credit code: the unit's events and those about it"},
    )
    actor = fields.String(load_default=None, validate=[validate.Length(1, 100), NO_NUL])
    region = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{6}$"))
    rule = fields.String(load_default=None, validate=validate.OneOf(sorted(RULES)))
    type = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[A-Za-z]{1,80}$"),
        metadata={"description": "an event type, e.g. Nominated"},
    )
    since = instant_field("recorded at or after (inclusive)", "start")
    until = instant_field("recorded before (exclusive)", "next")
    after = position_field(description="the last log position already seen (`next_after`)")
    format = format_field()


class SupervisionQuery(Wait):
    since = instant_field("acts recorded at or after (inclusive), in every section", "start")
    until = instant_field("acts recorded before (exclusive), in every section", "next")
    region = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^[0-9]{6}$"),
        metadata={"description": "acts of the actors of this region only, in every section"},
    )
    format = format_field()


class UnitSearchQuery(Wait):
    """Find a unit by name or credit code (issue 13 item 6)."""

    q = fields.String(
        required=True,
        validate=[validate.Length(1, 100), NO_NUL],
        metadata={"description": "part of a unit's current name or credit code (any case)"},
    )
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class UnitMatch(Schema):
    credit_code = text()
    name = text(metadata={"description": "its current name"})
    city = text()
    url = text(metadata={"description": "the unit (GET); its timeline is `{url}/history`"})


class UnitMatches(Schema):
    q = fields.String()
    items = fields.List(fields.Nested(UnitMatch))
    more = fields.Boolean(metadata={"description": "more units match: narrow the search"})
