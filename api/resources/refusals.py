"""The refusals trail (A29): every act of an official the rules refused, with who, which
command on what, the rule codes and why, and when (api.refusals). For the province-wide readers
(the province, the co-signing departments, discipline inspection, the auditors). A reporter's
refused filing is not in it (A23.1)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import read_roles
from api.context import ctx
from api.schemas.refusals import RefusalPage, RefusalQuery
from domain.values import micros

blp = Blueprint(
    "refusals",
    __name__,
    url_prefix="/api/v1/refusals",
    description="被拒绝的行为 Refused acts (auditor, inspector, province-wide readers)",
)


@blp.route("")
class RefusalsTrail(MethodView):
    @blp.arguments(RefusalQuery, location="query")
    @blp.response(200, RefusalPage)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The officials' refused acts in the order they were refused, filtered by actor, role,
        region, rule code and instant (`since` inclusive, `until` exclusive).

        `after` is the `id` of the last row of the previous page (`next_after`). Kept as each
        refusal is answered, so never behind: `wait_for` is accepted and needs no wait."""
        read_roles("refusals", ("被拒绝的行为", "the refused acts"))
        trail = ctx().refusals
        since, until, limit = query["since"], query["until"], query["limit"]
        rows = (
            trail.rows(
                actor=query["actor"],
                role=query["role"],
                region=query["region"],
                code=query["code"],
                since=micros(since) if since else None,
                until=micros(until) if until else None,
                after=query["after"],
                limit=limit + 1,
            )
            if trail
            else []
        )
        items = rows[:limit]
        return {"items": items, "next_after": items[-1]["id"] if len(rows) > limit else None}
