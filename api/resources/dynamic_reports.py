"""Dynamic management reports (动态管理): the yearly forms of a reporting year with their status
(A18: due 15 April of the next year; late and overdue forms lead to removal, A19.2) and the
five-yearly re-reviews falling due (A21). For the province-wide readers, a city bureau for its
own city's units and an enterprise for its own (api.access); the acts are in
`api.resources.dynamic`."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import unit_rows_scope
from api.reads import page, views
from api.schemas.oversight import DynamicFormPage, RereviewPage
from api.schemas.reads import FormQuery, RereviewQuery
from projections.dynamic import forms, rereviews_due

blp = Blueprint(
    "dynamic_reports",
    __name__,
    url_prefix="/api/v1",
    description="动态管理报表 Dynamic management reports (A18, A21)",
)


@blp.route("/dynamic-forms/<int(min=2000,max=2100):year>")
class Forms(MethodView):
    @blp.arguments(FormQuery, location="query")
    @blp.response(200, DynamicFormPage)
    def get(self, query: dict[str, Any], year: int) -> dict[str, Any]:
        """The forms of reporting year `year`: due, submitted, late or overdue (A18, A19.2)."""
        seen = unit_rows_scope(("年度动态管理表", "the yearly forms"))
        db = views("dynamic", position=query["wait_for"])
        rows = seen.units(forms(db, year, status=query["status"]))
        return page(rows, query["limit"], query["after"])


@blp.route("/rereviews-due")
class RereviewsDue(MethodView):
    @blp.arguments(RereviewQuery, location="query")
    @blp.response(200, RereviewPage)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The listed units whose five-yearly re-review falls due before `before` (A21)."""
        seen = unit_rows_scope(("五年复核", "the re-reviews due"))
        db = views("dynamic", position=query["wait_for"])
        rows = seen.units(rereviews_due(db, query["before"]))
        return page(rows, query["limit"], query["after"])
