"""Who reads what (issue 9 item 2: object-level authorization). Every read that needs a token
asks this module who its reader is and what that reader may see; the policy follows
lifecycle.md's role table and ID.3 ("a city bureau acts only on units of its own city; the
provincial department acts province-wide"), applied to reads as to acts. Which roles may read
each kind of record comes from the same module as who may act (domain.rules.jurisdiction,
`READS`); this module decides what each of them sees.

The province-wide readers (`EVERYTHING`) are the province (省经信厅), the co-signing departments
(发改委, 生态环境厅: Zhejiang-wide), discipline inspection (机关纪委) and the auditors. Per read:

| read | city bureau | enterprise | agency | expert |
|---|---|---|---|---|
| a unit (now, as of, history, decisions) | its city's | itself | it evaluated | its panels' |
| a city's pool | its city's | its own entry | 403 | 403 |
| pool sizes, quota usage, selection rates | its city's row | 403 | 403 | 403 |
| deadlines | its city's units', the rounds' | its own, the rounds' | 403 | 403 |
| forms of a year, re-reviews due | its city's units' | its own | 403 | 403 |
| a round | its quota and units | its own unit | 403 | units on its panels |
| a round's nominations, objections | its city's units' | its own | 403 | 403 |
| a round's summary (province-wide totals) | 403 | 403 | 403 | 403 |
| a round's scores | 403 | 403 | 403 | its own (A15.2) |
| an agency | any (A22.1: it reports any agency) | 403 | itself | 403 |
| the agencies' ledger, performance | 403 | 403 | its own rows | 403 |
| the refused acts (`/refusals`, A29) | 403 | 403 | 403 | 403 |

An agency reads the units it submitted a third-party report on (A12), an expert those on whose
current panel it sits (A15.2). The province-wide readers read all of these whole; no token (the
public) reads none of them (401): the published lists, announcements and the agencies'
published performance (A22.2, `/agencies/performance`, no representative) are its reads. The
audit trail (province, inspectors, auditors), supervision (inspectors, auditors) and a
reporter's identity (the handling city, inspectors; A23.1) keep their own narrower rules.

Collections of units' or cities' rows are filtered, and refused (403) to a role none of whose
rows they could hold; the agencies' ledger and performance are the province's supervision of
agencies (lifecycle.md); a round's summary totals every city's. Asking for another city by name
(`/pools/{city}/...`, `?city=`) is refused, not answered with an empty page that could be
taken for "none there".

A refusal is 403 problem+json naming ID.3 (and A15.2 when an expert asks for a unit not on its
panels), with zh/en messages: 403,
not 404, as the acts answer, because the decision never depends on whether the unit exists (a
city's units are known from the credit code itself, ID.2; an enterprise is its code; an agency
or expert has no part in a unit that does not exist), so a 403 reveals nothing a 404 would
hide, and only a reader entitled to the unit learns that it is not registered (404).

An agency's or expert's right is judged on the unit as it is now: once it has taken part, it
reads the whole record, states as of earlier instants included (api.parties)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from api.auth import reader
from api.parties import city_of, own_code, takes_part
from domain.aggregates.unit import unit_id
from domain.errors import OutOfJurisdiction
from domain.rules.jurisdiction import READ_EVERYTHING as EVERYTHING
from domain.rules.jurisdiction import READS
from domain.values import Actor, Role

ROW = TypeVar("ROW", bound=Mapping[str, Any])

OWN_UNITS = {
    Role.ENTERPRISE: ("企业只能查阅本单位的记录", "an enterprise reads only its own unit"),
    Role.AGENCY: (
        "第三方机构只能查阅其提交过评价报告的单位",
        "an agency reads only the units it submitted a report on",
    ),
    Role.CITY: ("设区市只能查阅本市的单位", "a city bureau reads only its own city's units"),
    Role.EXPERT: (
        "专家只能查阅其所在评审组评审的单位",
        "an expert reads only the units on whose panel it sits",
    ),
}


def refused(zh: str, en: str, *rules: str) -> OutOfJurisdiction:
    """403 naming ID.3 (or the given rules), with zh/en messages."""
    return OutOfJurisdiction(rules or ("ID.3",), zh=zh, en=en)


def refuse_role(actor: Actor, what_zh: str, what_en: str) -> OutOfJurisdiction:
    return refused(
        f"角色“{actor.role.value}”无权查阅{what_zh}",
        f"role {actor.role.value!r} may not read {what_en}",
    )


# --- one unit's record ----------------------------------------------------------------------


def unit_reader(credit_code: str) -> Actor:
    """The reader of a unit's record (its state now or as of an instant, its history, the
    explanation of its decisions, its negative records with them), refused (403, ID.3) unless
    the unit is in its jurisdiction."""
    actor = reader()
    code = credit_code.strip().upper()
    if actor.role in EVERYTHING or (actor.role in READS["unit"] and takes_part(actor, code)):
        return actor
    zh, en = OWN_UNITS.get(actor.role, ("无权查阅单位记录", "may not read units' records"))
    bound = ("A15.2",) if actor.role is Role.EXPERT else ()  # what binds an expert to its panels
    raise refused(zh, en, "ID.3", *bound)


# --- collections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a reader of a collection sees, once it is known to be allowed to read it."""

    actor: Actor

    @property
    def everything(self) -> bool:
        return self.actor.role in EVERYTHING

    def units(
        self,
        rows: Iterable[ROW],
        code: Callable[[ROW], str | None] = lambda r: r.get("credit_code"),
        shared: bool = False,
    ) -> list[ROW]:
        """Rows each about one unit (`code` gives its credit code), kept for the reader's
        units: all for the province-wide readers, its own city's for a city bureau, its own
        for an enterprise; rows about no unit (a round's deadlines) too when `shared`."""
        if self.everything:
            return list(rows)
        actor = self.actor

        def keep(row: ROW) -> bool:
            credit_code = code(row)
            if credit_code is None:
                return shared
            if actor.role is Role.CITY:
                return city_of(credit_code) == actor.region
            return actor.role is Role.ENTERPRISE and credit_code.upper() == own_code(actor)

        return [r for r in rows if keep(r)]

    def cities(self, rows: Iterable[ROW]) -> list[ROW]:
        """Rows each about one city: all for the province-wide readers, a city bureau's own."""
        if self.everything:
            return list(rows)
        return [r for r in rows if self.actor.role is Role.CITY and r["city"] == self.actor.region]

    def agencies(self, rows: Iterable[ROW], codes: Callable[[ROW], Iterable[str]]) -> list[ROW]:
        """Rows about agencies (`codes`: their credit codes): all for the province-wide
        readers, an agency's own."""
        if self.everything:
            return list(rows)
        mine = own_code(self.actor)
        return [r for r in rows if self.actor.role is Role.AGENCY and mine in codes(r)]


def scope(read: str, what: tuple[str, str], city: str | None = None) -> Scope:
    """The scope of a reader of a collection: one of the roles that may do the `read`
    (`READS`), else refused (403, ID.3). A `city` named in the request (path or filter) must be
    the reader's own (a bureau's; an enterprise's own city), else refused too (ID.3)."""
    actor = reader()
    if actor.role not in READS[read]:
        raise refuse_role(actor, *what)
    if city is not None and actor.role not in EVERYTHING:
        mine = actor.region if actor.role is Role.CITY else city_of(own_code(actor))
        if city != mine:
            raise refused(
                f"无权查阅{city}的{what[0]}",
                f"{actor.role.value} may not read {what[1]} of city {city}",
            )
    return Scope(actor)


def unit_rows_scope(what: tuple[str, str], city: str | None = None) -> Scope:
    """Collections of unit rows (a city's pool, deadlines, the forms of a year, re-reviews
    due, a round's nominations and objections): the province-wide readers, city bureaus and
    enterprises; refused to agencies and experts, whose units are few and read one by one."""
    return scope("unit_rows", what, city=city)


def city_rows_scope(what: tuple[str, str], city: str | None = None) -> Scope:
    """Collections of city rows (pool sizes, quota usage, selection rates): the province-wide
    readers and city bureaus; no row is an enterprise's, an agency's or an expert's."""
    return scope("city_rows", what, city=city)


# --- agencies -------------------------------------------------------------------------------


def agency_reader(credit_code: str) -> Actor:
    """An agency's registration: for the province-wide readers, every city bureau (any city
    reports any agency's misconduct, A22.1) and the agency itself."""
    actor = scope("agency", ("第三方机构信息", "agencies")).actor
    if actor.role is Role.AGENCY and own_code(actor) != credit_code.strip().upper():
        raise refused("第三方机构只能查阅本机构", "an agency reads only itself")
    return actor


def agency_rows_scope(what: tuple[str, str]) -> Scope:
    """The agencies' ledger and performance (A22.2-3): the province-wide readers and an agency
    for its own rows; supervising agencies is the province's (lifecycle.md), so no city
    bureau, enterprise or expert reads them."""
    return scope("agency_rows", what)


# --- rounds ---------------------------------------------------------------------------------


def round_scope() -> Scope:
    """A round's record: the province-wide readers, city bureaus, enterprises and experts,
    each seeing its part (`round_view`); agencies take no part in rounds."""
    return scope("round", ("遴选轮次", "rounds"))


def round_view(seen: Scope, view: Mapping[str, Any]) -> dict[str, Any]:
    """A round as its reader may see it: whole for the province-wide readers; for a city
    bureau its own quota and its own units' nominations, panels, sample, notice and MIIT
    recommendation (A16.3); for an enterprise its own unit's; for an expert the units whose
    panel it sits on."""
    if seen.everything:
        return dict(view)
    actor = seen.actor
    nominations: Mapping[str, str] = view["nominations"]
    panels: Mapping[str, list[str]] = view["panels"]
    own_unit = str(unit_id(own_code(actor))) if actor.role is Role.ENTERPRISE else None

    def sees(uid: str) -> bool:
        if actor.role is Role.CITY:
            return nominations.get(uid) == actor.region
        if actor.role is Role.EXPERT:
            return actor.id in panels.get(uid, ())
        return uid == own_unit

    notice = view["notice"]
    if notice is not None:
        notice = {**notice, "unit_ids": [u for u in notice["unit_ids"] if sees(u)]}
    recommendation = view.get("recommendation")
    if recommendation is not None:  # A16.3, like the notice: only the units it sees
        units = [u for u in recommendation["unit_ids"] if sees(u)]
        recommendation = {**recommendation, "unit_ids": units}
    sample = view["sample"]
    return {
        **view,
        "quotas": {c: q for c, q in view["quotas"].items() if c == actor.region}
        if actor.role is Role.CITY
        else {},
        "nominations": {u: c for u, c in nominations.items() if sees(u)},
        "panels": {u: p for u, p in panels.items() if sees(u)},
        "sample": None if sample is None else [u for u in sample if sees(u)],
        "notice": notice,
        "recommendation": recommendation,
    }


def read_roles(read: str, what: tuple[str, str]) -> Actor:
    """A read kept to the roles that may do it (`READS`: the audit trail, supervision, expert
    scores): 403 with ID.3 for any other."""
    actor = reader()
    if actor.role not in READS[read]:
        raise refuse_role(actor, *what)
    return actor
