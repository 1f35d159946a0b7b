"""Supervision for discipline inspection (机关纪委现场监督, A15.2): every exception taken with its
justification (A14.2/A14.3, A15.2), the rules overridden and by whom, acts recorded late (A18)
or back-entered, every read of a reporter's identity (A23), each actor's activity and the
committee's own on-site supervision of the rounds (A15.2). For inspectors and auditors only; the
inspectors record their supervision with `POST /api/v1/rounds/{level}/{year}/supervision`."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.access import read_roles
from api.exports.http import export, exportable, section, wanted
from api.exports.tables import Sheet
from api.reads import views
from api.schemas.oversight import SupervisionOut
from api.schemas.reads import SupervisionQuery
from domain.values import micros
from projections.supervision_report import report

blp = Blueprint(
    "supervision",
    __name__,
    url_prefix="/api/v1/supervision",
    description="纪委监督 Supervision (inspector, auditor)",
)


@blp.route("")
class Supervision(MethodView):
    @blp.arguments(SupervisionQuery, location="query")
    @blp.response(200, SupervisionOut)
    @exportable(blp, SupervisionOut)
    def get(self, query: dict[str, Any]) -> Any:
        """Exceptions, overridden rules, late and back-entered acts, reads of reporters'
        identities (A23), activity per actor and the on-site supervision recorded (A15.2
        机关纪委现场监督)."""
        read_roles("supervision", ("纪委监督", "supervision"))
        position = query["wait_for"]
        since, until = query["since"], query["until"]
        sections = report(
            views("supervision", position=position),
            views("audit", position=position),
            since=micros(since) if since else None,
            until=micros(until) if until else None,
            region=query["region"],
        )
        fmt = wanted(query)
        if fmt:  # one sheet per section, as SupervisionOut's rows
            out = SupervisionOut()
            sheets = [Sheet(name, section(out, name), rows) for name, rows in sections.items()]
            return export(fmt, ("supervision", "纪委监督"), sheets)
        return sections
