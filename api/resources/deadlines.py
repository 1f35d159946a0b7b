"""Deadlines (projections.deadlines): what falls due on which date and how each was settled,
by the scheduler (the system) or by a person. For the province-wide readers (with the audit
trail they show when the system acted on each deadline, once), a city bureau for its own
city's units and an enterprise for its own; a round's deadlines (A14.1, A16.1) for each of them
(api.access)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.access import unit_rows_scope
from api.reads import page, views
from api.schemas.read_rows import paged
from api.schemas.reads import Paged, number, text
from projections.deadlines import KINDS, upcoming

STATUSES = ("open", "overdue", "waiting", "done", "cancelled")

blp = Blueprint(
    "deadlines",
    __name__,
    url_prefix="/api/v1/deadlines",
    description="期限 Deadlines (A14.1, A16.1, A17, A18, A21, A23.2)",
)


class DeadlineQuery(Paged):
    status = fields.String(load_default="open", validate=validate.OneOf(STATUSES))
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))


class DeadlineRow(Schema):
    deadline_id = text()
    kind = text(metadata={"description": "window, notice, form, rereview, lapse or rectification"})
    rule = text()
    aggregate_id = text()
    credit_code = text()
    level = text()
    year = number()
    record_id = text()
    due_on = text(metadata={"description": "the logical date the act is for"})
    status = text(
        metadata={
            "description": "open, overdue (a rectification past its date, still to be "
            "recorded, A23.2), waiting (no date yet), done or cancelled"
        }
    )
    settled_by = text(metadata={"description": "the event type that settled it"})


DeadlinePage = paged(DeadlineRow, "DeadlinePage")


@blp.route("")
class Deadlines(MethodView):
    @blp.arguments(DeadlineQuery, location="query")
    @blp.response(200, DeadlinePage)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Deadlines by status and kind, earliest due first."""
        seen = unit_rows_scope(("期限", "deadlines"))
        db = views("deadlines", position=query["wait_for"])
        rows = seen.units(upcoming(db, kind=query["kind"], status=query["status"]), shared=True)
        return page(rows, query["limit"], query["after"])
