"""Units under /api/v1/units/{code}: registration, reads (current, as of an instant, history),
park members, cultivation (A8-A11), evaluations (A12) and the municipal list (A13.1)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import unit_reader, unit_rows_scope
from api.commands import Created, acting, command, expected_version
from api.context import ctx, etag
from api.openapi import READ_ETAG
from api.query_memo import QUERY_PARSER
from api.reads import views
from api.rendering import body_response, json_body, json_response
from api.schemas.common import Act, AsOf, Page, plain, plain_of
from api.schemas.reads import UnitMatches, UnitSearchQuery
from api.schemas.units import (
    Cultivate,
    DeclareMembers,
    HistoryOut,
    RegisterUnit,
    SubmitEvaluation,
    UnitOut,
)
from domain.service.base import Receipt
from domain.service.queries import EventView
from domain.service.views import UnitView
from domain.values import SHANGHAI, Level, UnitKind
from projections.unit_search import search_units

blp = Blueprint("units", __name__, url_prefix="/api/v1/units", description="申报单位 Units")
blp.ARGUMENTS_PARSER = QUERY_PARSER  # query strings parsed once (api.query_memo)


@blp.route("")
class Units(MethodView):
    @blp.arguments(UnitSearchQuery, location="query")
    @blp.response(200, UnitMatches)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Find units by part of their current name or credit code (any case), an exact code
        first. For the readers of collections of units (api.access): the province-wide
        readers all, a city bureau its city's, an enterprise itself; 403 (ID.3) for others."""
        seen = unit_rows_scope(("申报单位", "units"))
        rows = seen.units(search_units(views("dynamic", position=query["wait_for"]), query["q"]))
        items = [{**row, "url": f"/api/v1/units/{row['credit_code']}"} for row in rows]
        limit = query["limit"]
        return {"q": query["q"], "items": items[:limit], "more": len(items) > limit}

    @blp.arguments(RegisterUnit)
    @command(blp, "register_unit", 201, location="the unit registered")
    def post(self, body: dict[str, Any]) -> Created:
        """Register a factory, park or supply-chain company (ID.1, ID.2)."""
        code = body["credit_code"].strip().upper()
        receipt = ctx().service.register_unit(
            acting(),
            code,
            UnitKind(body["kind"]),
            body["name"],
            body["members"],
            occurred_at=body["occurred_at"],
        )
        return Created(receipt, f"/api/v1/units/{code}")


@blp.route("/<string:code>")
class UnitResource(MethodView):
    @blp.arguments(AsOf(), location="query")  # an instance: not built per request
    @blp.response(200, UnitOut, headers=READ_ETAG)
    @blp.alt_response(
        304,
        description="Not Modified: the unit now is at the version given in If-None-Match "
        "(the read now only)",
        headers=READ_ETAG,
    )
    def get(self, query: dict[str, Any], code: str) -> Response:
        """A unit now, or as of either time (M21): as the system knew it at `as_of` (by
        recorded time), as it was in the world at `as_of` with `basis=world` (every act
        recorded so far, counted from the instant it states: a removal entered in May for a
        March accident shows as of April), or, with `recorded_as_of` and `world_as_of`, what
        the system knew at the one about the other. The ETag is the version shown (in a world
        view, the last act it holds); sent back in If-None-Match on a read now, it is answered
        304 Not Modified while the unit is at that version. For the readers of the unit
        (api.access: its city, itself, its agencies, its experts, the province-wide readers);
        403 (ID.3) for anyone else."""
        unit_reader(code)
        service = ctx().service
        recorded, world = query["recorded_as_of"], query["world_as_of"]
        if query["basis"] == "world":
            world = query["as_of"] or service.clock.now()
        elif query["as_of"]:
            recorded = query["as_of"]
        if recorded is None and world is None:  # now: one rendering per version of the unit
            body, version = service.unit_now_as(code, unit_body)
            if request.if_none_match.contains_weak(str(version)):
                return not_modified(version)
            response = body_response(body)
        else:
            view = service.unit_as_of(code, recorded, world=world)
            response, version = json_response(plain_of(view)), view.version
        response.headers["ETag"] = etag(version)
        return response


def not_modified(version: int) -> Response:
    """304 for a read now of a unit still at `version` (RFC 9110 13.1.2, weak comparison): a
    version's rendering never changes (`unit_now_as`), so a client holding it need not get it
    again."""
    response = Response(status=304)
    response.headers["ETag"] = etag(version)
    return response


def unit_body(view: UnitView) -> tuple[bytes, int]:
    """A unit's view as the body of its read, with its version (the service remembers it per
    version of the unit: `unit_now_as`)."""
    return json_body(plain_of(view)), view.version


@blp.route("/<string:code>/history")
class UnitHistory(MethodView):
    @blp.arguments(Page, location="query")
    @blp.response(200, HistoryOut)
    def get(self, page: dict[str, Any], code: str) -> dict[str, Any]:
        """Every event of the unit, oldest first, `limit` at a time after version `after`; for
        the readers of the unit (api.access), 403 (ID.3) for anyone else."""
        unit_reader(code)
        events = [e for e in ctx().service.unit_history(code) if e.version > (page["after"] or 0)]
        items = events[: page["limit"]]
        more = len(events) > len(items)
        return {
            "items": [history_entry(code, e) for e in items],
            "next_after": items[-1].version if more else None,
        }


def history_entry(code: str, event: EventView) -> dict[str, Any]:
    """An event of a unit's history, its instants in +08:00 (as people in Zhejiang read them),
    with the address of its decision's why (A29; issue 13 items 6-7)."""
    entry: dict[str, Any] = plain(asdict(event))
    entry["recorded_at"] = event.recorded_at.astimezone(SHANGHAI).isoformat()
    entry["occurred_at"] = event.occurred_at.astimezone(SHANGHAI).isoformat()
    entry["why"] = f"/api/v1/units/{code}/decisions/{event.version}"
    return entry


@blp.route("/<string:code>/members")
class Members(MethodView):
    @blp.arguments(DeclareMembers)
    @command(blp, "declare_park_members")
    def put(self, body: dict[str, Any], code: str) -> Receipt:
        """A park declares the enterprises inside it (A17 checks them too)."""
        return ctx().service.declare_park_members(
            acting(),
            code,
            body["members"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/cultivation")
class Cultivation(MethodView):
    @blp.arguments(Cultivate)
    @command(blp, "cultivate")
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The city puts the unit in its cultivation pool (A8-A11)."""
        return ctx().service.cultivate(
            acting(),
            code,
            body["year"],
            body["facts"],
            body["priority"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/evaluations")
class Evaluations(MethodView):
    @blp.arguments(SubmitEvaluation)
    @command(blp, "submit_evaluation", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """A self-evaluation (enterprise) or a third-party report (agency; A12, A22.3)."""
        return ctx().service.submit_evaluation(
            acting(),
            code,
            Level(body["level"]),
            body["year"],
            body["content_hash"],
            body["score"],
            body["passed"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/municipal-listing")
class MunicipalListing(MethodView):
    @blp.arguments(Act)
    @command(blp, "list_municipally")
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The city puts the unit on its municipal list (A13.1)."""
        return ctx().service.list_municipally(
            acting(), code, occurred_at=body["occurred_at"], expected_version=expected_version()
        )
