"""Selection rates (入选率) per level, year and city: nominated, listed, withheld and the rate,
provisional until the round's joint publication (A13.2: a city's rate weighs on its next quota).
For the province-wide readers and a city bureau for its own city (api.access)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import city_rows_scope
from api.reads import views
from api.schemas.read_rows import SelectionRates
from api.schemas.reads import RateQuery
from projections.selection_rate import selection_rates

blp = Blueprint(
    "selection_rates",
    __name__,
    url_prefix="/api/v1/selection-rates",
    description="入选率 Selection rates (A13.2)",
)


@blp.route("")
class Rates(MethodView):
    @blp.arguments(RateQuery, location="query")
    @blp.response(200, SelectionRates)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Nominated, listed, withheld and the rate per level, year and city (A13.2)."""
        seen = city_rows_scope(("入选率", "selection rates"), city=query["city"])
        db = views("selection_rate", position=query["wait_for"])
        rows = selection_rates(db, year=query["year"], level=query["level"], city=query["city"])
        return {"items": seen.cities(rows)}
