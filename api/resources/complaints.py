"""Real-name reports under /api/v1/complaints (A23): filed by anyone without a token (limited per
client), accepted for verification and verified by the handling city, and the reporter's
identity shown only to that city and to inspectors, each look recorded."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import reader
from api.commands import acting, command, expected_version
from api.context import ctx
from api.openapi import rate_limited
from api.schemas.agencies_complaints import (
    AcceptComplaint,
    FileComplaint,
    ReporterOut,
    VerifyComplaint,
)
from domain.service.base import Receipt

blp = Blueprint(
    "complaints", __name__, url_prefix="/api/v1/complaints", description="实名举报 Complaints"
)


@blp.route("")
class Complaints(MethodView):
    @blp.arguments(FileComplaint)
    @command(blp, "file_complaint", 201)
    @rate_limited(blp, "reports")
    def post(self, body: dict[str, Any]) -> Receipt:
        """File a real-name report against a listed unit or an agency; no token needed (A23.1).
        The answer names the report, never the reporter; the filer (a token's holder too) is
        kept in the report alone, and the unit's history is untouched until the handling city
        accepts the report. Limited per client (429 with Retry-After). Inspectors and auditors
        read and change nothing, so their tokens may not file (403)."""
        return ctx().service.file_complaint(
            acting(),
            body["target_type"],
            body["target_code"].strip().upper(),
            body["reporter_name"],
            body["reporter_contact"],
            body["evidence"],
            body["content"],
            city=body["city"],
            occurred_at=body["occurred_at"],
        )


@blp.route("/<uuid:complaint_id>/acceptance")
class Acceptance(MethodView):
    @blp.arguments(AcceptComplaint)
    @command(blp, "accept_complaint")
    def put(self, body: dict[str, Any], complaint_id: UUID) -> Receipt:
        """The handling city accepts the report for verification (A23.2): only now does the
        reported unit's history say it was complained against, with the city as the actor.
        Verification needs it (422, A23.2)."""
        return ctx().service.accept_complaint(
            acting(),
            complaint_id,
            notes=body["notes"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<uuid:complaint_id>/verification")
class Verification(MethodView):
    @blp.arguments(VerifyComplaint)
    @command(blp, "verify_complaint")
    def put(self, body: dict[str, Any], complaint_id: UUID) -> Receipt:
        """The handling city verifies the report it accepted: rectification or removal at the
        annual publication (A23.2, A19.3), or an agency's misconduct (A22.1)."""
        return ctx().service.verify_complaint(
            acting(),
            complaint_id,
            body["confirmed"],
            body["outcome"],
            notes=body["notes"],
            occurred_at=body["occurred_at"],
            rectify_by=body["rectify_by"],
            expected_version=expected_version(),
        )


@blp.route("/<uuid:complaint_id>/reporter")
class Reporter(MethodView):
    @blp.response(200, ReporterOut)
    def get(self, complaint_id: UUID) -> Response:
        """Who filed the report: for the handling city bureau and inspectors only, and each read
        is recorded in the report's history (A23.1); anyone else is refused (403)."""
        actor = reader()
        identity = ctx().service.read_reporter(actor, complaint_id)
        response = jsonify(identity)
        response.headers["Cache-Control"] = "no-store"
        return response
