"""What the OpenAPI document says about access: bearer JWT on every operation but the public
routes of `api.auth.PUBLIC_ROUTES` (published lists, announcements, filing a real-name report),
taken from the same table the authentication uses, so the two cannot drift apart; and, for each
command, the roles that may do it, from the table the service decides them by
(domain.rules.jurisdiction). And what it says about the headers of commands
(api.commands.command): `If-Match` and `Idempotency-Key` in, `ETag` (and `Location`) out, as
`api.commands` and `api.idempotency` handle them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from apispec import APISpec, BasePlugin
from flask_smorest import Blueprint

from api.auth import API_ROLES, is_public
from api.problems import PROBLEM
from api.schemas.problem import Problem
from domain.rules import jurisdiction
from domain.values import Role

F = TypeVar("F", bound=Callable[..., Any])
ACT = "x-command"
"""The operation's command of the service (api.commands.command): its roles come from the
service's table under that name."""

BEARER = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "HS256 with claims sub, role, region and, where they apply, uscc or agency "
    "(`greenlist token` mints one)",
}


def roles_of(act: str, public: bool) -> dict[str, str]:
    """The roles a request may carry to do the service's command `act` (a token's roles; the
    public, without one, on a public route), each with its reach in words, from the service's
    table."""
    grants = jurisdiction.grants(act)
    who: dict[str, str] = {
        r.value: jurisdiction.describe(r, g) for r, g in grants.items() if r.value in API_ROLES
    }
    if public and Role.PUBLIC in grants:
        who[Role.PUBLIC.value] = "anyone without a token"
    return who


class AccessPlugin(BasePlugin):  # type: ignore[misc]
    """An apispec plugin: the `bearer` security scheme, required by every non-public operation
    (a missing or invalid token is answered 401 with `WWW-Authenticate: Bearer`); a command's
    roles (`x-roles`, and in words in its description), from the service's table."""

    def init_spec(self, spec: APISpec) -> None:
        spec.components.security_scheme("bearer", BEARER)

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            public = is_public(method.upper(), path or "")
            operation["security"] = [] if public else [{"bearer": []}]
            act = operation.get(ACT)
            if act is not None:
                who = roles_of(act, public)
                operation["x-roles"] = list(who)
                described = operation.get("description", "")
                operation["description"] = (
                    (described + "\n\n" if described else "")
                    + "Who may (decided by the service, domain.rules.jurisdiction): "
                    + "; ".join(who.values())
                    + ". Any other role is refused: 403 problem+json naming ID.3."
                )


def header(description: str, required: bool = False) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": {"type": "string"}}


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    **header(
        "the ETag of the record acted on (its version, from a read or a receipt), or `*` for "
        "any version of an existing record (RFC 9110): refused with 412 if it does not match, "
        "and nothing is recorded"
    ),
}
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    **header(
        "1 to 255 visible ASCII characters, scoped by the token's role, region and sub (without "
        "a token: by the client and the request itself): the first response is kept and a "
        "replay of the same request returns it (Idempotent-Replayed: true) and records nothing; "
        "the same key with another request is refused (422), while the first runs 409"
    ),
}
ETAG = header("the record's version after the act: pass it as If-Match", required=True)
REPLAYED = header("`true` when this is the kept response of an earlier, identical request")
READ_ETAG = {"ETag": header("the record's version: pass it as If-Match to act on it", True)}
"""The headers of a read of one record (a unit, a round)."""
RETRY_AFTER = {"Retry-After": header("seconds to wait before trying again", required=True)}


def rate_limited(blp: Blueprint, what: str) -> Callable[[F], F]:
    """Document the 429 problem (with Retry-After) of a rate-limited operation (api.limits)."""
    return blp.alt_response(  # type: ignore[no-any-return]
        429,
        schema=Problem,
        content_type=PROBLEM,
        description=f"too many {what} from this client (api.limits): nothing was recorded",
        headers=RETRY_AFTER,
    )
