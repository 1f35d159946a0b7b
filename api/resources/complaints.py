"""Real-name reports under /api/v1/complaints (A23): filed by anyone without a token (limited per
client), accepted for verification and verified by the handling city, and the reporter's
identity shown only to that city and to inspectors, each look recorded."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, g, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import Forbidden

from api.auth import reader, require
from api.context import ctx, run_command
from api.openapi import command, rate_limited
from api.schemas.agencies_complaints import (
    AcceptComplaint,
    FileComplaint,
    ReporterOut,
    VerifyComplaint,
)
from domain.values import Actor, Role

blp = Blueprint(
    "complaints", __name__, url_prefix="/api/v1/complaints", description="实名举报 Complaints"
)


@blp.route("")
class Complaints(MethodView):
    @blp.arguments(FileComplaint)
    @command(blp, 201, if_match=False)
    @rate_limited(blp, "reports")
    def post(self, body: dict[str, Any]) -> Response:
        """File a real-name report against a listed unit or an agency; no token needed (A23.1).
        The answer names the report, never the reporter; the filer (a token's holder too) is
        kept in the report alone, and the unit's history is untouched until the handling city
        accepts the report. Limited per client (429 with Retry-After). Inspectors and auditors
        read and change nothing, so their tokens may not file (403)."""
        actor: Actor = g.actor
        if actor.role in (Role.INSPECTOR, Role.AUDITOR):
            raise Forbidden(f"role {actor.role.value} reads and changes nothing")
        return run_command(
            actor,
            lambda: ctx().service.file_complaint(
                actor,
                body["target_type"],
                body["target_code"].strip().upper(),
                body["reporter_name"],
                body["reporter_contact"],
                body["evidence"],
                body["content"],
                city=body["city"],
                occurred_at=body["occurred_at"],
            ),
            status=201,
        )


@blp.route("/<uuid:complaint_id>/acceptance")
class Acceptance(MethodView):
    @blp.arguments(AcceptComplaint)
    @command(blp)
    def put(self, body: dict[str, Any], complaint_id: UUID) -> Response:
        """The handling city accepts the report for verification (A23.2): only now does the
        reported unit's history say it was complained against, with the city as the actor.
        Verification needs it (422, A23.2)."""
        actor = require(Role.CITY)
        return run_command(
            actor,
            lambda: ctx().service.accept_complaint(
                actor, complaint_id, notes=body["notes"], occurred_at=body["occurred_at"]
            ),
            complaint_id,
        )


@blp.route("/<uuid:complaint_id>/verification")
class Verification(MethodView):
    @blp.arguments(VerifyComplaint)
    @command(blp)
    def put(self, body: dict[str, Any], complaint_id: UUID) -> Response:
        """The handling city verifies the report it accepted: rectification or removal at the
        annual publication (A23.2, A19.3), or an agency's misconduct (A22.1)."""
        actor = require(Role.CITY)
        return run_command(
            actor,
            lambda: ctx().service.verify_complaint(
                actor,
                complaint_id,
                body["confirmed"],
                body["outcome"],
                notes=body["notes"],
                occurred_at=body["occurred_at"],
            ),
            complaint_id,
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
