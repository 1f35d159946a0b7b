"""The audit trail (审计追踪): every recorded act in log order, with who acted, when in the world
and when recorded, the rules applied, the "in principle" rules overridden with their written
justification and the rule-set version in force (A29). For auditors, discipline inspection and
the provincial department only (A23: a reporter's identity never reaches it)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import read_roles
from api.context import ctx
from api.exports.http import export, exportable, pages, wanted
from api.exports.tables import Sheet
from api.query_memo import QUERY_PARSER
from api.reads import views
from api.rendering import render
from api.schemas.oversight import AuditPage, AuditRow
from api.schemas.reads import AuditQuery
from api.sql_rendering import remembered_append_only, render_page, rendered_append_only
from domain.values import micros
from projections.audit import audit_trail, audit_trail_sql

blp = Blueprint(
    "audit_trail",
    __name__,
    url_prefix="/api/v1/audit-trail",
    description="审计追踪 Audit trail (auditor, inspector, province)",
)
blp.ARGUMENTS_PARSER = QUERY_PARSER  # query strings parsed once (api.query_memo)


@blp.route("")
class AuditTrail(MethodView):
    @blp.arguments(AuditQuery(), location="query")  # an instance: not built per request
    @blp.response(200, AuditPage)
    @exportable(blp, AuditPage)
    def get(self, query: dict[str, Any]) -> Any:
        """The events of the log in order, filtered by unit (credit code), actor, region, rule
        code, event type and recorded instant (`since` inclusive, `until` exclusive).

        `after` is the log position of the last event of the previous page (`next_after`)."""
        read_roles("audit_trail", ("审计追踪", "the audit trail"))
        since, until, limit = query["since"], query["until"], query["limit"]
        db = views("audit", position=query["wait_for"])
        filters = {
            "unit": query["unit"],
            "actor": query["actor"],
            "region": query["region"],
            "rule": query["rule"],
            "type": query["type"],
            "since": micros(since) if since else None,
            "until": micros(until) if until else None,
        }
        fmt = wanted(query)
        if fmt:  # every row after `after`, a page per query while it streams
            every = pages(
                lambda after, size: audit_trail(db, **filters, limit=size, after=after),
                "position",
                query["after"],
            )
            return export(fmt, ("audit-trail", "审计追踪"), [Sheet("audit", AuditRow(), every)])
        after, memo = query["after"], ctx().rendered_rows
        page = tuple(filters.items())
        done = remembered_append_only(db, "audit_trail", page, limit, after, memo)
        if done is None:  # a full page is remembered; others read and rendered
            sql = audit_trail_sql(**filters, limit=limit + 1, after=after, columns="tableoid, *")
            done = rendered_append_only(db, AuditRow, sql, "position", limit, after, memo, page)
        if done is not None:  # PostgreSQL rendered the page (api.sql_rendering)
            rendered, last = done
            return render_page(AuditPage, {"next_after": last}, rendered)
        rows = audit_trail(db, **filters, limit=limit + 1, after=after)
        items = rows[:limit]
        return render(
            AuditPage,
            {"items": items, "next_after": items[-1]["position"] if len(rows) > limit else None},
        )
