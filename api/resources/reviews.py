"""A unit's way through a round, under /api/v1/units/{code}: the city's nomination (A13.2,
A14), the preliminary review (A15.1), the panel draw and the expert review (A15.2), the site
inspection (A15.3) and the objections raised during the notice (A16.1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.commands import acting, command, expected_version
from api.context import ctx
from api.schemas.rounds import (
    DecideObjection,
    DrawPanel,
    ExpertReview,
    Nominate,
    PreliminaryReview,
    RaiseObjection,
    SiteInspection,
)
from domain.service.base import Receipt
from domain.values import Level

blp = Blueprint(
    "reviews", __name__, url_prefix="/api/v1/units", description="推荐与评审 Selection (A13.2-A16)"
)


@blp.route("/<string:code>/nominations")
class Nominations(MethodView):
    @blp.arguments(Nominate)
    @command(blp, "nominate", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The unit's city recommends it, by 30 June and within its quota (A13.2, A14.1); a
        unit not yet on the list below needs a justification (A14.2, A14.3)."""
        return ctx().service.nominate(
            acting(),
            code,
            Level(body["level"]),
            body["year"],
            body["justification"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/preliminary-review")
class PreliminaryReviews(MethodView):
    @blp.arguments(PreliminaryReview)
    @command(blp, "record_preliminary_review")
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The province's preliminary review of the materials comes first (A15.1)."""
        return ctx().service.record_preliminary_review(
            acting(),
            code,
            Level(body["level"]),
            body["passed"],
            body["notes"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
            open_questions=body["open_questions"],
        )


@blp.route("/<string:code>/expert-panel")
class ExpertPanel(MethodView):
    @blp.arguments(DrawPanel)
    @command(blp, "draw_expert_panel")
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The province draws the unit's expert panel at random from the pool, excluding the
        applicant's and its agency's employees (A15.2). Nobody chooses the seed: it derives
        from the verifiable log's root, and a body stating `seed` is refused (422, A15.2); the
        pool, the exclusions with their reasons, the log head, the seed and the panel are
        recorded. The receipt (and If-Match) is the round's; `details.panel` names the
        experts."""
        return ctx().service.draw_expert_panel(
            acting(),
            code,
            Level(body["level"]),
            body["year"],
            body["size"],
            body["justification"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
            seed=body["seed"],
        )


@blp.route("/<string:code>/expert-review")
class ExpertReviews(MethodView):
    @blp.arguments(ExpertReview)
    @command(blp, "record_expert_review")
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The drawn panel's conclusion and score, after the preliminary review (A15.2)."""
        return ctx().service.record_expert_review(
            acting(),
            code,
            Level(body["level"]),
            body["passed"],
            body["score"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/site-inspection")
class SiteInspections(MethodView):
    @blp.arguments(SiteInspection)
    @command(blp, "record_site_inspection")
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The site inspection of a sampled unit (A15.3)."""
        return ctx().service.record_site_inspection(
            acting(),
            code,
            Level(body["level"]),
            body["passed"],
            body["notes"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/objections")
class Objections(MethodView):
    @blp.arguments(RaiseObjection)
    @command(blp, "raise_objection", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """An objection to a unit under the 15-day notice (A16.1) that reached the province by
        another channel (a letter, a visit), recorded by the province, whose staff is the actor:
        an objector files with `POST /api/v1/notices/{level}/{year}/objections`, where the
        objector is kept like a reporter and never enters the unit's history (A16.1, A23.1).
        `details.objection_id` names it for the province's decision."""
        return ctx().service.raise_objection(
            acting(),
            code,
            Level(body["level"]),
            body["summary"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/objections/<uuid:objection_id>")
class Objection(MethodView):
    @blp.arguments(DecideObjection)
    @command(blp, "decide_objection")
    def put(self, body: dict[str, Any], code: str, objection_id: UUID) -> Receipt:
        """The province decides an objection; an upheld one withholds the unit (A16.1)."""
        return ctx().service.decide_objection(
            acting(),
            code,
            Level(body["level"]),
            objection_id,
            body["upheld"],
            body["justification"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )
