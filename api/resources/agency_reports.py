"""The agencies' ledger and performance (第三方评价机构): projects per legal representative and
year against the yearly limits (A22.3), and every agency's reports, pass rate and confirmed
problems (A22.2). For the province-wide readers, and an agency for its own rows
(api.access); the acts are in `api.resources.agencies`."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import agency_rows_scope
from api.reads import page, views
from api.schemas.oversight import LedgerPage, PerformancePage, PublishedPerformancePage
from api.schemas.reads import LedgerQuery, PerformanceQuery
from projections.agencies import agency_performance, ledger, published_performance

blp = Blueprint(
    "agency_reports",
    __name__,
    url_prefix="/api/v1",
    description="第三方评价机构台账 Agency ledger and performance (A22.2-3)",
)


LEDGER = ("第三方机构项目台账", "the agencies' ledger")
PERFORMANCE = ("第三方机构履职情况", "the agencies' performance")


@blp.route("/agency-ledger")
class Ledger(MethodView):
    @blp.arguments(LedgerQuery, location="query")
    @blp.response(200, LedgerPage)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Projects per legal representative and year, counted national or provincial against
        the yearly limits, with what remains (A22.3)."""
        seen = agency_rows_scope(LEDGER)
        db = views("agencies", position=query["wait_for"])
        rows = ledger(db, query["legal_representative"], query["year"])
        rows = seen.agencies(rows, lambda r: r["agencies"])
        return page(rows, query["limit"], query["after"])


@blp.route("/agency-performance")
class Performance(MethodView):
    @blp.arguments(PerformanceQuery, location="query")
    @blp.response(200, PerformancePage)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Every registered agency: reports submitted, passed, failed, pass rate and confirmed
        problems, in one year or over all years (A22.2)."""
        seen = agency_rows_scope(PERFORMANCE)
        db = views("agencies", position=query["wait_for"])
        rows = seen.agencies(agency_performance(db, query["year"]), lambda r: [r["credit_code"]])
        return page(rows, query["limit"], query["after"])


@blp.route("/agencies/performance")
class PublishedPerformance(MethodView):
    @blp.arguments(PerformanceQuery, location="query")
    @blp.response(200, PublishedPerformancePage)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """How the third-party agencies performed, as the province publishes it (A22.2,
        public, no token): per agency and year, its reports per level, passed, failed and pass
        rate, the misconduct found (A22.1) and its projects counted toward the yearly limits
        (A22.3). With `year`, every registered agency in that year; without, each agency's
        years of work, latest first. No legal representative and no reporter is shown."""
        db = views("agencies", position=query["wait_for"])
        return page(published_performance(db, query["year"]), query["limit"], query["after"])
