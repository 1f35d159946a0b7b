"""The console's pages (read-only, server-rendered, htmx for the parts that change in place).
Each page reads through api.console.client, i.e. through the API with the signed-in token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
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
from api.console.queries import check_query
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
PAGE = 50
CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'"
)
"""Every asset is the console's own (vendored): the browser loads nothing from elsewhere."""


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
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def refused(error: Refused) -> Response:
    return page("refused.html", error.status, error=error)


bp.before_request(check_query(refused))  # after `who`: a stranger is sent to sign in first


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
