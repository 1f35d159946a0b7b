"""Third-party evaluation agencies under /api/v1/agencies: registration (A12, A22.3), reads and
reported misconduct (A22.1)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import agency_reader
from api.commands import Created, acting, command, expected_version
from api.context import ctx
from api.schemas.agencies_complaints import (
    AgencyOut,
    ChangeLegalRepresentative,
    RegisterAgency,
    ReportMisconduct,
)
from api.schemas.common import plain
from domain.service.base import Receipt

blp = Blueprint(
    "agencies", __name__, url_prefix="/api/v1/agencies", description="第三方评价机构 Agencies"
)


@blp.route("")
class Agencies(MethodView):
    @blp.arguments(RegisterAgency)
    @command(blp, "register_agency", 201, location="the agency registered")
    def post(self, body: dict[str, Any]) -> Created:
        """Register a third-party evaluation agency and its legal representative (A12, A22.3):
        the province, or an agency registering itself."""
        code = body["credit_code"].strip().upper()
        receipt = ctx().service.register_agency(
            acting(),
            code,
            body["name"],
            body["legal_representative"],
            body["representative_id"],
            occurred_at=body["occurred_at"],
        )
        return Created(receipt, f"/api/v1/agencies/{code}")


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
    @command(blp, "report_agency_misconduct", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """A city (any: agencies work province-wide) or the province reports an agency's
        falsifying or concealing in an evaluation (A22.1)."""
        return ctx().service.report_agency_misconduct(
            acting(),
            code.strip().upper(),
            body["description"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/legal-representative")
class LegalRepresentative(MethodView):
    @blp.arguments(ChangeLegalRepresentative)
    @command(blp, "change_legal_representative", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The province records an agency's new legal representative (A22.3): its next
        projects count toward the new person's yearly quota. The ID number is kept only as a
        keyed hash."""
        return ctx().service.change_legal_representative(
            acting(),
            code.strip().upper(),
            body["legal_representative"],
            body["representative_id"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )
