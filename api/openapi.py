"""What the OpenAPI document says about access: bearer JWT on every operation but the public
routes of `api.auth.PUBLIC_ROUTES` (published lists, announcements, filing a real-name report),
taken from the same table the authentication uses, so the two cannot drift apart."""

from __future__ import annotations

from typing import Any

from apispec import APISpec, BasePlugin

from api.auth import is_public

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
