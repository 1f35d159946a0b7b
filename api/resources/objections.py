"""Objections filed during the public notice, under /api/v1/objections/{id} (A16.1): the
province registers each for handling (only then does the unit's history say an objection was
raised, with the province as the actor) and decides it with its reasons; the objector's
identity is disclosed only to the province and inspectors, for a stated reason, each
disclosure recorded; the objector's data sealed at rest and erasable (issue 14)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import reader
from api.commands import acting, command, disclosure, expected_version
from api.context import ctx
from api.schemas.common import plain
from api.schemas.custody import Disclose, Erase
from api.schemas.custody import ObjectionCase as ObjectionCaseOut
from api.schemas.notices import DecideFiledObjection, RegisterObjection
from domain.service.base import Receipt

blp = Blueprint(
    "objections",
    __name__,
    url_prefix="/api/v1/objections",
    description="公示异议 Objections to the notice (A16.1)",
)


@blp.route("/<uuid:objection_id>/registration")
class Registration(MethodView):
    @blp.arguments(RegisterObjection)
    @command(blp, "register_objection")
    def put(self, body: dict[str, Any], objection_id: UUID) -> Receipt:
        """The province registers the objection for handling (A16.1): the unit's history now
        says an objection was raised, with the province as the actor and `summary` (default:
        the grounds). Deciding it needs it (422, A16.1)."""
        return ctx().service.register_objection(
            acting(),
            objection_id,
            body["summary"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<uuid:objection_id>/decision")
class Decision(MethodView):
    @blp.arguments(DecideFiledObjection)
    @command(blp, "decide_filed_objection")
    def put(self, body: dict[str, Any], objection_id: UUID) -> Receipt:
        """The province decides a registered objection with its reasons (A16.1): recorded on
        the objection and on the unit; an upheld one keeps the unit off the list at the
        publication, which waits until every objection filed during the notice is decided."""
        return ctx().service.decide_filed_objection(
            acting(),
            objection_id,
            body["upheld"],
            body["reasons"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<uuid:objection_id>")
class ObjectionCase(MethodView):
    @blp.response(200, ObjectionCaseOut)
    def get(self, objection_id: UUID) -> Response:
        """The objection as the province handles it (and inspectors oversee it): the unit, its
        state, the grounds and evidence (opened from the seal), how often the objector was
        disclosed, whether and why the personal data was erased. Never who filed it. Anyone
        else: 403 (A16.1, A23.1)."""
        case = ctx().service.read_objection(reader(), objection_id)
        response = jsonify(plain(case))
        response.headers["Cache-Control"] = "no-store"
        return response


@blp.route("/<uuid:objection_id>/disclosures")
class ObjectorDisclosures(MethodView):
    @blp.arguments(Disclose)
    @disclosure(blp, "disclose_objector")
    def post(self, body: dict[str, Any], objection_id: UUID) -> tuple[Any, Receipt]:
        """Who objected, for a stated reason: the province and inspectors only (403
        otherwise), refused without a reason (422, A16.1 + A23.1) and once erased (410); the
        disclosure is recorded before the identity is opened, and listed in supervision."""
        return ctx().service.disclose_objector(acting(), objection_id, body["reason"])


@blp.route("/<uuid:objection_id>/erasure")
class ObjectorErasure(MethodView):
    @blp.arguments(Erase)
    @command(blp, "erase_objector_data")
    def post(self, body: dict[str, Any], objection_id: UUID) -> Receipt:
        """Erase the objector's personal data (issue 14): the province orders it with a reason
        (422 without); the data key is destroyed, the filing stays in the log as it was."""
        return ctx().service.erase_objector_data(
            acting(),
            objection_id,
            body["reason"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )
