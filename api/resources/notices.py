"""The public notice under /api/v1/notices (A16.1), read without a token: each round's proposed
list under notice (the units' credit codes, names, kinds and cities), its opening and last day,
its status (open, closed, published) and the objections' counts and outcomes, never who
objected. Anyone objects there during the notice, without a token (limited per client, like
real-name reports), under their real name with contact and evidence (A16.1, A23.1)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.commands import acting, command
from api.context import ctx
from api.openapi import rate_limited
from api.reads import views
from api.schemas.notices import FileObjection, NoticesOut, PublicNoticeOut
from api.schemas.reads import Wait
from domain.service.base import Receipt
from domain.values import Level
from projections.rounds import noticed

blp = Blueprint(
    "notices", __name__, url_prefix="/api/v1/notices", description="公示 Public notices (A16.1)"
)

LEVELS = ",".join(level.value for level in (Level.PROVINCIAL, Level.NATIONAL))
NOTICE = f"/<any({LEVELS}):level>/<int(min=2000,max=2100):year>"


@blp.route("")
class Notices(MethodView):
    @blp.arguments(Wait, location="query")
    @blp.response(200, NoticesOut)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Every public notice opened, latest year first (public, A16.1): the proposed list,
        the dates, the status and the objections' counts and outcomes, never who objected."""
        db = views("rounds", position=query["wait_for"])
        service = ctx().service
        items = [service.public_notice(Level(r["level"]), int(r["year"])) for r in noticed(db)]
        return {"items": items}


@blp.route(NOTICE)
class Notice(MethodView):
    @blp.response(200, PublicNoticeOut)
    def get(self, level: str, year: int) -> dict[str, Any]:
        """A round's public notice as recorded now (public, A16.1); 404 before it opens."""
        return dict(ctx().service.public_notice(Level(level), year))


@blp.route(f"{NOTICE}/objections")
class Objections(MethodView):
    @blp.arguments(FileObjection)
    @command(blp, "file_objection", 201)
    @rate_limited(blp, "objections")
    def post(self, body: dict[str, Any], level: str, year: int) -> Receipt:
        """Object to a unit on the round's proposed list while its notice runs; no token
        needed (A16.1). Under your real name with contact and evidence (refused without, A16.1
        and A23.1); before or after the notice, or against a unit not on it, refused (422,
        A16.1). The answer names the objection, never the objector, who is kept in the
        objection alone: the unit's history is untouched until the province registers it.
        Limited per client (429 with Retry-After). Inspectors and auditors read and change
        nothing, so their tokens may not object (403)."""
        return ctx().service.file_objection(
            acting(),
            Level(level),
            year,
            body["credit_code"].strip().upper(),
            body["objector_name"],
            body["objector_contact"],
            body["evidence"],
            body["grounds"],
            occurred_at=body["occurred_at"],
        )
