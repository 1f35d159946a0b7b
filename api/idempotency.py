"""`Idempotency-Key` on every command: the first response is kept; a replay of the same request
with the same key returns it and records nothing new. A key claimed by a request still running
answers 409; the same key with a different request answers 422.

Keys are scoped (issue 9 item 4): a token's holder by its (role, region, sub), so two accounts
never share a key space, whatever their `Actor` id (an enterprise's is its credit code, shared
by all of its tokens' holders). A caller without a token (filing a real-name report, A23.1) has
no identity to scope by, and anonymous callers must never read each other's kept responses by
guessing a key: each anonymous request is scoped by its client address *and* its own content
(method, path, body). A retry of the very same request from the same client is still answered
from the kept response; any other anonymous request, with the same key or not, is a space of
its own (so it never gets 422 for a key another client used).

The scope is stored as an HMAC under the service's signing secret, never in clear: the table
then cannot link a token's holder (or a client address) to the report it filed."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from typing import Any, Protocol

from flask import Response, g, request

from api.problems import problem
from domain.values import Actor, Role

TABLE = "api_idempotency"
KEY = re.compile(r"[\x21-\x7e]{1,255}")
"""A key is 1 to 255 visible ASCII characters (a UUID, say): it is stored and indexed."""
TRANSIENT = frozenset({409, 412, 429, 503})
"""Responses not kept: the same request may well succeed when tried again."""
SCOPE_FORMAT = "v2:"
"""The prefix of a scope (HMAC of the caller's identity): rows of the earlier format, keyed by
the actor's id in clear, are dropped when the table is opened."""


def fingerprint() -> str:
    """The request as a replay must repeat it: method, path with query, body."""
    return hashlib.sha256(
        f"{request.method} {request.full_path}\n".encode() + request.get_data()
    ).hexdigest()


def caller(actor: Actor, request_fingerprint: str) -> list[str]:
    """Who a key belongs to: (role, region, sub) for a token's holder; for an anonymous caller
    its client address and the request itself (see the module's docstring). The `sub` comes
    from the verified claims `api.auth` keeps in `g.claims` (the actor's id if absent)."""
    if actor.role is Role.PUBLIC:
        return ["public", request.remote_addr or "", request_fingerprint]
    claims = g.get("claims") or {}
    return [
        actor.role.value,
        actor.region,
        str(claims.get("sub") or actor.id),
        actor.id,  # an enterprise's or agency's credit code: one sub may act for two units
        str(claims.get("department") or ""),  # a co-publishing department (A16.2)
    ]


class Store(Protocol):
    dialect: str

    def transaction(self) -> Any: ...

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]: ...


class Idempotency:
    """Kept responses, in the read side's database; `secret` keys the scopes' HMAC."""

    def __init__(self, db: Store, secret: bytes) -> None:
        self.db = db
        self.secret = secret
        with db.transaction() as tx:
            tx.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (key TEXT NOT NULL, actor TEXT NOT NULL, "
                "claim TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER, body TEXT, "
                "headers TEXT, PRIMARY KEY (key, actor))"
            )
            tx.execute(f"DELETE FROM {TABLE} WHERE actor NOT LIKE ?", (SCOPE_FORMAT + "%",))

    def scope(self, actor: Actor, request_fingerprint: str) -> str:
        """The key space of this request's caller, as stored (column `actor`)."""
        identity = json.dumps(caller(actor, request_fingerprint)).encode()
        digest = hmac.new(self.secret, b"idempotency-scope\n" + identity, hashlib.sha256)
        return SCOPE_FORMAT + digest.hexdigest()

    def run(self, actor: Actor, handle: Callable[[], Response]) -> Response:
        key = request.headers.get("Idempotency-Key")
        if not key:
            return handle()
        if not KEY.fullmatch(key):
            return problem(
                400,
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                "幂等键须为1至255个可见ASCII字符",
            )
        fingerprint_ = fingerprint()
        scope = self.scope(actor, fingerprint_)
        kept = self._claim(key, scope, fingerprint_)
        if kept is not None:
            return kept
        try:
            response = handle()
        except BaseException:
            self._release(key, scope)
            raise
        if response.status_code in TRANSIENT or response.status_code >= 500:
            self._release(key, scope)
        else:
            self._keep(key, scope, response)
        return response

    def _claim(self, key: str, actor: str, fingerprint: str) -> Response | None:
        claim = secrets.token_hex(8)
        with self.db.transaction() as tx:
            tx.execute(
                f"INSERT INTO {TABLE} (key, actor, claim, fingerprint) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key, actor) DO NOTHING",
                (key, actor, claim, fingerprint),
            )
            (row,) = tx.fetchall(
                f"SELECT claim, fingerprint, status, body, headers FROM {TABLE} "
                "WHERE key = ? AND actor = ?",
                (key, actor),
            )
        if row["claim"] == claim:
            return None
        if row["fingerprint"] != fingerprint:
            return problem(
                422,
                "this Idempotency-Key was used for a different request",
                "该幂等键已用于另一请求",
            )
        if row["status"] is None:
            return problem(
                409,
                "a request with this Idempotency-Key is still running",
                "相同幂等键的请求仍在处理中",
            )
        replay = Response(row["body"], int(row["status"]))
        for name, value in json.loads(row["headers"]):
            replay.headers[name] = value
        replay.headers["Idempotent-Replayed"] = "true"
        return replay

    def _keep(self, key: str, actor: str, response: Response) -> None:
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        with self.db.transaction() as tx:
            tx.execute(
                f"UPDATE {TABLE} SET status = ?, body = ?, headers = ? WHERE key = ? AND actor = ?",
                (
                    response.status_code,
                    response.get_data(as_text=True),
                    json.dumps(headers),
                    key,
                    actor,
                ),
            )

    def _release(self, key: str, actor: str) -> None:
        with self.db.transaction() as tx:
            tx.execute(f"DELETE FROM {TABLE} WHERE key = ? AND actor = ?", (key, actor))
