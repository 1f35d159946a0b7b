"""Announcements (公告): what the province makes public about the lists.

One row per announcement item: each joint publication (A16.2, with the deferred removals and
adjustments it applied, A19.1-3, A20.3), each removal from a list (deferred to the annual
publication, A19.1-3 / A20.3, or immediate, A19.4 and A20.2 for the municipal list, "with an
announcement") and each name change (A20.2 confirmed by the city; A20.3 applied to the provincial
and national lists at the annual publication), and each MIIT outcome the province records for
a unit it recommended (A16.3, with MIIT's document number). Every row carries a one-line
sentence in Chinese, the rule codes, the world date and the recorded instant."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from domain.events import round as rev
from domain.events import unit as ev
from domain.rules.levels import LEVEL_ZH
from domain.values import local_date
from projections.engine.batch import Batch
from projections.engine.db import Db, Row
from projections.engine.projection import Projection, Table, columns, handles
from projections.values import NATIONAL, at, codes, day, text_id

KINDS = ("publication", "removal", "rename", "miit_outcome")


def judged_on(e: Any) -> date:
    """The date an act is decided on (domain.acts.Act.on): the stated world time, never earlier
    than the recording, in Asia/Shanghai."""
    return local_date(max(e.occurred_at, e.timestamp))


def reason_zh(reason: str) -> str:
    """The Chinese half of a bilingual reason ("中文 / English: detail" keeps the detail)."""
    if " / " not in reason:
        return reason
    head, tail = reason.split(" / ", 1)
    return f"{head}：{tail.split(': ', 1)[1]}" if ": " in tail else head


class Announcements(Projection):
    """Publications, removals and name changes, as announced."""

    name = "announcements"
    rebuild_weight = 2.0
    tables = (
        Table(
            "announcements",
            columns(
                "position:int kind level year:int unit_id credit_code name old_name city on_date "
                "occurred:int recorded:int rules immediate:int reason units text"
            ),
            key=("position",),
            indexes=(("on_date", "position"), ("kind", "on_date"), ("level", "on_date")),
        ),
        Table(
            "announcements_units",
            columns("unit_id credit_code name city listed pending"),
            key=("unit_id",),
        ),
        Table("announcements_rounds", columns("round_id level year:int"), key=("round_id",)),
    )

    # --- what the announcements need to know --------------------------------------------

    @handles(ev.UnitRegistered)
    def registered(self, e: ev.UnitRegistered, b: Batch) -> None:
        b.put(
            "announcements_units",
            unit_id=text_id(e.originator_id),
            credit_code=e.credit_code,
            name=e.name,
            city=e.city,
            listed="{}",
            pending="{}",
        )

    @handles(rev.RoundOpened)
    def round_opened(self, e: rev.RoundOpened, b: Batch) -> None:
        b.put("announcements_rounds", round_id=text_id(e.originator_id), level=e.level, year=e.year)

    @handles(ev.MunicipallyListed, ev.Listed, ev.ListedFromRecord)
    def listed(self, e: ev.MunicipallyListed | ev.Listed | ev.ListedFromRecord, b: Batch) -> None:
        self._set(b, text_id(e.originator_id), "listed", getattr(e, "level", "municipal"), e.name)

    @handles(ev.RemovalDecided)
    def removal_decided(self, e: ev.RemovalDecided, b: Batch) -> None:
        """Keep the decided reason: the removal at the publication only says "at the annual
        publication" (A19.1-3)."""
        self._set(b, text_id(e.originator_id), "pending", e.level, e.reason)

    @staticmethod
    def _unit(b: Batch, uid: str) -> dict[str, Any]:
        """A unit's row, with its JSON maps decoded (every unit stream opens with
        UnitRegistered, so the row exists)."""
        row = b.row("announcements_units", uid) or {"credit_code": "", "name": "", "city": None}
        listed, pending = json.loads(row.get("listed") or "{}"), row.get("pending") or "{}"
        return {**row, "unit_id": uid, "listed": listed, "pending": json.loads(pending)}

    def _set(self, b: Batch, uid: str, column: str, level: str, value: str | None) -> None:
        """Set (or, with None, drop) one level's entry of a unit's JSON map."""
        mapping = self._unit(b, uid)[column]
        if value is None:
            mapping.pop(level, None)
        else:
            mapping[level] = value
        b.update("announcements_units", uid, **{column: json.dumps(mapping, ensure_ascii=False)})

    # --- the announcements ---------------------------------------------------------------

    def _announce(
        self, b: Batch, e: Any, kind: str, unit: dict[str, Any], on: date, **row: Any
    ) -> None:
        b.put(
            "announcements",
            position=b.position,
            kind=kind,
            unit_id=unit.get("unit_id"),
            credit_code=unit.get("credit_code"),
            city=unit.get("city"),
            on_date=day(on),
            year=row.pop("year", on.year),
            occurred=at(e.occurred_at),
            recorded=at(e.timestamp),
            rules=codes(e.rules),
            **row,
        )

    @handles(ev.MiitOutcomeRecorded)
    def miit_outcome(self, e: ev.MiitOutcomeRecorded, b: Batch) -> None:
        """A16.3: MIIT's outcome on a unit the province recommended, with its document number
        (文号), as the province records it; the national list follows it. A legacy listing's
        back-entered outcome (`migrated`) was announced by its old publication."""
        uid = text_id(e.originator_id)
        if e.listed:
            self._set(b, uid, "listed", e.level, e.name)
        if e.migrated:
            return
        verdict = "列入" if e.listed else "未列入"
        text = (
            f"工业和信息化部于{e.published_on}发布（{e.document_number}）："
            f"“{e.name}”{verdict}{e.year}年度国家级绿色制造名单。"
        )
        unit = self._unit(b, uid)
        self._announce(
            b,
            e,
            "miit_outcome",
            unit,
            e.published_on,
            level=e.level,
            year=e.year,
            name=e.name,
            reason=e.document_number,
            text=text,
        )

    @handles(rev.Published)
    def published(self, e: rev.Published, b: Batch) -> None:
        """A16.2: the joint publication of a level's list for a year."""
        rnd = b.row("announcements_rounds", text_id(e.originator_id))
        rnd = rnd or {"level": None, "year": None}
        parts = ("listed", "withheld", "removed", "adjusted")
        units = {p: [self._unit(b, uid)["credit_code"] for uid in getattr(e, p)] for p in parts}
        n = {part: len(codes) for part, codes in units.items()}
        text = (
            f"{rnd['year']}年度{LEVEL_ZH.get(rnd['level'], '')}绿色制造名单于{e.published_on}"
            f"联合发布：列入{n['listed']}家，不予列入{n['withheld']}家，"
            f"移出{n['removed']}家，名称调整{n['adjusted']}家。"
        )
        units_json = json.dumps(units, ensure_ascii=False)
        self._announce(
            b,
            e,
            "publication",
            {},
            e.published_on,
            level=rnd["level"],
            year=rnd["year"],
            units=units_json,
            text=text,
        )

    @handles(ev.Removed)
    def removed(self, e: ev.Removed, b: Batch) -> None:
        """A19.1-3 / A20.3 at the annual publication, or at once (A19.4, A20.2 municipal)."""
        uid = text_id(e.originator_id)
        unit = self._unit(b, uid)
        decided = unit["pending"].get(e.level)
        reason = e.reason if e.immediate or not decided else decided
        name = unit["listed"].get(e.level) or unit["name"]
        when = "即日移出" if e.immediate else "于年度名单发布时移出"
        text = (
            f"{name}（{unit['credit_code']}）因{reason_zh(reason)}，"
            f"{e.effective_on}{when}{LEVEL_ZH.get(e.level, e.level)}名单。"
        )
        self._announce(
            b,
            e,
            "removal",
            unit,
            e.effective_on,
            level=e.level,
            name=name,
            immediate=int(e.immediate),
            reason=reason,
            text=text,
        )
        self._set(b, uid, "listed", e.level, None)
        self._set(b, uid, "pending", e.level, None)

    @handles(ev.NameChanged)
    def name_changed(self, e: ev.NameChanged, b: Batch) -> None:
        """A20.2: the confirmed new name shows on the municipal list at once; the provincial and
        national lists follow at the annual publication (A20.3)."""
        uid = text_id(e.originator_id)
        unit = self._unit(b, uid)
        level = "municipal" if "municipal" in unit["listed"] else None
        text = f"{e.old_name}（{unit['credit_code']}）更名为“{e.new_name}”"
        text += "，市级名单即日更新" if level else ""
        higher = [LEVEL_ZH[lvl] for lvl in ("provincial", "national") if lvl in unit["listed"]]
        text += f"，{'、'.join(higher)}名单于年度名单发布时调整。" if higher else "。"
        self._announce(
            b,
            e,
            "rename",
            unit,
            judged_on(e),
            level=level,
            name=e.new_name,
            old_name=e.old_name,
            text=text,
        )
        b.update("announcements_units", uid, name=e.new_name)
        if level:
            self._set(b, uid, "listed", "municipal", e.new_name)

    @handles(ev.ListingAdjusted)
    def adjusted(self, e: ev.ListingAdjusted, b: Batch) -> None:
        """A20.3: the list of a level shows the new name from the annual publication."""
        uid = text_id(e.originator_id)
        unit = self._unit(b, uid)
        old, on = unit["listed"].get(e.level), judged_on(e)
        text = (
            f"{LEVEL_ZH.get(e.level, e.level)}名单中“{old}”（{unit['credit_code']}）"
            f"自{on}起调整为“{e.name}”。"
        )
        self._announce(
            b, e, "rename", unit, on, level=e.level, name=e.name, old_name=old, text=text
        )
        self._set(b, uid, "listed", e.level, e.name)


def announcements(
    db: Db,
    since: date | datetime | str | None = None,
    kind: str | None = None,
    level: str | None = None,
    until: date | None = None,
    *,
    national: bool = False,
    province: str | None = None,
    encoded: bool = False,
) -> list[Row]:
    """The announcements, newest first (by world date, then log order: stable across rebuilds),
    optionally from a date on (inclusive) and up to a date (`until`, that day included), of one
    kind (publication, removal, rename) and of one level. `units` is decoded: the credit codes a
    publication listed, withheld, removed and adjusted. `national`: every province's (or one
    `province`'s), from the national tables (projections.national), each with its `province`.
    `encoded`: `units` as stored (JSON text), for a reader that decodes only the rows it shows
    (`decoded`)."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown announcement kind {kind!r}; one of {', '.join(KINDS)}")
    sql = f"SELECT * FROM {NATIONAL if national else ''}announcements WHERE 1 = 1"
    params: list[Any] = []
    if since is not None:
        if isinstance(since, datetime):
            since = local_date(since)
        sql += " AND on_date >= ?"
        params.append(since.isoformat() if isinstance(since, date) else str(since)[:10])
    if until is not None:
        sql += " AND on_date <= ?"
        params.append(until.isoformat())
    for column, value in (("kind", kind), ("level", level), ("province", province)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    order = "on_date DESC, province, position DESC" if national else "on_date DESC, position DESC"
    rows = db.query(f"{sql} ORDER BY {order}", params)
    return rows if encoded else decoded(rows)


def decoded(rows: list[Row]) -> list[Row]:
    """Rows of `announcements(..., encoded=True)` as `announcements` gives them: their `units`
    decoded."""
    for row in rows:
        row["units"] = json.loads(row["units"]) if row["units"] else None
    return rows
