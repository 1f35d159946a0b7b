"""Accidents under /api/v1/units/{code}/accidents (A19.4, A17.2): the city's report, the
province's removal from the provincial list and report to MIIT, MIIT's national removal; and
a rectification's result under /api/v1/complaints/{id}/rectification (A23.2)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.commands import acting, command, expected_version
from api.context import ctx
from api.schemas.accidents import (
    MiitRemoval,
    RecordRectification,
    RemoveAfterAccident,
    ReportAccident,
)
from domain.service.base import Receipt

blp = Blueprint(
    "accidents", __name__, url_prefix="/api/v1", description="事故与整改 Accidents, rectification"
)


@blp.route("/units/<string:code>/accidents")
class Accidents(MethodView):
    @blp.arguments(ReportAccident)
    @command(blp, "report_accident", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The city reports an accident to the province, with its kind, grade and date (A19.4):
        an A17.2 ground for three years. Grade II (重大) and above: off the municipal list at
        once, the higher lists left to the province (details: `removed`,
        `awaiting_province`); below: removal at the annual publication (`removal_pending`)."""
        return ctx().service.report_accident(
            acting(),
            code,
            body["kind"],
            body["grade"],
            body["occurred_on"],
            body["description"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/units/<string:code>/accidents/<uuid:accident_id>/removal")
class AccidentRemoval(MethodView):
    @blp.arguments(RemoveAfterAccident)
    @command(blp, "remove_after_accident", 201)
    def post(self, body: dict[str, Any], code: str, accident_id: UUID) -> Receipt:
        """On the city's report of a major accident the province takes the unit off the
        provincial list at once and reports it to MIIT for the national one (A19.4); a city
        bureau never does (ID.3)."""
        return ctx().service.remove_after_accident(
            acting(),
            code,
            accident_id,
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/units/<string:code>/accidents/<uuid:accident_id>/miit-removal")
class MiitRemovals(MethodView):
    @blp.arguments(MiitRemoval)
    @command(blp, "record_miit_removal", 201)
    def post(self, body: dict[str, Any], code: str, accident_id: UUID) -> Receipt:
        """MIIT removed the unit from the national list on the province's report (A19.4); the
        province records it with MIIT's document number."""
        return ctx().service.record_miit_removal(
            acting(),
            code,
            accident_id,
            body["document_number"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/complaints/<uuid:complaint_id>/rectification")
class Rectification(MethodView):
    @blp.arguments(RecordRectification)
    @command(blp, "record_rectification")
    def put(self, body: dict[str, Any], complaint_id: UUID) -> Receipt:
        """The handling city records whether the unit rectified as the confirmed report asked
        (A23.2): rectified closes the follow-up; not rectified: removal at the annual
        publication (A19)."""
        return ctx().service.record_rectification(
            acting(),
            complaint_id,
            body["rectified"],
            notes=body["notes"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )
