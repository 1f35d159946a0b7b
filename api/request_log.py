"""Structured logs (issue 13 item 5): one JSON line per request (request id, actor, route,
status, duration) and one per command (its act, the aggregate, its new version, log position
and rule codes), Chinese readable (`ensure_ascii=False`). Every answer carries the request's id
in `X-Request-ID`: the caller's own when it is sane (1-128 letters, digits and `._:-`), else
one generated here, so that a caller and an operator speak of the same request.

Never logged: bodies and query strings (a real-name report's or an objection's filing holds the
reporter's identity, A23.1, A16.1), tokens, any field of a command beyond its receipt, and on a
filing (`reporting`) who sent it: its token's subject, role, region, nor its address."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request

from api.auth import is_filing

REQUESTS = logging.getLogger("greenlist.json.requests")
COMMANDS = logging.getLogger("greenlist.json.commands")
HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)


def request_id() -> str:
    """This request's id (outside a request: an empty string)."""
    return str(g.get("request_id", ""))


def actor_fields() -> dict[str, Any]:
    actor = g.get("actor")
    if actor is None or is_filing():
        return {"actor": None, "role": None, "region": None}
    return {"actor": actor.id, "role": actor.role.value, "region": actor.region}


def log_command(act: str, receipt: Any) -> None:
    """The JSON line of a command that ran (not of an idempotent replay)."""
    if not COMMANDS.isEnabledFor(logging.INFO):
        return
    COMMANDS.info(
        line(
            {
                "log": "command",
                "request_id": request_id(),
                "act": act,
                **actor_fields(),
                "aggregate": receipt.kind or None,
                "aggregate_id": str(receipt.aggregate_id),
                "version": receipt.version,
                "position": receipt.position,
                "rules": list(receipt.rules),
            }
        )
    )


def install_request_log(app: Flask) -> None:
    """Give each request its id (first, before authentication may refuse it), echo it in the
    answer and log the request's JSON line."""

    def start() -> None:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if SANE.fullmatch(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    def finish(response: Response) -> Response:
        response.headers[HEADER] = request_id() or uuid.uuid4().hex
        if REQUESTS.isEnabledFor(logging.INFO):
            started = g.get("request_started")
            duration = time.perf_counter() - started if started is not None else None
            rule = request.url_rule.rule if request.url_rule is not None else None
            record = {
                "log": "request",
                "request_id": request_id(),
                "method": request.method,
                "route": rule,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(duration * 1000, 3) if duration is not None else None,
                **actor_fields(),
                "remote": None if is_filing() else request.remote_addr,
            }
            REQUESTS.info(line(record))
        return response

    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(finish)


def log_json_lines(stream: Any = None) -> None:
    """Write the JSON lines, and nothing else, to `stream` (stderr), once per process (gunicorn's
    workers inherit it with the fork): `greenlist serve`, unless `--no-access-log`."""
    parent = logging.getLogger("greenlist.json")
    if any(getattr(h, "greenlist_json", False) for h in parent.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.greenlist_json = True  # type: ignore[attr-defined]
    parent.addHandler(handler)
    parent.setLevel(logging.INFO)
    parent.propagate = False
