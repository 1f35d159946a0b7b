"""Reports of a round (遴选轮次, A13.2-A16) from the rounds read model: its summary (for the
province-wide readers), its nominations with stage, panel, sample and exceptions taken (A14.2/
A14.3, A15.2) and the objections of its notice (A16.1) (also for a city bureau's units and an
enterprise's own), the quotas and their use (A13.2; a city bureau's own): see api.access. The
experts' scores (A15.2) for those who organise or supervise the review, and each expert's own.
The round's commands are in `api.resources.rounds` and `api.resources.expert_review`."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.access import city_rows_scope, read_roles, scope, unit_rows_scope
from api.reads import page, views
from api.schemas.read_rows import (
    NominationPage,
    ObjectionRow,
    QuotaUsage,
    RoundSummaryOut,
    ScorePage,
)
from api.schemas.reads import NominationQuery, Paged, Wait
from domain.errors import NotFound
from domain.rules.levels import LEVEL_ZH
from domain.values import Level, Role
from projections.rounds import nominations, objections, quota_usage, round_summary, scores

blp = Blueprint(
    "round_reports",
    __name__,
    url_prefix="/api/v1/rounds",
    description="遴选轮次报表 Round reports (A13.2-A16)",
)

LEVELS = ",".join(level.value for level in (Level.PROVINCIAL, Level.NATIONAL))
ROUND = f"/<any({LEVELS}):level>/<int(min=2000,max=2100):year>"


class Objections(Schema):
    items = fields.List(fields.Nested(ObjectionRow))


def no_round(level: str, year: int) -> NotFound:
    zh = f"{year}年度{LEVEL_ZH[level]}遴选轮次不存在"
    return NotFound(zh=zh, en=f"no {level} round of {year}")


@blp.route(f"{ROUND}/summary")
class Summary(MethodView):
    @blp.arguments(Wait, location="query")
    @blp.response(200, RoundSummaryOut)
    def get(self, query: dict[str, Any], level: str, year: int) -> dict[str, Any]:
        """The round: opening, sample, notice, co-signatures, publication, nominations per
        stage, quotas and objections (A13.2-A16.2): province-wide totals, for the province-wide
        readers only."""
        scope("round_summary", ("遴选轮次汇总", "a round's summary"))
        db = views("rounds", position=query["wait_for"])
        summary = round_summary(db, level, year)
        if summary is None:
            raise no_round(level, year)
        return {**summary, "objections": objections(db, level, year)}


@blp.route(f"{ROUND}/nominations")
class Nominations(MethodView):
    @blp.arguments(NominationQuery, location="query")
    @blp.response(200, NominationPage)
    def get(self, query: dict[str, Any], level: str, year: int) -> dict[str, Any]:
        """The round's nominations by city and credit code, with the exceptions taken and their
        justifications (A14.2/A14.3, A15.2)."""
        seen = unit_rows_scope(("推荐名单", "a round's nominations"), city=query["city"])
        db = views("rounds", position=query["wait_for"])
        rows = seen.units(nominations(db, level, year, city=query["city"]))
        return page(rows, query["limit"], query["after"])


@blp.route(f"{ROUND}/quota-usage")
class Quotas(MethodView):
    @blp.arguments(Wait, location="query")
    @blp.response(200, QuotaUsage)
    def get(self, query: dict[str, Any], level: str, year: int) -> dict[str, Any]:
        """Each city's quota, the nominations counted against it and what remains (A13.2)."""
        seen = city_rows_scope(("名额使用", "quota usage"))
        db = views("rounds", position=query["wait_for"])
        return {"items": seen.cities(quota_usage(db, level, year))}


@blp.route(f"{ROUND}/objections")
class RoundObjections(MethodView):
    @blp.arguments(Wait, location="query")
    @blp.response(200, Objections)
    def get(self, query: dict[str, Any], level: str, year: int) -> dict[str, Any]:
        """The objections raised during the round's notice and how they were decided
        (A16.1)."""
        seen = unit_rows_scope(("公示异议", "a round's objections"))
        db = views("rounds", position=query["wait_for"])
        rows = objections(db, level, year)
        if not seen.everything:
            codes = {n["unit_id"]: n["credit_code"] for n in nominations(db, level, year)}
            rows = seen.units(rows, code=lambda r: codes.get(r["unit_id"]))
        return {"items": rows}


@blp.route(f"{ROUND}/scores")
class Scores(MethodView):
    @blp.arguments(Paged, location="query")
    @blp.response(200, ScorePage)
    def get(self, query: dict[str, Any], level: str, year: int) -> dict[str, Any]:
        """The drawn experts' scores of the round's units by credit code and expert, with their
        opinions and corrections (A15.2): for the departments that organise the review, the
        discipline inspection committee and the auditors; an expert sees only their own."""
        actor = read_roles("scores", ("专家评分", "the experts' scores"))
        db = views("rounds", position=query["wait_for"])
        own = actor.id if actor.role is Role.EXPERT else None
        return page(scores(db, level, year, expert=own), query["limit"], query["after"])
