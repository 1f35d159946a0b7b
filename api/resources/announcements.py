"""Announcements (公告), public: the joint publications (A16.2), the removals (A19, A20.2 "with
an announcement") and the name changes (A20.2-3), newest first."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.exports.http import export, exportable, wanted
from api.exports.tables import Sheet
from api.log_state import log_state
from api.reads import page_after_key, views
from api.rendering import render
from api.schemas.read_rows import AnnouncementPage, AnnouncementRow
from api.schemas.reads import AnnouncementQuery
from projections.announcements import announcements, decoded

blp = Blueprint(
    "announcements",
    __name__,
    url_prefix="/api/v1/announcements",
    description="公告 Announcements (public)",
)


@blp.route("")
class Announcements(MethodView):
    @blp.arguments(AnnouncementQuery(), location="query")  # not built per request
    @blp.response(200, AnnouncementPage)
    @exportable(blp, AnnouncementPage)
    def get(self, query: dict[str, Any]) -> Any:
        """The announcements, newest first (public).

        By world date, then log position; `after` is the `position` of the last announcement
        of the previous page (`next_after`), so announcements made meanwhile never shift a
        page."""
        fmt = wanted(query)
        rows = announcements(
            views("announcements", position=query["wait_for"]),
            since=query["since"],
            until=query["until"],
            kind=query["kind"],
            level=query["level"],
            encoded=not fmt,  # a page's rows decoded only (issue 15 item 4)
        )
        if fmt:
            every = ({**row, "log": log_state(row["position"])} for row in rows)
            sheet = Sheet("announcements", AnnouncementRow(), every)
            return export(fmt, ("announcements", "公告"), [sheet])
        found = page_after_key(rows, "position", query["limit"], query["after"])
        shown = decoded(found["items"])
        found["items"] = [{**row, "log": log_state(row["position"])} for row in shown]
        return render(AnnouncementPage, found)  # compiled from the schema (api.rendering)
