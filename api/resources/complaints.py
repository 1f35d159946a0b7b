"""Real-name reports under /api/v1/complaints (A23): filed by anyone without a token (limited per
client), accepted for verification and verified by the handling city, and the reporter's
identity disclosed only to that city and to inspectors, for a stated reason, each disclosure
recorded; the reporter's data sealed at rest and erasable (issue 14)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import reader
from api.commands import acting, command, disclosure, expected_version
from api.context import ctx
from api.openapi import rate_limited
from api.schemas.agencies_complaints import (
    AcceptComplaint,
    FileComplaint,
    VerifyComplaint,
)
from api.schemas.common import plain
from api.schemas.custody import ComplaintCase as ComplaintCaseOut
from api.schemas.custody import Disclose, Erase
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


@blp.route("/<uuid:complaint_id>")
class ComplaintCase(MethodView):
    @blp.response(200, ComplaintCaseOut)
    def get(self, complaint_id: UUID) -> Response:
        """The report as the handling city works on it (and inspectors oversee it): its target,
        state, statement and evidence (opened from the seal), how often its reporter was
        disclosed, whether and why its personal data was erased. Never who filed it (that is
        a disclosure). Anyone else: 403 (A23.1)."""
        case = ctx().service.read_complaint(reader(), complaint_id)
        response = jsonify(plain(case))
        response.headers["Cache-Control"] = "no-store"
        return response


@blp.route("/<uuid:complaint_id>/disclosures")
class ReporterDisclosures(MethodView):
    @blp.arguments(Disclose)
    @disclosure(blp, "disclose_reporter")
    def post(self, body: dict[str, Any], complaint_id: UUID) -> tuple[Any, Receipt]:
        """Who filed the report, for a stated reason: the handling city bureau and inspectors
        only (403 otherwise), refused without a reason (422, A23.1) and once erased (410). The
        disclosure is recorded (who, when, why) before the identity is opened, and listed in
        supervision. Not idempotent, never cached: each call is a disclosure of its own."""
        return ctx().service.disclose_reporter(acting(), complaint_id, body["reason"])


@blp.route("/<uuid:complaint_id>/erasure")
class ReporterErasure(MethodView):
    @blp.arguments(Erase)
    @command(blp, "erase_reporter_data")
    def post(self, body: dict[str, Any], complaint_id: UUID) -> Receipt:
        """Erase the reporter's personal data (issue 14): the handling city bureau or the
        province orders it with a reason (422 without); the report's data key is destroyed,
        the filing stays in the log as it was (its leaf unchanged, `greenlist verify` passes)
        and every read of the identity or statement answers 410 with when and why."""
        return ctx().service.erase_reporter_data(
            acting(),
            complaint_id,
            body["reason"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )
