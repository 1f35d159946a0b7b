"""Who may do what: bearer JWT (HS256) with `sub`, `role`, `region` and, where they apply,
`uscc` (an enterprise's credit code) or `agency` (an agency's credit code)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from math import isfinite
from types import MappingProxyType
from typing import Any

import jwt
from flask import current_app, g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized

from domain.errors import RuleViolation
from domain.rules import checks
from domain.values import CITIES, PROVINCE, Actor, Role

API_ROLES = frozenset(
    {"enterprise", "agency", "city", "province", "codept", "expert", "inspector", "auditor"}
)
PUBLIC = Actor("public", Role.PUBLIC, PROVINCE)
PROVINCE_WIDE = frozenset({"province", "codept", "inspector", "auditor", "expert"})
"""Roles whose credentials are issued for the whole province (330000) only: the department,
the co-publishing departments, discipline inspection, auditors and the provincial expert pool
(A15.2)."""
IAT_LEEWAY = timedelta(seconds=30)
"""How far a token's `iat` may lie ahead of this server's clock (clock skew between issuers)."""
DEFAULT_MAX_LIFETIME = timedelta(hours=24)


def mint(
    secret: str,
    sub: str,
    role: str,
    region: str,
    hours: float = 12,
    **claims: str,
) -> str:
    """A token for local use (`greenlist token`) and tests, refused if the API would refuse it
    (a city token of 330000, a county code, a missing credit code: `check_claims`)."""
    now = datetime.now(UTC)
    payload: dict[str, Any] = {
        "sub": sub,
        "role": role,
        "region": region,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=hours)).timestamp()),
        **claims,
    }
    check_claims(payload, timedelta(hours=max(hours, 0)) + IAT_LEEWAY, now)
    return jwt.encode(payload, secret, algorithm="HS256")


class BadToken(Exception):
    """A validly signed token whose claims the API does not accept (401)."""


def _instant(claims: Mapping[str, Any], name: str) -> float:
    value = claims.get(name)
    refused = BadToken(f"the {name!r} claim must be a number (NumericDate, RFC 7519 §2)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise refused
    try:  # an integer too large for a float (10**400, validly signed) overflows: refused
        number = float(value)
    except OverflowError:
        raise refused from None
    if not isfinite(number):
        raise refused
    return number


def _text(claims: Mapping[str, Any], name: str) -> str:
    """A claim that is visible text: no control or format characters (NUL, zero-width space),
    which would record an actor nobody can read or tell apart."""
    value = claims.get(name)
    if not isinstance(value, str) or not value.strip():
        raise BadToken(f"the {name!r} claim must be a non-empty string")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise BadToken(f"the {name!r} claim holds control or invisible characters")
    return value.strip()


def _credit_code(claims: Mapping[str, Any], name: str) -> str:
    code = _text(claims, name).upper()
    try:
        checks.check_id1_credit_code(code)
    except RuleViolation:
        raise BadToken(f"the {name!r} claim is not a valid credit code (ID.1)") from None
    return code


def check_claims(claims: Mapping[str, Any], max_lifetime: timedelta, now: datetime) -> Actor:
    """Who a validly signed token speaks for, or BadToken (issue 9, items 1, 2 and 7).

    `sub` is a non-empty string; `exp` and `iat` are numbers and the token lives no longer
    than `max_lifetime`; `role` is a role of the API; `region` is exactly what the role acts
    for (ID.3): 330000 for the province-wide roles, one of the eleven city codes for a city
    bureau (never 330000, never a county such as 330106), the city of its own credit code for
    an enterprise (ID.2), a city or the province for an agency. An enterprise carries its
    credit code (`uscc`), an agency its own (`agency`), a co-publishing department its
    department (`department`, A16.2)."""
    sub = _text(claims, "sub")
    issued, expires = _instant(claims, "iat"), _instant(claims, "exp")
    if issued > now.timestamp() + IAT_LEEWAY.total_seconds():
        raise BadToken("the token was issued in the future ('iat')")
    if expires - issued > max_lifetime.total_seconds():
        hours = max_lifetime.total_seconds() / 3600
        raise BadToken(f"the token lives longer than the allowed {hours:g} hours ('exp' - 'iat')")
    role, region = _text(claims, "role"), claims.get("region")
    if role not in API_ROLES:
        raise BadToken(f"the role {role!r} is not a role of this API")
    if not isinstance(region, str):
        raise BadToken("the 'region' claim must be a string (a division code)")
    if role in PROVINCE_WIDE and region != PROVINCE:
        raise BadToken(f"a {role} token acts for the province (330000), not {region!r}")
    if role == "city" and region not in CITIES:
        raise BadToken(f"a city token carries one of the eleven city codes, not {region!r}")
    if role == "enterprise" and region not in CITIES:
        raise BadToken(f"an enterprise token carries one of the eleven city codes, not {region!r}")
    if role == "agency" and region != PROVINCE and region not in CITIES:
        raise BadToken(f"an agency token carries a city code or 330000, not {region!r}")
    ident, department = sub, None
    if role == "enterprise":
        ident = _credit_code(claims, "uscc")
        if ident[2:6] + "00" != region:
            raise BadToken(
                f"an enterprise token carries the city of its credit code, not {region!r}"
            )
    elif role == "agency":
        ident = _credit_code(claims, "agency")
    elif role == "codept":
        department = claims.get("department")  # the one it signs for (A16.2, the service's)
        if not (isinstance(department, str) and department in checks.CO_PUBLISHERS):
            departments = ", ".join(sorted(checks.CO_PUBLISHERS))
            raise BadToken(f"a codept token names its department ({departments})")
    return Actor(ident, Role(role), region, department)


def _unauthorized(message: str) -> Unauthorized:
    return Unauthorized(message, www_authenticate=WWWAuthenticate("Bearer"))


def current_actor(optional: bool = False) -> Actor:
    """The actor of this request, from its bearer token; the public when `optional` and none.
    The token's claims stay on `g.claims` (its `sub`, a codept's `department`)."""
    header = request.headers.get("Authorization", "")
    if not header:
        if optional:
            g.claims = {}
            return PUBLIC
        raise _unauthorized("a bearer token is required")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("use the Bearer scheme")
    claims, actor = actor_of(token)
    g.claims = claims
    return actor


def actor_of(token: str) -> tuple[dict[str, Any], Actor]:
    """A bearer token's claims and actor, as every request's are checked (401 if refused);
    the console signs in with it too.

    The signature and what never changes with time are checked once per token and secret
    (`_verified`); what the clock decides (`exp`, `iat` and `nbf`, with the leeway, as PyJWT
    checks them, and then every claim by `check_claims`) on every request."""
    try:
        secret = current_app.config["GREENLIST_JWT_SECRET"]
        claims = dict(_verified(secret, token))
        now = datetime.now(UTC)
        _check_times(claims, now.timestamp())
        lifetime = current_app.config.get("GREENLIST_TOKEN_MAX_LIFETIME", DEFAULT_MAX_LIFETIME)
        actor = check_claims(claims, lifetime, now)
    except (jwt.PyJWTError, BadToken) as error:
        raise _unauthorized(f"invalid token: {error}") from None
    return claims, actor


VERIFIED_TOKENS = 4096
"""How many verified tokens (with their secret) a process remembers: the most recently used."""


@lru_cache(maxsize=VERIFIED_TOKENS)
def _verified(secret: str, token: str) -> Mapping[str, Any]:
    """A token's claims once its signature (HS256, by `secret`) and what does not change with
    time are verified: the claims required, and those PyJWT checks without the clock (`aud`,
    `iss`, `sub`, `jti`). Why: verifying a token (decoding it, its HMAC, its JSON) was a tenth
    of a read's CPU, for a client that sends the same token on every request (issue 15 item 4).

    Keyed by the whole token and the secret: a token changed in any byte, or one of another
    secret (another app), is verified afresh; a refused token raises, and is never
    remembered. Read-only: each request takes its own copy."""
    claims = jwt.decode(
        token,
        secret,
        algorithms=["HS256"],
        options={
            "require": ["sub", "role", "region", "exp", "iat"],
            "verify_exp": False,  # the clock's: `_check_times`, on every request
            "verify_iat": False,
            "verify_nbf": False,
        },
    )
    return MappingProxyType(claims)


def _check_times(claims: Mapping[str, Any], now: float) -> None:
    """PyJWT's checks of `iat`, `nbf` and `exp` against the clock, with the leeway (the same
    errors, the same messages), made on every request, a remembered token's too."""
    leeway = IAT_LEEWAY.total_seconds()
    for name in ("iat", "nbf", "exp"):
        if name not in claims:
            continue
        try:
            value = int(claims[name])
        except (ValueError, TypeError, OverflowError):
            if name == "iat":
                raise jwt.InvalidIssuedAtError(
                    "Issued At claim (iat) must be an integer."
                ) from None
            what = "Not Before claim (nbf)" if name == "nbf" else "Expiration Time claim (exp)"
            raise jwt.DecodeError(f"{what} must be an integer.") from None
        if name == "exp" and value <= now - leeway:
            raise jwt.ExpiredSignatureError("Signature has expired")
        if name != "exp" and value > now + leeway:
            raise jwt.ImmatureSignatureError(f"The token is not yet valid ({name})")


PUBLIC_ROUTES = (
    ("GET", "/health"),
    ("GET", "/metrics"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/api/v1/lists"),
    ("GET", "/api/v1/announcements"),
    ("GET", "/api/v1/agencies/performance"),
    ("GET", "/api/v1/log/checkpoint"),
    ("GET", "/api/v1/log/proof/consistency"),
    ("GET", "/console"),  # the console: its own sign-in cookie, every read through the API
    ("POST", "/console"),
    ("GET", "/api/v1/rules"),
    ("POST", "/api/v1/complaints$"),
    ("GET", "/api/v1/notices"),
    ("POST", "/api/v1/notices/[^/]+/[^/]+/objections$"),
)
"""What anyone may reach without a token: published lists, announcements, the agencies'
performance (A22.2), filing a report, the public notices and objecting to them (A16.1), and the
verifiable log's signed checkpoint and consistency proofs (hashes only, issue 10: anyone holding
a checkpoint must be able to check that a later one extends it) and the rule book (issue 13).
Each is a prefix, but for those ending in `$`, patterns the whole path must match: the filings
only, never what is under them (a report's disclosure, issue 14, needs a token)."""


def is_public(method: str, path: str) -> bool:
    """Whether a request (or, in the OpenAPI document, an operation) needs no token."""
    method = "GET" if method in ("HEAD", "OPTIONS") else method
    return any(
        method == m and (re.fullmatch(p[:-1], path) if p.endswith("$") else path.startswith(p))
        for m, p in PUBLIC_ROUTES
    )


def is_filing() -> bool:
    """Whether this request files a report or an objection (the public POST routes): its
    sender is a reporter, whose identity no log, no idempotency key and no limit of officials'
    acts may hold or tie to it, whichever token it came with (A23.1, issue 14)."""
    return request.method == "POST" and is_public("POST", request.path)


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
