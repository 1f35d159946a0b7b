"""Third-party evaluation agencies under /api/v1/agencies: registration (A12, A22.3), reads and
reported misconduct (A22.1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import agency_reader
from api.auth import require
from api.context import ctx, run_command
from api.openapi import command
from api.schemas.agencies_complaints import AgencyOut, RegisterAgency, ReportMisconduct
from api.schemas.common import plain
from domain.aggregates.agency import agency_id
from domain.errors import OutOfJurisdiction
from domain.values import Role

blp = Blueprint(
    "agencies", __name__, url_prefix="/api/v1/agencies", description="第三方评价机构 Agencies"
)


def aid(code: str) -> UUID:
    return agency_id(code.strip().upper())


@blp.route("")
class Agencies(MethodView):
    @blp.arguments(RegisterAgency)
    @command(blp, 201, if_match=False, location="the agency registered")
    def post(self, body: dict[str, Any]) -> Response:
        """Register a third-party evaluation agency and its legal representative (A12, A22.3):
        the province, or an agency registering itself."""
        actor = require(Role.PROVINCE, Role.AGENCY)
        code = body["credit_code"].strip().upper()
        if actor.role is Role.AGENCY and actor.id.strip().upper() != code:
            raise OutOfJurisdiction(
                "ID.3", zh="第三方机构只能登记本机构", en="an agency registers only itself"
            )
        return run_command(
            actor,
            lambda: ctx().service.register_agency(
                actor,
                code,
                body["name"],
                body["legal_representative"],
                occurred_at=body["occurred_at"],
            ),
            status=201,
            location=f"/api/v1/agencies/{code}",
        )


@blp.route("/<string:code>")
class AgencyResource(MethodView):
    @blp.response(200, AgencyOut)
    def get(self, code: str) -> Response:
        """An agency: name, legal representative and how often misconduct was reported (A22.1).
        For the province-wide readers, the city bureaus (A22.1) and the agency itself."""
        agency_reader(code)
        return jsonify(plain(dict(ctx().service.get_agency(code))))


@blp.route("/<string:code>/misconduct")
class Misconduct(MethodView):
    @blp.arguments(ReportMisconduct)
    @command(blp, 201)
    def post(self, body: dict[str, Any], code: str) -> Response:
        """A city (any: agencies work province-wide) or the province reports an agency's
        falsifying or concealing in an evaluation (A22.1)."""
        actor = require(Role.CITY, Role.PROVINCE)
        return run_command(
            actor,
            lambda: ctx().service.report_agency_misconduct(
                actor, code.strip().upper(), body["description"], occurred_at=body["occurred_at"]
            ),
            aid(code),
            status=201,
        )
