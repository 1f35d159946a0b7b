"""Rounds under /api/v1/rounds/{level}/{year}: opening with the cities' quotas (A13.2), the read
of the round, the site sample (A15.3), the 15-day notice (A16.1), the co-signatures and the
joint publication (A16.2); and the expert pool the panels are drawn from (A15.2)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import round_scope, round_view
from api.commands import Created, acting, command, expected_version
from api.context import ctx, etag
from api.openapi import READ_ETAG
from api.schemas.common import Act, plain
from api.schemas.rounds import (
    ROUND_LEVELS,
    AdjustmentOpinions,
    Cosign,
    EnrolExpert,
    OpenRound,
    RoundOut,
    SetQuota,
)
from api.schemas.rounds import SiteSample as SiteSampleIn
from domain.service.base import Receipt
from domain.values import Level

blp = Blueprint("rounds", __name__, url_prefix="/api/v1", description="遴选轮次 Rounds (A13.2-A16)")

ROUND = f"/rounds/<any({','.join(ROUND_LEVELS)}):level>/<int:year>"


@blp.route("/rounds")
class Rounds(MethodView):
    @blp.arguments(OpenRound)
    @command(blp, "open_round", 201, location="the round opened")
    def post(self, body: dict[str, Any]) -> Created:
        """The province opens a provincial or national round with the cities' quotas (A13.2)."""
        level, year = Level(body["level"]), body["year"]
        receipt = ctx().service.open_round(
            acting(), level, year, body["quotas"], occurred_at=body["occurred_at"]
        )
        return Created(receipt, f"/api/v1/rounds/{level.value}/{year}")


@blp.route(ROUND)
class RoundResource(MethodView):
    @blp.response(200, RoundOut, headers=READ_ETAG)
    def get(self, level: str, year: int) -> Response:
        """A round as recorded now; the ETag is its version (If-Match for the round's acts).
        Whole for the province-wide readers; a city bureau sees its own quota and units, an
        enterprise its own unit, an expert the units on its panels (api.access)."""
        seen = round_scope()
        view = round_view(seen, ctx().service.get_round(Level(level), year))
        response = jsonify(plain(view))
        response.headers["ETag"] = etag(int(view["version"]))
        return response


@blp.route(f"{ROUND}/quotas/<string:city>")
class Quota(MethodView):
    @blp.arguments(SetQuota)
    @command(blp, "set_quota")
    def put(self, body: dict[str, Any], level: str, year: int, city: str) -> Receipt:
        """The province sets one city's quota, never below the nominations made (A13.2):
        derived from `inputs` (the previous year's selection rate, the cultivation pool's size
        and the base; the formula and its inputs are recorded with the quota), or `quota` set
        by hand with a written `justification` (refused without one, 422 A13.2; shown to the
        discipline inspection committee in supervision). The receipt's details give the quota
        and its basis."""
        service, inputs = ctx().service, body["inputs"]
        if inputs is not None:
            return service.derive_quota(
                acting(),
                Level(level),
                year,
                city,
                inputs["previous_rate"],
                inputs["pool_size"],
                inputs["base"],
                occurred_at=body["occurred_at"],
                expected_version=expected_version(),
            )
        return service.set_quota(
            acting(),
            Level(level),
            year,
            city,
            body["quota"],
            body["justification"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route(f"{ROUND}/site-sample")
class SiteSample(MethodView):
    @blp.arguments(SiteSampleIn)
    @command(blp, "draw_site_sample")
    def post(self, body: dict[str, Any], level: str, year: int) -> Receipt:
        """The province samples the units past the expert review for site inspection, weighted
        by their results; seed and candidates are recorded (A15.3)."""
        return ctx().service.draw_site_sample(
            acting(),
            Level(level),
            year,
            body["size"],
            body["seed"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route(f"{ROUND}/notice")
class Notice(MethodView):
    @blp.arguments(Act)
    @command(blp, "open_public_notice")
    def post(self, body: dict[str, Any], level: str, year: int) -> Receipt:
        """The province puts every unit that passed its reviews under 15-day notice (A16.1);
        refused while a sampled unit awaits its site inspection (A15.3)."""
        return ctx().service.open_public_notice(
            acting(),
            Level(level),
            year,
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route(f"{ROUND}/cosignatures")
class Cosignatures(MethodView):
    @blp.arguments(Cosign)
    @command(blp, "cosign_publication")
    def post(self, body: dict[str, Any], level: str, year: int) -> Receipt:
        """A co-publishing department (发改委 ndrc, 生态环境厅 eco_env) signs the joint
        publication, each once by its own signatory (A16.2). The signature is the department's
        named in the signer's token (its `department` claim): a body naming another one is
        refused (403, ID.3 and A16.2)."""
        return ctx().service.cosign_publication(
            acting(),
            Level(level),
            year,
            body["department"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route(f"{ROUND}/publication")
class Publication(MethodView):
    @blp.arguments(Act)
    @command(blp, "publish_round")
    def post(self, body: dict[str, Any], level: str, year: int) -> Receipt:
        """The joint publication once the notice is over and, for the provincial list, both
        departments have signed (A16.1, A16.2); deferred removals and renames take effect at
        the provincial one (A19.1-3, A20.3). `details` lists the units by outcome."""
        return ctx().service.publish_round(
            acting(),
            Level(level),
            year,
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route(f"{ROUND}/adjustment-opinions")
class Opinions(MethodView):
    @blp.arguments(AdjustmentOpinions)
    @command(blp, "submit_adjustment_opinions")
    def post(self, body: dict[str, Any], level: str, year: int) -> Receipt:
        """A city sends, with its recommendations of the round (by 30 June, A14.1), its
        adjustment opinions on its units of that list whose changes it confirmed (A20.2):
        rename, removal or keep, with reasons; a rename or removal takes effect at the annual
        publication (A20.3). Refused (422 A20.3) for a unit not on the list, a change not
        confirmed or already the subject of an opinion."""
        return ctx().service.submit_adjustment_opinions(
            acting(),
            Level(level),
            year,
            body["opinions"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/experts")
class Experts(MethodView):
    @blp.arguments(EnrolExpert)
    @command(blp, "enrol_expert", 201)
    def post(self, body: dict[str, Any]) -> Receipt:
        """The province adds an expert, with the employer (a valid credit code, ID.1) used to
        exclude conflicts, to the Zhejiang green low-carbon expert pool (A15.2)."""
        return ctx().service.enrol_expert(
            acting(),
            body["expert_id"],
            body["name"],
            body["employer_code"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )
