"""The lists (名单): membership per level x kind x city as temporal rows.

Each listing is a row with when it began and ended, in world time (`*_occurred`) and in recorded
time (`*_at`); names are temporal rows too, so "the list as of T" shows each unit under the name
it had on that list at T. A removal decided for the next annual publication (A19.1-3, A20.3) is
visible as pending until it takes effect."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from domain.events import unit as ev
from projections.engine.batch import Batch
from projections.engine.db import Db, Row
from projections.engine.projection import Projection, Table, columns, handles
from projections.engine.tracking import tracked_column
from projections.values import NATIONAL, at, codes, day, text_id

MEMBERSHIP_SHOWN = ("credit_code", "kind", "city", "year", "listed_on", "removed_on")
"""The columns of a membership that a change of the feed shows as they are after it."""


class Lists(Projection):
    """Temporal list memberships and listed names."""

    name = "lists"
    version = 2  # 2: list_changes, the change feed (issue 13)
    rebuild_weight = 1.1
    aggregate_local = True
    tables = (
        Table(
            "list_units",
            (("unit_id", "text"), ("credit_code", "text"), ("kind", "text"), ("city", "text")),
            key=("unit_id",),
        ),
        Table(
            "list_memberships",
            (
                ("unit_id", "text"),
                ("level", "text"),
                ("seq", "int"),
                ("credit_code", "text"),
                ("kind", "text"),
                ("city", "text"),
                ("year", "int"),
                ("listed_on", "text"),
                ("listed_at", "int"),
                ("listed_occurred", "int"),
                ("removed_on", "text"),
                ("removed_at", "int"),
                ("removed_occurred", "int"),
                ("removal_rules", "text"),
                ("removal_immediate", "int"),
                ("removal_reason", "text"),
                ("pending_rules", "text"),
                ("pending_at", "int"),
                ("pending_occurred", "int"),
            ),
            key=("unit_id", "level", "seq"),
            indexes=(("level", "listed_at"), ("level", "listed_occurred")),
        ),
        Table(
            "list_names",
            (
                ("unit_id", "text"),
                ("level", "text"),
                ("seq", "int"),
                ("name", "text"),
                ("from_at", "int"),
                ("from_occurred", "int"),
                ("to_at", "int"),
                ("to_occurred", "int"),
            ),
            key=("unit_id", "level", "seq"),
        ),
        Table(
            "list_changes",
            columns(
                "position:int level change unit_id credit_code kind city name year:int "
                "listed_on removed_on rules recorded_at:int occurred_at:int"
            ),
            indexes=(("level", "position"),),
        ),
        Table(
            "list_cursor",
            (("unit_id", "text"), ("level", "text"), ("membership", "int"), ("names", "int")),
            key=("unit_id", "level"),
        ),
    )

    @handles(ev.UnitRegistered)
    def registered(self, e: ev.UnitRegistered, b: Batch) -> None:
        b.put(
            "list_units",
            unit_id=text_id(e.originator_id),
            credit_code=e.credit_code,
            kind=e.kind,
            city=e.city,
        )

    @handles(ev.MunicipallyListed)
    def municipally_listed(self, e: ev.MunicipallyListed, b: Batch) -> None:
        self._listed(b, e, "municipal", e.listed_on.year, e.listed_on.isoformat(), e.name)

    @handles(ev.Listed)
    def listed(self, e: ev.Listed, b: Batch) -> None:
        self._listed(b, e, e.level, e.year, e.listed_on.isoformat(), e.name)

    @handles(ev.MiitOutcomeRecorded)
    def miit_outcome(self, e: ev.MiitOutcomeRecorded, b: Batch) -> None:
        """A16.3: the national list follows MIIT's outcomes: listed, the unit is on it from
        MIIT's date; back-entered for a legacy national listing (`migrated`), the membership
        its old `Listed` opened stays the same one."""
        if e.listed and not e.migrated:
            self._listed(b, e, e.level, e.year, e.published_on.isoformat(), e.name)

    @handles(ev.ListedFromRecord)
    def listed_from_record(self, e: ev.ListedFromRecord, b: Batch) -> None:
        """Issue 15: a listing back-entered from a published list's record is on the list from
        the record's date in world time, and from its import in recorded time."""
        self._listed(b, e, e.level, e.year, e.listed_on.isoformat(), e.name)

    def _listed(self, b: Batch, e: Any, level: str, year: int, listed_on: str, name: str) -> None:
        uid = text_id(e.originator_id)
        unit = b.row("list_units", uid) or {}
        cursor = b.row("list_cursor", uid, level) or {"membership": 0, "names": 0}
        seq = cursor["membership"] + 1
        b.put(
            "list_memberships",
            unit_id=uid,
            level=level,
            seq=seq,
            credit_code=unit.get("credit_code"),
            kind=unit.get("kind"),
            city=unit.get("city"),
            year=year,
            listed_on=listed_on,
            listed_at=at(e.timestamp),
            listed_occurred=at(e.occurred_at),
        )
        b.put("list_cursor", unit_id=uid, level=level, membership=seq, names=cursor["names"])
        self._rename(b, e, level, name)
        self._changed(b, e, "added", level)

    def _rename(self, b: Batch, e: Any, level: str, name: str) -> None:
        uid = text_id(e.originator_id)
        cursor = b.row("list_cursor", uid, level)
        if cursor is None:
            return
        current = b.row("list_names", uid, level, cursor["names"]) if cursor["names"] else None
        if current and current["to_at"] is None:
            b.update(
                "list_names",
                uid,
                level,
                cursor["names"],
                to_at=at(e.timestamp),
                to_occurred=at(e.occurred_at),
            )
        seq = cursor["names"] + 1
        b.put(
            "list_names",
            unit_id=uid,
            level=level,
            seq=seq,
            name=name,
            from_at=at(e.timestamp),
            from_occurred=at(e.occurred_at),
        )
        b.update("list_cursor", uid, level, names=seq)

    @handles(ev.NameChanged)
    def name_changed(self, e: ev.NameChanged, b: Batch) -> None:
        """A20.2: the municipal list shows a confirmed new name at once; provincial and national
        lists change at the annual publication (ListingAdjusted, A20.3)."""
        if self._open(b, text_id(e.originator_id), "municipal"):
            self._rename(b, e, "municipal", e.new_name)
            self._changed(b, e, "renamed", "municipal")

    @handles(ev.ListingAdjusted)
    def adjusted(self, e: ev.ListingAdjusted, b: Batch) -> None:
        self._rename(b, e, e.level, e.name)
        if self._open(b, text_id(e.originator_id), e.level):
            self._changed(b, e, "renamed", e.level)

    @handles(ev.RemovalDecided)
    def removal_decided(self, e: ev.RemovalDecided, b: Batch) -> None:
        membership = self._open(b, text_id(e.originator_id), e.level)
        if membership:
            b.update(
                "list_memberships",
                *membership,
                pending_rules=codes(e.rules),
                pending_at=at(e.timestamp),
                pending_occurred=at(e.occurred_at),
            )
            self._changed(b, e, "pending", e.level)

    @handles(ev.Removed)
    def removed(self, e: ev.Removed, b: Batch) -> None:
        uid = text_id(e.originator_id)
        membership = self._open(b, uid, e.level)
        if membership is None:
            return
        b.update(
            "list_memberships",
            *membership,
            removed_on=day(e.effective_on),
            removed_at=at(e.timestamp),
            removed_occurred=at(e.occurred_at),
            removal_rules=codes(e.rules),
            removal_immediate=int(e.immediate),
            removal_reason=e.reason,
        )
        cursor = b.row("list_cursor", uid, e.level)
        if cursor and cursor["names"]:
            b.update(
                "list_names",
                uid,
                e.level,
                cursor["names"],
                to_at=at(e.timestamp),
                to_occurred=at(e.occurred_at),
            )
        self._changed(b, e, "removed", e.level, membership)

    def _changed(
        self, b: Batch, e: Any, change: str, level: str, key: tuple[str, str, int] | None = None
    ) -> None:
        """One row of the change feed (`list_changes`): the membership as it is after `e`
        (its name, the rules of a pending or done removal), at `e`'s log position."""
        uid = text_id(e.originator_id)
        key = key or self._open(b, uid, level)
        cursor = b.row("list_cursor", uid, level)
        if key is None or cursor is None:
            return
        row = b.row("list_memberships", *key) or {}
        named = b.row("list_names", uid, level, cursor["names"]) or {}
        b.add(
            "list_changes",
            position=b.position,
            level=level,
            change=change,
            unit_id=uid,
            name=named.get("name"),
            **{column: row.get(column) for column in MEMBERSHIP_SHOWN},
            rules=row.get("removal_rules") or row.get("pending_rules"),
            recorded_at=at(e.timestamp),
            occurred_at=at(e.occurred_at),
        )

    @staticmethod
    def _open(b: Batch, uid: str, level: str) -> tuple[str, str, int] | None:
        """The key of the unit's current, not yet ended membership of a level."""
        cursor = b.row("list_cursor", uid, level)
        if not cursor or not cursor["membership"]:
            return None
        row = b.row("list_memberships", uid, level, cursor["membership"])
        if row is None or row["removed_at"] is not None:
            return None
        return (uid, level, cursor["membership"])


class ListOptions(TypedDict, total=False):
    """How a list is read besides its level and instant (`list_as_of_sql`)."""

    basis: str
    kind: str | None
    city: str | None
    tracked: bool
    national: bool
    province: str | None


def list_as_of(
    db: Db, level: str, instant: int | None = None, **options: Unpack[ListOptions]
) -> list[Row]:
    """The list of a level as it stood at `instant` (micros; None: now), in its order
    (`list_as_of_sql`)."""
    sql, params, order = list_as_of_sql(level, instant, **options)
    return db.query(f"{sql} ORDER BY {order}", params)


def list_as_of_sql(
    level: str,
    instant: int | None = None,
    basis: str = "recorded",
    kind: str | None = None,
    city: str | None = None,
    tracked: bool = False,
    *,
    national: bool = False,
    province: str | None = None,
) -> tuple[str, list[Any], str]:
    """The statement of the list of a level as it stood at `instant` (micros; None: now), by
    recorded time (what the system knew) or world time (what was in force), with each unit's
    name at that instant (without its order), its parameters and its order (over the tables'
    columns; the statement's own columns have their names: api.sql_rendering renders its
    rows). `tracked`: each row also says the model's position (engine.tracking.tracked_column).
    `national`: from the national tables (projections.national), every province's list (or
    one `province`'s), each row with its `province`."""
    column = {"recorded": "at", "world": "occurred"}[basis]
    t = instant if instant is not None else 2**62
    prefix = NATIONAL if national else ""
    sql = (
        f"SELECT {'m.province, ' if national else ''}"
        "m.unit_id, m.credit_code, m.kind, m.city, m.level, m.year, m.listed_on, "
        f"m.listed_at, CASE WHEN m.removed_{column} <= ? THEN m.removed_on END AS removed_on, "
        f"CASE WHEN m.removed_{column} <= ? THEN m.removal_rules END AS removal_rules, "
        f"CASE WHEN m.pending_{column} <= ? THEN m.pending_rules END AS pending_rules, n.name"
        + (f", {tracked_column(Lists.name)} " if tracked else " ")
        + f"FROM {prefix}list_memberships m JOIN {prefix}list_names n ON n.unit_id = m.unit_id "
        f"AND n.level = m.level AND n.from_{column} <= ? "
        f"{'AND n.province = m.province ' if national else ''}"
        f"AND (n.to_{column} IS NULL OR n.to_{column} > ?) "
        f"WHERE m.level = ? AND m.listed_{column} <= ? "
        f"AND (m.removed_{column} IS NULL OR m.removed_{column} > ?)"
    )
    params: list[Any] = [t, t, t, t, t, level, t, t]
    for column_name, value in (("kind", kind), ("city", city), ("province", province)):
        if value is not None:
            sql += f" AND m.{column_name} = ?"
            params.append(value)
    order = "m.province, m.city, m.credit_code" if national else "m.city, m.credit_code"
    return sql, params, order


def instants_sql(level: str, basis: str = "recorded") -> tuple[str, list[Any]]:
    """A scalar SQL expression and its parameters: the instants (micros, distinct, in order)
    that a level's list tables hold by `basis` (recorded: `*_at`, world: `*_occurred`): a
    listing, a removal, a pending removal, a name's start or end. `list_as_of` compares its
    instant with these only, so it gives the same rows at every instant from one of them to
    the next (and at every instant before the first) for as long as the model's position and
    tables stay the same: what a reader may remember a list by (api.list_pages)."""
    c = {"recorded": "at", "world": "occurred"}[basis]
    sql = (
        "ARRAY(SELECT x FROM ("
        f"SELECT unnest(ARRAY[listed_{c}, removed_{c}, pending_{c}]) AS x "
        "FROM list_memberships WHERE level = ? "
        f"UNION SELECT unnest(ARRAY[from_{c}, to_{c}]) FROM list_names WHERE level = ?"
        ") AS held WHERE x IS NOT NULL ORDER BY x)"
    )
    return sql, [level, level]


def latest_recorded_sql(level: str) -> tuple[str, list[Any]]:
    """A statement and its parameters: the latest recorded instant (micros; NULL: none) a
    level's list tables hold: a listing, a removal, a pending removal, a name's start or end.
    The list as of any instant at or after it is the list as of now at the model's position
    (what a validator of the list now may stand for: api.resources.lists)."""
    parts = [
        *(f"SELECT max({c}) AS x FROM list_memberships WHERE level = ?" for c in _MEMBERSHIP_AT),
        *(f"SELECT max({c}) FROM list_names WHERE level = ?" for c in ("from_at", "to_at")),
    ]
    sql = f"SELECT max(x) AS latest FROM ({' UNION ALL '.join(parts)}) AS held"
    return sql, [level] * len(parts)


_MEMBERSHIP_AT = ("listed_at", "removed_at", "pending_at")


TABLES = "'list_memberships'::regclass::oid::bigint || '/' || 'list_names'::regclass::oid::bigint"
"""A scalar SQL expression naming the list tables in use (their OIDs): a rebuild of the model
swaps in new ones, whose rows a reader must not take for the old ones'."""


def list_changes(
    db: Db,
    level: str,
    after: int = 0,
    limit: int = 100,
    kind: str | None = None,
    city: str | None = None,
) -> list[Row]:
    """The change feed of a level's list: what was added, renamed, marked for removal (pending)
    or removed after log position `after`, in log order, at most `limit` changes. Applied in
    order to the list as of `after` it gives the list as of the last change's position."""
    sql = "SELECT * FROM list_changes WHERE level = ? AND position > ?"
    params: list[Any] = [level, after]
    for column_name, value in (("kind", kind), ("city", city)):
        if value is not None:
            sql += f" AND {column_name} = ?"
            params.append(value)
    return db.query(sql + " ORDER BY position LIMIT ?", [*params, limit])
