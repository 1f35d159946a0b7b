"""Cultivation pools (培育库, A8): a city's pool of a year, and the size of every city's pool
(one of the weights of its next quota, A13.2). For the province-wide readers, a city bureau
for its own city and an enterprise for its own entry (api.access)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import city_rows_scope, unit_rows_scope
from api.reads import page, views
from api.schemas.read_rows import PoolCounts, PoolPage
from api.schemas.reads import PoolCountQuery, PoolQuery
from domain.values import CITIES
from projections.pools import pool, pool_counts

blp = Blueprint("pools", __name__, url_prefix="/api/v1/pools", description="培育库 Pools (A8)")

CITY = "<any(" + ",".join(f"'{c}'" for c in sorted(CITIES)) + "):city>"


@blp.route("")
class Pools(MethodView):
    @blp.arguments(PoolCountQuery, location="query")
    @blp.response(200, PoolCounts)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Pooled and priority units per city and year (A8, A13.2)."""
        seen = city_rows_scope(("培育库规模", "the pools' sizes"), city=query["city"])
        db = views("pools", position=query["wait_for"])
        return {"items": seen.cities(pool_counts(db, year=query["year"], city=query["city"]))}


@blp.route(f"/{CITY}/<int(min=2000,max=2100):year>")
class CityPool(MethodView):
    @blp.arguments(PoolQuery, location="query")
    @blp.response(200, PoolPage)
    def get(self, query: dict[str, Any], city: str, year: int) -> dict[str, Any]:
        """A city's cultivation pool of a year, priority units first (A8)."""
        seen = unit_rows_scope(("培育库", "the cultivation pool"), city=city)
        db = views("pools", position=query["wait_for"])
        rows = seen.units(pool(db, city, year, priority=query["priority"]))
        return page(rows, query["limit"], query["after"])
