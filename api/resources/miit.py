"""The national list is MIIT's (A15.4, A16.3): the province recommends the national round's
units to MIIT (POST /api/v1/rounds/national/{year}/recommendation, no notice before it),
records MIIT's published outcome for each (POST /api/v1/units/{code}/miit-outcomes) and, once,
back-enters the outcome of a national listing recorded before outcomes were kept
(POST /api/v1/units/{code}/miit-outcomes/migration)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.commands import acting, command, expected_version
from api.context import ctx
from api.schemas.common import Act
from api.schemas.miit import MiitMigration, MiitOutcome
from domain.service.base import Receipt

blp = Blueprint(
    "miit", __name__, url_prefix="/api/v1", description="国家级推荐 MIIT (A15.4, A16.3)"
)


@blp.route("/rounds/national/<int:year>/recommendation")
class Recommendation(MethodView):
    @blp.arguments(Act)
    @command(blp, "recommend_to_miit")
    def post(self, body: dict[str, Any], year: int) -> Receipt:
        """The province recommends to MIIT every unit of the national round past its reviews
        (A15.4, A16.3): no 15-day provincial notice and no co-signature (a notice, co-signature
        or publication on a national round is refused, 422 A16.3); refused while a sampled
        unit awaits its site inspection (422 A15.3), and a second time (422 A16.3). `details`
        lists the units `recommended` and `withheld` (an A17 ground since the nomination)."""
        return ctx().service.recommend_to_miit(
            acting(),
            year,
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/units/<string:code>/miit-outcomes")
class MiitOutcomes(MethodView):
    @blp.arguments(MiitOutcome)
    @command(blp, "record_miit_outcome", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The province records MIIT's published outcome on a unit it recommended (A16.3):
        listed (the unit is on the national list from MIIT's date) or not, with MIIT's document
        number; `occurred_at` is MIIT's publication. One per unit and year; refused (422 A16.3)
        for a unit not recommended, a second outcome, a blank document number, a date before
        the recommendation or in the future."""
        return ctx().service.record_miit_outcome(
            acting(),
            code,
            body["year"],
            body["listed"],
            body["document_number"],
            body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/units/<string:code>/miit-outcomes/migration")
class MiitMigrations(MethodView):
    @blp.arguments(MiitMigration)
    @command(blp, "migrate_national_outcome", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The migration act (A15.4, A16.3): a national listing recorded by the province's own
        publication before MIIT outcomes were kept gets MIIT's outcome "listed" back-entered,
        with its document number, dated the listing's date; nothing recorded is edited.
        Refused (422 A16.3) for a unit without such a listing, or a second time."""
        return ctx().service.migrate_national_outcome(
            acting(),
            code,
            body["document_number"],
            body["justification"],
            expected_version=expected_version(),
        )
