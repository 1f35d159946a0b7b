"""The console's oversight pages: the audit trail, supervision (with its charts), rounds,
announcements, deadlines, and the export links' pass-through (routes on api.console.views.bp)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import current_app, request
from werkzeug.wrappers import Response

from api.console import client
from api.console.client import Refused, every, get, instant
from api.console.views import LEVELS, PAGE, bp, page, refused

AUDIT_FILTERS = ("actor", "region", "rule", "type", "since", "until")


# Audit trail ------------------------------------------------------------------------------


@bp.route("/audit")
def audit() -> Response:
    """The audit trail by the API's filters (actor, region, rule, event kind, recorded dates);
    by role, or by dates in the world (when the acts say they happened), the console keeps the
    matching rows of the API's pages, `PAGE` at a time."""
    args = request.args
    query = {name: args.get(name, "").strip() for name in (*AUDIT_FILTERS, "role", "basis")}
    world = query["basis"] == "world"
    api_query = {name: query[name] for name in AUDIT_FILTERS}
    bounds: dict[str, datetime | None] = {}
    for name in ("since", "until"):
        moment = instant(query[name])
        if query[name] and moment is None:
            return page(
                "audit.html", 422, query=query, exported="", rows=[], next_after=None, bad=name
            )
        if name == "since" and moment is not None and len(query[name]) == 10:
            moment = moment - timedelta(days=1, microseconds=-1)  # from that day's start
        bounds[name] = moment
        api_query[name] = "" if world or moment is None else moment.isoformat()
    try:
        if world or query["role"]:
            rows, next_after = _kept(api_query, args.get("after"), query["role"], world, bounds)
        else:
            answer = get("/api/v1/audit-trail", limit=PAGE, after=args.get("after"), **api_query)
            rows, next_after = answer.get("items", []), answer.get("next_after")
    except Refused as error:
        return refused(error)
    return page(
        "audit.html",
        query=query,
        exported=urlencode({k: v for k, v in api_query.items() if v}),
        rows=rows,
        next_after=next_after,
        bad=None,
    )


def _kept(
    api_query: dict[str, str],
    after: str | None,
    role: str,
    world: bool,
    bounds: dict[str, datetime | None],
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to PAGE rows of the API's audit trail after `after` of `role`, and (world) whose act
    happened within the bounds; and the position to go on from."""
    since, until = bounds.get("since"), bounds.get("until")

    def keep(row: dict[str, Any]) -> bool:
        if role and row.get("actor_role") != role:
            return False
        if not world:
            return True
        happened = datetime.fromisoformat(str(row.get("occurred") or row.get("occurred_at")))
        return (since is None or happened >= since) and (until is None or happened < until)

    rows: list[dict[str, Any]] = []
    cursor: Any = after
    while True:
        answer = get("/api/v1/audit-trail", limit=client.MAX_PAGE, after=cursor, **api_query)
        for row in answer.get("items", []):
            if keep(row):
                rows.append(row)
                if len(rows) == PAGE:
                    return rows, int(row["position"])
        cursor = answer.get("next_after")
        if cursor is None:
            return rows, None


# Supervision ------------------------------------------------------------------------------


def _series(rows: list[dict[str, Any]], key: str, top: int = 8) -> dict[str, Any]:
    """Acts per month for the `top` most active values of `key` (an actor, a region)."""
    months = sorted({r["recorded"][:7] for r in rows})
    leaders = [name for name, _ in Counter(r[key] for r in rows).most_common(top)]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        if r[key] in leaders:
            counts[r[key]][r["recorded"][:7]] += 1
    return {
        "months": months,
        "series": [{"name": n, "data": [counts[n][m] for m in months]} for n in leaders],
    }


@bp.route("/supervision")
def supervision() -> Response:
    since = instant(request.args.get("since"))
    region = request.args.get("region") or None
    try:
        report = get(
            "/api/v1/supervision", since=since.isoformat() if since else None, region=region
        )
        acts = list(
            every(
                "/api/v1/audit-trail",
                since=since.isoformat() if since else None,
                region=region,
            )
        )
    except Refused as error:
        return refused(error)
    chart = {"actors": _series(acts, "actor_id"), "cities": _series(acts, "actor_region")}
    activity = [{**r, "acts": sum(r.get("by_type", {}).values())} for r in report["actor_activity"]]
    return page(
        "supervision.html",
        report=report,
        activity=sorted(activity, key=lambda r: -r["acts"]),
        chart=json.dumps(chart, ensure_ascii=False),
        since=request.args.get("since", ""),
        region=region or "",
    )


# Announcements and deadlines ---------------------------------------------------------------


@bp.route("/announcements")
def announcements() -> Response:
    args = request.args
    try:
        answer = get(
            "/api/v1/announcements",
            limit=PAGE,
            after=args.get("after"),
            level=args.get("level") if args.get("level") in LEVELS else None,
        )
    except Refused as error:
        return refused(error)
    return page(
        "announcements.html",
        rows=answer.get("items", []),
        next_after=answer.get("next_after"),
        level=args.get("level", ""),
        levels=LEVELS,
    )


@bp.route("/deadlines")
def deadlines() -> Response:
    args = request.args
    status = args.get("status") or "open"
    try:
        answer = get("/api/v1/deadlines", limit=PAGE, after=args.get("after"), status=status)
    except Refused as error:
        return refused(error)
    return page(
        "deadlines.html",
        rows=answer.get("items", []),
        next_after=answer.get("next_after"),
        state=status,
    )


# Rounds -------------------------------------------------------------------------------------

ROUND_ACTS = (
    "RoundOpened",
    "QuotaSet",
    "Nominated",
    "NominationAccepted",
    "ExpertPanelDrawn",
    "SiteSampleDrawn",
    "PublicNoticeOpened",
    "ObjectionRaised",
    "ObjectionDecided",
    "PublicationCosigned",
    "Published",
    "MiitRecommendationSubmitted",
)


@bp.route("/rounds")
def rounds() -> Response:
    """A round: quotas, nominations, panels, the site sample, the notice, the publication, and
    its acts from the audit trail for those who may read it (the panel draw's seed, pool and
    exclusions are in their summaries)."""
    args = request.args
    level = "national" if args.get("level") == "national" else "provincial"
    years = [args.get("year", type=int)] if args.get("year") else range(2030, 2023, -1)
    view, year, error = None, None, None
    for candidate in years:
        try:
            view, year = get(f"/api/v1/rounds/{level}/{candidate}"), candidate
            break
        except Refused as refusal:
            error = refusal
            if refusal.status != 404:
                break
    if view is None:
        return refused(
            error or Refused(404, {"messages": {"zh": "未找到遴选轮次", "en": "no round"}})
        )
    acts: list[dict[str, Any]] = []
    codes: dict[str, str] = {}
    try:
        for kind in ROUND_ACTS:
            for row in every("/api/v1/audit-trail", type=kind):
                if row["aggregate_id"] == view["id"]:
                    acts.append(row)
                elif kind == "Nominated" and row.get("credit_code"):
                    codes[row["aggregate_id"]] = row["credit_code"]
    except Refused:
        acts = []  # a reader of the round who may not read the audit trail sees the round only
    acts.sort(key=lambda r: r["position"])
    try:  # the public notice (A16.1): its units and their objections' counts and outcomes
        notice = get(f"/api/v1/notices/{level}/{year}")
    except Refused:
        notice = None  # no notice (yet, or a national round: A16.3)
    return page(
        "rounds.html", round=view, level=level, year=year, acts=acts, codes=codes, notice=notice
    )


# Exports ------------------------------------------------------------------------------------

PASSED_ON = ("Content-Type", "Content-Disposition", "Content-Length", "Cache-Control")


@bp.route("/export/<path:rest>")
def export(rest: str) -> Response:
    """An API read under /api/v1 as the signed-in person (her token from the cookie), passed
    on as the API answers it: the tables' export links (`?format=csv|xlsx`, issue 13 item 2)
    download through here, since a browser's link carries no bearer token."""
    headers = {"Authorization": f"Bearer {client.token()}"}
    # buffered: a streamed export holds its own request context (stream_with_context), which
    # cannot be iterated inside this request's; the API itself streams (GET /api/v1/...)
    answer = current_app.test_client().get(
        f"/api/v1/{rest}",
        query_string=request.query_string.decode(),
        headers=headers,
        buffered=True,
    )
    kept = {k: v for k, v in answer.headers.items() if k in PASSED_ON}
    kept.setdefault("Cache-Control", "no-store")  # a signed-in person's download: never cached
    return Response(answer.get_data(), answer.status_code, headers=kept)
