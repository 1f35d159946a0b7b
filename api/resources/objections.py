"""Objections filed during the public notice, under /api/v1/objections/{id} (A16.1): the
province registers each for handling (only then does the unit's history say an objection was
raised, with the province as the actor) and decides it with its reasons; the objector's
identity is shown only to the province and inspectors, each look recorded."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import reader
from api.commands import acting, command, expected_version
from api.context import ctx
from api.schemas.notices import DecideFiledObjection, ObjectorOut, RegisterObjection
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


@blp.route("/<uuid:objection_id>/objector")
class Objector(MethodView):
    @blp.response(200, ObjectorOut)
    def get(self, objection_id: UUID) -> Response:
        """Who objected: for the province and inspectors only, and each read is recorded in
        the objection's history (A16.1, protected as a reporter is, A23.1); anyone else is
        refused (403)."""
        identity = ctx().service.read_objector(reader(), objection_id)
        response = jsonify(identity)
        response.headers["Cache-Control"] = "no-store"
        return response
