"""Who may do what: bearer JWT (HS256) with `sub`, `role`, `region` and, where they apply,
`uscc` (an enterprise's credit code) or `agency` (an agency's credit code)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from flask import current_app, g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized

from domain.values import CITIES, PROVINCE, Actor, Role

API_ROLES = frozenset(
    {"enterprise", "agency", "city", "province", "codept", "expert", "inspector", "auditor"}
)
READERS = frozenset({Role.INSPECTOR, Role.AUDITOR, Role.PROVINCE})
PUBLIC = Actor("public", Role.PUBLIC, PROVINCE)


def mint(secret: str, sub: str, role: str, region: str, hours: int = 12, **claims: str) -> str:
    """A token for local use (`greenlist token`) and tests."""
    now = datetime.now(UTC)
    payload = {
        "sub": sub,
        "role": role,
        "region": region,
        "iat": now,
        "exp": now + timedelta(hours=hours),
        **claims,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def _unauthorized(message: str) -> Unauthorized:
    return Unauthorized(message, www_authenticate=WWWAuthenticate("Bearer"))


def current_actor(optional: bool = False) -> Actor:
    """The actor of this request, from its bearer token; the public when `optional` and none."""
    header = request.headers.get("Authorization", "")
    if not header:
        if optional:
            return PUBLIC
        raise _unauthorized("a bearer token is required")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("use the Bearer scheme")
    try:
        claims = jwt.decode(
            token,
            current_app.config["GREENLIST_JWT_SECRET"],
            algorithms=["HS256"],
            options={"require": ["sub", "role", "region", "exp"]},
        )
    except jwt.PyJWTError as error:
        raise _unauthorized(f"invalid token: {error}") from None
    role, region = claims["role"], str(claims["region"])
    if role not in API_ROLES or (region != PROVINCE and region not in CITIES):
        raise _unauthorized("the token's role or region is not recognised")
    if role in ("province", "codept", "inspector", "auditor") and region != PROVINCE:
        raise _unauthorized(f"a {role} token acts for the province (330000)")
    g.claims = claims  # the verified claims: idempotency keys are scoped by (role, region, sub)
    ident = {"enterprise": claims.get("uscc"), "agency": claims.get("agency")}.get(role)
    if role in ("enterprise", "agency") and not ident:
        claim = "uscc" if role == "enterprise" else "agency"
        raise _unauthorized(f"a {role} token carries its credit code ({claim})")
    return Actor(str(ident or claims["sub"]), Role(role), region)


PUBLIC_ROUTES = (
    ("GET", "/health"),
    ("GET", "/metrics"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/api/v1/lists"),
    ("GET", "/api/v1/announcements"),
    ("POST", "/api/v1/complaints"),
    ("PUT", "/api/v1/test/clock"),
)
"""What anyone may reach without a token: published lists, announcements, filing a report."""


def is_public(method: str, path: str) -> bool:
    """Whether a request (or, in the OpenAPI document, an operation) needs no token."""
    method = "GET" if method in ("HEAD", "OPTIONS") else method
    return any(method == m and path.startswith(prefix) for m, prefix in PUBLIC_ROUTES)


def authenticate() -> None:
    """Before any view (and before its input is validated): a present token must be valid, and
    everything but the public routes needs one. A request that routes nowhere is left to
    routing's 404, or 405 with Allow (a token would not change that answer)."""
    if request.routing_exception is not None:
        return
    g.actor = current_actor(optional=is_public(request.method, request.path))


def require(*roles: Role) -> Actor:
    """The actor, refused (403) unless it has one of the roles."""
    actor: Actor = g.actor if g.get("actor") not in (None, PUBLIC) else current_actor()
    if actor.role not in roles:
        raise Forbidden(f"role {actor.role.value} may not do this")
    return actor


def reader() -> Actor:
    """Anyone authenticated may read the non-public resources; what they see is filtered by
    the resource where needed."""
    actor: Actor = g.actor if g.get("actor") not in (None, PUBLIC) else current_actor()
    return actor
