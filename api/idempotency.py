"""`Idempotency-Key` on every command: the first response is kept; a replay of the same request
with the same key returns it and records nothing new. A key claimed by a request still running
answers 409; the same key with a different request answers 422."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from typing import Any, Protocol

from flask import Response, request

from api.problems import problem

TABLE = "api_idempotency"
KEY = re.compile(r"[\x21-\x7e]{1,255}")
"""A key is 1 to 255 visible ASCII characters (a UUID, say): it is stored and indexed."""
TRANSIENT = frozenset({409, 412, 503})
"""Responses not kept: the same request may well succeed when tried again."""


class Store(Protocol):
    dialect: str

    def transaction(self) -> Any: ...

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]: ...


class Idempotency:
    """Kept responses, in the read side's database."""

    def __init__(self, db: Store) -> None:
        self.db = db
        with db.transaction() as tx:
            tx.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (key TEXT NOT NULL, actor TEXT NOT NULL, "
                "claim TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER, body TEXT, "
                "headers TEXT, PRIMARY KEY (key, actor))"
            )

    def run(self, actor: str, handle: Callable[[], Response]) -> Response:
        key = request.headers.get("Idempotency-Key")
        if not key:
            return handle()
        if not KEY.fullmatch(key):
            return problem(
                400,
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                "幂等键须为1至255个可见ASCII字符",
            )
        fingerprint = hashlib.sha256(
            f"{request.method} {request.full_path}\n".encode() + request.get_data()
        ).hexdigest()
        kept = self._claim(key, actor, fingerprint)
        if kept is not None:
            return kept
        try:
            response = handle()
        except BaseException:
            self._release(key, actor)
            raise
        if response.status_code in TRANSIENT or response.status_code >= 500:
            self._release(key, actor)
        else:
            self._keep(key, actor, response)
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
