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
then cannot link a token's holder (or a client address) to the report it filed.

A claim expires (issue 11 item 7). A request whose process died after claiming its key but
before keeping its response (a crash, a kill, a lost machine) leaves the claim behind; without
an expiry every retry of it would answer 409 for ever. A claim still pending
`claim_seconds` after it was made (default 90 s: the 30 s request timeout plus a minute, far
longer than any command takes; `GREENLIST_IDEMPOTENCY_CLAIM_SECONDS`) is taken over by the
next retry of the same request, which then runs. Exactly once still holds for what completed:
a kept response never expires and is replayed, never run again; and a request that outlives
its claim neither keeps its response over its successor's nor releases its successor's claim
(each is bound to its own claim token). What an expiry cannot tell: whether the crashed
request recorded its act before it died; its retry then meets the act as the domain sees it
(a version conflict, a unit already registered)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable
from typing import Any, Protocol

from flask import Response, g, request

from api.auth import is_filing
from api.problems import problem
from domain.values import Actor, Role

TABLE = "api_idempotency"
KEY = re.compile(r"[\x21-\x7e]{1,255}")
"""A key is 1 to 255 visible ASCII characters (a UUID, say): it is stored and indexed."""
TRANSIENT = frozenset({409, 412, 429, 503})
"""Responses not kept: the same request may well succeed when tried again."""
SCOPE_FORMAT = "v3:"
"""The prefix of a scope (HMAC of the caller's identity): rows of the earlier formats (v1 keyed
by the actor's id in clear; v2 with an unkeyed SHA-256 of the request, which could be tested
against guessed bodies carrying a reporter's name and phone, issue 14) are dropped when the
table is opened."""
CLAIM_SECONDS = 90.0
"""How long a pending claim holds its key by default (greenlist.settings sets it)."""


def fingerprint(secret: bytes) -> str:
    """The request as a replay must repeat it: method, path with query, body, as an HMAC under
    the service's secret (issue 14: a report's body carries the reporter's name and contact,
    which a plain hash would let anyone holding the table test guesses against)."""
    message = f"{request.method} {request.full_path}\n".encode() + request.get_data()
    return hmac.new(secret, b"idempotency-request\n" + message, hashlib.sha256).hexdigest()


def caller(actor: Actor, request_fingerprint: str) -> list[str]:
    """Who a key belongs to: (role, region, sub) for a token's holder; for an anonymous caller
    its client address and the request itself (see the module's docstring). The `sub` comes
    from the verified claims `api.auth` keeps in `g.claims` (the actor's id if absent)."""
    if actor.role is Role.PUBLIC or is_filing():
        # a filing's key space is its own request, whoever sent it: a row scoped by the
        # filer's token would link the report to the account's other acts (issue 14)
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


def micros(seconds: float) -> int:
    """An instant as the views store them: integer microseconds since the epoch."""
    return int(seconds * 1_000_000)


class Idempotency:
    """Kept responses, in the read side's database; `secret` keys the scopes' HMAC. A claim
    not completed within `claim_seconds` (by `clock`, the wall clock: seconds since the epoch)
    belongs to a request that died, and the next retry takes it over."""

    def __init__(
        self,
        db: Store,
        secret: bytes,
        claim_seconds: float = CLAIM_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.secret = secret
        self.claim_seconds = claim_seconds
        self.clock = clock
        with db.transaction() as tx:
            tx.one_setup_at_a_time(TABLE)  # workers starting at once: one creates it
            tx.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (key TEXT NOT NULL, actor TEXT NOT NULL, "
                "claim TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER, body TEXT, "
                "headers TEXT, claimed_at BIGINT, PRIMARY KEY (key, actor))"
            )
            if "claimed_at" not in _columns(tx, db.dialect):  # a table from before expiries
                guard = "IF NOT EXISTS " if db.dialect == "postgres" else ""  # a racing worker
                tx.execute(f"ALTER TABLE {TABLE} ADD COLUMN {guard}claimed_at BIGINT")
            tx.execute(f"DELETE FROM {TABLE} WHERE actor NOT LIKE ?", (SCOPE_FORMAT + "%",))
            # claims made before they had an instant: held one full period from now
            tx.execute(
                f"UPDATE {TABLE} SET claimed_at = ? WHERE claimed_at IS NULL AND status IS NULL",
                (micros(self.clock()),),
            )

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
        fingerprint_ = fingerprint(self.secret)
        scope = self.scope(actor, fingerprint_)
        claim = secrets.token_hex(8)
        kept = self._claim(key, scope, fingerprint_, claim)
        if kept is not None:
            return kept
        try:
            response = handle()
        except BaseException:
            self._release(key, scope, claim)
            raise
        if response.status_code in TRANSIENT or response.status_code >= 500:
            self._release(key, scope, claim)
        else:
            self._keep(key, scope, claim, response)
        return response

    def _claim(self, key: str, actor: str, fingerprint: str, claim: str) -> Response | None:
        """Claim the key for this request (None: go on), or the answer without running it: the
        kept response, 409 while another claim holds it, 422 for another request's key. A
        pending claim older than `claim_seconds` is a dead request's: this one takes it over
        (only the same request may: the key stays bound to its first request's content)."""
        now = micros(self.clock())
        expired = now - micros(self.claim_seconds)
        with self.db.transaction() as tx:
            tx.execute(
                f"INSERT INTO {TABLE} (key, actor, claim, fingerprint, claimed_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key, actor) DO NOTHING",
                (key, actor, claim, fingerprint, now),
            )
            tx.execute(
                f"UPDATE {TABLE} SET claim = ?, claimed_at = ? WHERE key = ? AND actor = ? "
                "AND status IS NULL AND fingerprint = ? AND claimed_at < ?",
                (claim, now, key, actor, fingerprint, expired),
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

    def _keep(self, key: str, actor: str, claim: str, response: Response) -> None:
        """Keep the response, if the claim is still this request's (not taken over)."""
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        with self.db.transaction() as tx:
            tx.execute(
                f"UPDATE {TABLE} SET status = ?, body = ?, headers = ? "
                "WHERE key = ? AND actor = ? AND claim = ?",
                (
                    response.status_code,
                    response.get_data(as_text=True),
                    json.dumps(headers),
                    key,
                    actor,
                    claim,
                ),
            )

    def _release(self, key: str, actor: str, claim: str) -> None:
        """Free the key for a retry, if the claim is still this request's and pending."""
        with self.db.transaction() as tx:
            tx.execute(
                f"DELETE FROM {TABLE} WHERE key = ? AND actor = ? AND claim = ? AND status IS NULL",
                (key, actor, claim),
            )


def _columns(tx: Any, dialect: str) -> set[str]:
    """The idempotency table's columns (in the connection's schema)."""
    if dialect == "postgres":
        rows = tx.fetchall(
            "SELECT column_name AS name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?",
            (TABLE,),
        )
    else:
        rows = tx.fetchall(f"PRAGMA table_info({TABLE})")
    return {str(r["name"]) for r in rows}
