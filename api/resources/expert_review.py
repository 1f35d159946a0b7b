"""The expert review's own acts under /api/v1/rounds/{level}/{year} (A15.2): a drawn expert's
score of a unit, and the on-site supervision recorded by the department's discipline inspection
committee (机关纪委). Both are recorded on the round, which holds the panels: the receipt, the
ETag and If-Match are the round's. The scores are read at `.../scores` (api.resources.
round_reports), the supervision at /api/v1/supervision."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.commands import acting, command, expected_version
from api.context import ctx
from api.resources.rounds import ROUND
from api.schemas.rounds import RecordSupervision, ScoreUnit
from domain.service.base import Receipt
from domain.values import Level

blp = Blueprint(
    "expert_review",
    __name__,
    url_prefix="/api/v1",
    description="专家评分与现场监督 Expert scores and on-site supervision (A15.2)",
)


@blp.route(f"{ROUND}/units/<string:code>/scores")
class Scores(MethodView):
    @blp.arguments(ScoreUnit)
    @command(blp, "score_unit", 201)
    def post(self, body: dict[str, Any], level: str, year: int, code: str) -> Receipt:
        """An expert (the token's `sub` is the expert's id in the pool) drawn onto the unit's
        panel scores it, with a written opinion, between the preliminary review and the
        recorded conclusion (A15.2). Once: a correction of one's own score needs a
        justification and shows in supervision as an exception. An expert not on the unit's
        panel is refused (403, A15.2). `details.previous_score` is the score corrected."""
        return ctx().service.score_unit(
            acting(),
            Level(level),
            year,
            code,
            body["score"],
            body["opinion"],
            body["justification"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route(f"{ROUND}/supervision")
class Supervision(MethodView):
    @blp.arguments(RecordSupervision)
    @command(blp, "record_on_site_supervision", 201)
    def post(self, body: dict[str, Any], level: str, year: int) -> Receipt:
        """The discipline inspection committee (机关纪委) records that it supervised the round's
        panel draw, expert review, site inspection or publication on site (A15.2); its only
        act: the inspectors read everything and change nothing else."""
        return ctx().service.record_on_site_supervision(
            acting(),
            Level(level),
            year,
            body["activity"],
            body["notes"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )
