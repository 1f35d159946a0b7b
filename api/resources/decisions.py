"""Why a decision was taken (A29): the event recorded at a version of a unit's stream, the unit
just before it, and each rule applied with its outcome, reconstructed from the log
(`Greenlist.explain_decision`). For the readers of the unit (api.access)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import unit_reader
from api.context import ctx
from api.schemas.common import plain
from api.schemas.oversight import DecisionOut
from api.schemas.reads import Wait

blp = Blueprint(
    "decisions",
    __name__,
    url_prefix="/api/v1/units",
    description="决定说明 Decision explanations (A29)",
)


@blp.route("/<string:code>/decisions/<int(min=1,max=1000000000):version>")
class Decision(MethodView):
    @blp.arguments(Wait, location="query")
    @blp.response(200, DecisionOut)
    def get(self, query: dict[str, Any], code: str, version: int) -> dict[str, Any]:
        """The decision recorded at `version` of the unit's stream: the event, the unit just
        before it and each rule with its true outcome (passed, refused, waived with the
        justification, not applicable; "applied" where the event recorded no evaluation), why,
        the inputs the act saw (a round's quota ledger, the A17 records checked, a park's
        members' records) and the rule-set version (A29).

        Read from the log itself, so it is never behind: `wait_for` is accepted and needs no
        wait. For the readers of the unit (api.access); 403 (ID.3) for anyone else."""
        unit_reader(code)
        explanation = ctx().service.explain_decision(code, version)
        body = plain(asdict(explanation))
        for rule, out in zip(explanation.rules, body["rules"], strict=True):
            out["statement_zh"], out["statement_en"] = rule.statement_zh, rule.statement_en
        return {
            **body,
            "justification": explanation.justification,
            "ruleset": explanation.ruleset,
            "position": explanation.event.position,
        }
