"""The console's pages (read-only, server-rendered, htmx for the parts that change in place).
Each page reads through api.console.client, i.e. through the API with the signed-in token."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
)
from werkzeug.exceptions import Unauthorized
from werkzeug.wrappers import Response

from api.auth import actor_of
from api.console import client
from api.console.client import COOKIE, LANG_COOKIE, Refused, every, get, instant, local
from domain.rules.catalogue import RULES
from domain.values import CITIES, Level

HERE = Path(__file__).parent
bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder=str(HERE / "templates"),
    static_folder=str(HERE / "static"),
)
LEVELS = [level.value for level in Level]
KINDS = ["factory", "park", "supply_chain"]
AUDIT_FILTERS = ("actor", "region", "rule", "type", "since", "until")
PAGE = 50


@bp.before_request
def who() -> Response | None:
    """The signed-in actor (from the cookie, checked as the API checks a bearer token), the
    language, and the sign-in page for anyone not signed in."""
    g.lang = "en" if request.cookies.get(LANG_COOKIE) == "en" else "zh"
    g.actor = None
    if client.token():
        try:
            g.claims, g.actor = actor_of(client.token() or "")
        except Unauthorized:
            response = redirect("/console/sign-in?expired=1")
            response.delete_cookie(COOKIE, path="/console")
            return response
    open_pages = ("console.sign_in", "console.static", "console.language")
    if g.actor is None and request.endpoint not in open_pages:
        return redirect("/console/sign-in")
    return None


@bp.app_template_global()
def t(zh: str, en: str) -> str:
    return en if g.get("lang") == "en" else zh


@bp.app_template_filter("local")
def _local(text: Any) -> str:
    return local(text)


@bp.app_template_global()
def rule_text(code: str) -> str:
    rule = RULES.get(code)
    if rule is None:
        return code
    return f"{rule.article}: {rule.en if g.get('lang') == 'en' else rule.zh}"


def page(template: str, status: int = 200, **values: Any) -> Response:
    response = make_response(render_template(f"console/{template}", **values), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def refused(error: Refused) -> Response:
    return page("refused.html", error.status, error=error)


@bp.route("/")
def home() -> Response:
    return redirect("/console/lists")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response:
    """Paste a bearer token; kept in an HttpOnly, SameSite=Strict cookie for the console only."""
    if request.method == "GET":
        return page("sign_in.html", expired=bool(request.args.get("expired")))
    token = request.form.get("token", "").strip()
    try:
        claims, _ = actor_of(token)
    except Unauthorized as error:
        return page("sign_in.html", 401, error=error.description)
    response = redirect("/console/lists")
    expires = datetime.fromtimestamp(float(claims["exp"]), UTC)
    response.set_cookie(
        COOKIE,
        token,
        expires=expires,
        path="/console",
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )
    return response


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    response = redirect("/console/sign-in")
    response.delete_cookie(COOKIE, path="/console")
    return response


@bp.route("/language/<any(zh,en):lang>")
def language(lang: str) -> Response:
    back = request.referrer or "/console/lists"
    response = redirect(back if back.startswith(request.host_url) else "/console/lists")
    response.set_cookie(LANG_COOKIE, lang, path="/console", samesite="Strict", httponly=True)
    return response


# Lists ------------------------------------------------------------------------------------


def _steps(level: str) -> list[str]:
    """The instants the level's list changed (its publications, removals and renames, from the
    public announcements), oldest first: the as-of slider's stops."""
    instants = {a["occurred"] for a in every("/api/v1/announcements", level=level)}
    return sorted(instants, key=lambda s: datetime.fromisoformat(s))


def _at(step: str) -> datetime:
    return datetime.fromisoformat(step) + timedelta(seconds=1)


def _list(level: str, as_of: datetime | None, **filters: Any) -> list[dict[str, Any]]:
    if as_of is None:
        return []
    return list(every(f"/api/v1/lists/{level}", as_of=as_of.isoformat(), **filters))


@bp.route("/lists")
def lists() -> Response:
    return _lists("lists.html")


@bp.route("/lists/table")
def lists_table() -> Response:
    return _lists("lists_area.html")


def _lists(template: str) -> Response:
    args = request.args
    level = str(args.get("level")) if args.get("level") in LEVELS else "provincial"
    filters = {
        "kind": args.get("kind") if args.get("kind") in KINDS else None,
        "city": args.get("city") if args.get("city") in CITIES else None,
        "basis": "world" if args.get("basis") == "world" else "recorded",
    }
    try:
        steps = _steps(level)
        chosen = instant(args.get("date"))
        if chosen is not None:
            index = sum(1 for s in steps if _at(s) <= chosen) - 1
            as_of: datetime | None = chosen
        else:
            wanted = args.get("step", type=int)
            index = len(steps) - 1 if wanted is None else max(0, min(wanted, len(steps) - 1))
            as_of = _at(steps[index]) if steps else None
        previous = _at(steps[index - 1]) if index >= 1 else None
        if chosen is not None and index >= 0 and _at(steps[index]) < chosen:
            previous = _at(steps[index])
        rows = _list(level, as_of, **filters)
        before = _list(level, previous, **filters)
    except Refused as error:
        return refused(error)
    now_codes = {r["credit_code"] for r in rows}
    before_codes = {r["credit_code"] for r in before}
    return page(
        template,
        level=level,
        levels=LEVELS,
        kinds=KINDS,
        cities=sorted(CITIES),
        filters=filters,
        steps=steps,
        index=index,
        as_of=as_of,
        previous=previous,
        rows=rows,
        added={c for c in now_codes if previous is not None and c not in before_codes},
        removed=[r for r in before if r["credit_code"] not in now_codes],
        date=args.get("date") or "",
    )


# Units ------------------------------------------------------------------------------------


@bp.route("/units")
def unit_search() -> Response:
    code = request.args.get("code", "").strip().upper()
    return redirect(f"/console/units/{code}") if code else redirect("/console/lists")


@bp.route("/units/<string:code>")
def unit(code: str) -> Response:
    as_of = instant(request.args.get("as_of"))
    try:
        state = get(f"/api/v1/units/{code}", as_of=as_of.isoformat() if as_of else None)
        history = list(every(f"/api/v1/units/{code}/history"))
    except Refused as error:
        return refused(error)
    return page(
        "unit.html",
        code=code,
        unit=state,
        history=history,
        as_of=request.args.get("as_of", ""),
    )


@bp.route("/units/<string:code>/why/<int:version>")
def why(code: str, version: int) -> Response:
    """A decision's why (inputs seen, rules evaluated, outcome), in place under its event."""
    try:
        decision = get(f"/api/v1/units/{code}/decisions/{version}")
    except Refused as error:
        return page("why.html", decision=None, error=error, version=version)
    return page("why.html", decision=decision, error=None, version=version)


@bp.route("/rules/<string:code>")
def rule(code: str) -> Response:
    found = RULES.get(code)
    if found is None:
        abort(404)
    return page("rule.html", rule=found)


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
    return page("rounds.html", round=view, level=level, year=year, acts=acts, codes=codes)


# Exports ------------------------------------------------------------------------------------

PASSED_ON = ("Content-Type", "Content-Disposition", "Content-Length")


@bp.route("/export/<path:rest>")
def export(rest: str) -> Response:
    """An API read under /api/v1 as the signed-in person (her token from the cookie), passed
    on as the API answers it: the tables' export links (`?format=csv|xlsx`, issue 13 item 2)
    download through here, since a browser's link carries no bearer token."""
    headers = {"Authorization": f"Bearer {client.token()}"}
    answer = current_app.test_client().get(
        f"/api/v1/{rest}",
        query_string=request.query_string.decode(),
        headers=headers,
        buffered=False,
    )
    kept = {k: v for k, v in answer.headers.items() if k in PASSED_ON}
    return Response(answer.response, answer.status_code, headers=kept)
