"""Who takes part in a unit's record (api.access reads it): its city bureau (ID.2: the city
is in the credit code), the enterprise itself, the agencies that submitted a third-party report
on it (A12) and the experts drawn onto its panel (A15.2). An agency's or expert's part is judged
on the unit as it is now: once it has taken part, it reads the whole record."""

from __future__ import annotations

from api.context import ctx
from domain.aggregates.agency import agency_id
from domain.aggregates.unit import unit_id
from domain.errors import NotFound
from domain.values import CITIES, Actor, Level, Role


def city_of(credit_code: str) -> str | None:
    """The city of a unit, from its credit code (ID.2: characters 3-8 are the registering
    division); None when the code names no city of Zhejiang."""
    city = credit_code.strip().upper()[2:6] + "00"
    return city if city in CITIES else None


def own_code(actor: Actor) -> str:
    return actor.id.strip().upper()


def takes_part(actor: Actor, code: str) -> bool:
    """Whether the reader takes part in the unit of credit code `code` (normalised)."""
    if actor.role is Role.CITY:
        return city_of(code) == actor.region
    if actor.role is Role.ENTERPRISE:
        return own_code(actor) == code
    if actor.role is Role.AGENCY:
        return evaluated_by(actor, code)
    if actor.role is Role.EXPERT:
        return on_panel_of(actor, code)
    return False


def evaluated_by(actor: Actor, code: str) -> bool:
    """A12: the agency submitted a third-party report on the unit (recorded on the unit)."""
    try:
        reports = ctx().service.get_unit(code).reports
    except NotFound:
        return False
    agency = str(agency_id(own_code(actor)))
    return any(r.get("agency_id") == agency for r in reports.values())


def on_panel_of(actor: Actor, code: str) -> bool:
    """A15.2: the expert sits on the unit's panel (as last drawn) in a round it was nominated
    to, this year's or an earlier one."""
    service = ctx().service
    try:
        history = service.unit_history(code)
    except NotFound:
        return False
    uid = str(unit_id(code))
    rounds = {(e.data["level"], e.data["year"]) for e in history if e.type == "Nominated"}
    for level, year in rounds:
        try:
            panel = service.get_round(Level(level), int(year))["panels"].get(uid, ())
        except NotFound:
            continue
        if actor.id in panel:
            return True
    return False
