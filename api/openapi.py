"""What the OpenAPI document says about access: bearer JWT on every operation but the public
routes of `api.auth.PUBLIC_ROUTES` (published lists, announcements, filing a real-name report),
taken from the same table the authentication uses, so the two cannot drift apart. And what it
says about the headers of commands (`command`): `If-Match` and `Idempotency-Key` in, `ETag` (and
`Location`) out, as `api.context.run_command` and `api.idempotency` handle them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from apispec import APISpec, BasePlugin
from flask_smorest import Blueprint

from api.auth import is_public
from api.problems import PROBLEM
from api.schemas.common import Receipt
from api.schemas.problem import Problem

F = TypeVar("F", bound=Callable[..., Any])

BEARER = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "HS256 with claims sub, role, region and, where they apply, uscc or agency "
    "(`greenlist token` mints one)",
}


class AccessPlugin(BasePlugin):  # type: ignore[misc]
    """An apispec plugin: the `bearer` security scheme, required by every non-public operation
    (a missing or invalid token is answered 401 with `WWW-Authenticate: Bearer`)."""

    def init_spec(self, spec: APISpec) -> None:
        spec.components.security_scheme("bearer", BEARER)

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            public = is_public(method.upper(), path or "")
            operation["security"] = [] if public else [{"bearer": []}]


def _header(description: str, required: bool = False) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": {"type": "string"}}


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    **_header(
        "the ETag of the record acted on (its version, from a read or a receipt), or `*` for "
        "any version of an existing record (RFC 9110): refused with 412 if it does not match, "
        "and nothing is recorded"
    ),
}
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    **_header(
        "1 to 255 visible ASCII characters, scoped by the token's role, region and sub (without "
        "a token: by the client and the request itself): the first response is kept and a "
        "replay of the same request returns it (Idempotent-Replayed: true) and records nothing; "
        "the same key with another request is refused (422), while the first runs 409"
    ),
}
ETAG = _header("the record's version after the act: pass it as If-Match", required=True)
REPLAYED = _header("`true` when this is the kept response of an earlier, identical request")
READ_ETAG = {"ETag": _header("the record's version: pass it as If-Match to act on it", True)}
"""The headers of a read of one record (a unit, a round)."""
RETRY_AFTER = {"Retry-After": _header("seconds to wait before trying again", required=True)}


def rate_limited(blp: Blueprint, what: str) -> Callable[[F], F]:
    """Document the 429 problem (with Retry-After) of a rate-limited operation (api.limits)."""
    return blp.alt_response(  # type: ignore[no-any-return]
        429,
        schema=Problem,
        content_type=PROBLEM,
        description=f"too many {what} from this client (api.limits): nothing was recorded",
        headers=RETRY_AFTER,
    )


def command(
    blp: Blueprint, status: int = 200, *, if_match: bool = True, location: str | None = None
) -> Callable[[F], F]:
    """Document a command, a view answering with `api.context.run_command`: the `Receipt` with
    its ETag (and, where the command sets one, its Location) headers; the Idempotency-Key it
    honours and, when it acts on a record that exists (`if_match`), If-Match."""
    headers = {"ETag": ETAG, "Idempotent-Replayed": REPLAYED}
    if location:
        headers["Location"] = _header(location, required=True)
    parameters = [IDEMPOTENCY_KEY, *([IF_MATCH] if if_match else [])]

    def decorate(view: F) -> F:
        documented: F = blp.response(status, Receipt, headers=headers)(view)
        return blp.doc(parameters=parameters)(documented)  # type: ignore[no-any-return]

    return decorate
