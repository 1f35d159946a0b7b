"""The one place that maps errors to HTTP: every error is `application/problem+json` (RFC 9457)
with `status`, `title`, `detail`, the rule codes (`rules`) and messages in Chinese and English."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException

from domain.errors import (
    AlreadyExists,
    ConcurrentUpdate,
    Erased,
    GreenlistError,
    NotFound,
    OutOfJurisdiction,
    OutOfRange,
    RuleViolation,
    UndecodableEvent,
    VersionMismatch,
)
from projections.engine.outage import store_unreachable
from projections.errors import ProjectionsBehind

PROBLEM = "application/problem+json"
log = logging.getLogger(__name__)
STORE_RETRY_AFTER = 5
"""Seconds a client is asked to wait (Retry-After) while the store is unreachable: about the
runners' longest wait to reconnect (greenlist.config.reconnect_backoff)."""

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    410: "Gone",
    412: "Precondition Failed",
    413: "Payload Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    417: "Expectation Failed",
    422: "Unprocessable Content",
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}

ZH = {
    400: "请求格式错误",
    401: "需要有效的身份令牌",
    403: "无权执行此操作",
    404: "资源不存在",
    405: "不支持该请求方法",
    408: "请求超时",
    409: "与现有记录冲突",
    410: "该信息已删除",
    412: "版本不匹配，请刷新后重试",
    413: "请求体过大",
    414: "请求行过长",
    415: "请求须为JSON",
    417: "无法满足Expect请求头",
    422: "请求内容不符合要求",
    429: "请求过于频繁，请稍后再试",
    431: "请求头过大",
    500: "服务器内部错误",
    501: "不支持该传输编码",
    503: "服务暂不可用",
}


def problem(
    status: int,
    detail: str,
    zh: str | None = None,
    rules: tuple[str, ...] = (),
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "rules": list(rules),
        "messages": {"zh": zh or ZH.get(status, detail), "en": detail},
        **extra,
    }
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype=PROBLEM)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def status_of(error: GreenlistError) -> int:
    if isinstance(error, OutOfJurisdiction):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Erased):
        return 410
    if isinstance(error, VersionMismatch):
        return 412
    if isinstance(error, ConcurrentUpdate | AlreadyExists):
        return 409
    if isinstance(error, RuleViolation | OutOfRange):
        return 422
    if isinstance(error, UndecodableEvent):
        return 500
    return 400


def from_domain(error: GreenlistError) -> Response:
    if isinstance(error, UndecodableEvent):
        return from_undecodable(error)
    return problem(status_of(error), error.en, error.zh, error.codes)


def from_undecodable(error: UndecodableEvent) -> Response:
    """A stored event the service cannot read (issue 9 item 7): a 500, since the fault is the
    server's and retrying will not help, that names the aggregate, the version and (when read
    from the log) the position, so an operator can find the row; the aggregate's reads fail
    until the code can read it again, other aggregates' reads are unaffected."""
    log.error("undecodable stored event: %s", error.en)
    return problem(
        500,
        error.en,
        error.zh,
        aggregate_id=error.aggregate_id,
        version=error.version,
        position=error.position,
    )


def from_behind(error: ProjectionsBehind) -> Response:
    return problem(503, error.en, error.zh, headers={"Retry-After": "1"})


def from_unreachable(error: Exception) -> Response:
    """The store cannot be reached (restarting, connections dropped, no connection in time):
    503 with Retry-After, never 500, and nothing was recorded unless a receipt says so (issue
    9, item 5). `error` is one that `store_unreachable` recognises, or an unexpected error
    (Flask's 500 handler), which is re-raised as it is."""
    if not store_unreachable(error):
        raise error
    return problem(
        503,
        "the store cannot be reached right now; retry after a few seconds",
        "数据存储暂时无法访问，请稍后重试",
        headers={"Retry-After": str(STORE_RETRY_AFTER)},
    )


def from_http(error: HTTPException) -> Response:
    """werkzeug and webargs errors; validation errors name each bad field. An unexpected
    error (500) that comes from an unreachable store is answered 503 (`from_unreachable`)."""
    status = error.code or 500
    original = getattr(error, "original_exception", None)
    if status == 500 and original is not None and store_unreachable(original):
        return from_unreachable(original)
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    if status == 413:
        # the body was not read (issue 9 item 8): the connection cannot carry another request
        headers["Connection"] = "close"
    if messages:
        # a location-wide error (a body that is not JSON, not an object) is a list of messages:
        # kept under marshmallow's `_schema`, so every location maps fields to messages
        messages = {
            location: errs if isinstance(errs, dict) else {"_schema": errs}
            for location, errs in messages.items()
        }
        fields = [
            location if name == "_schema" else f"{location}.{name}"
            for location, errs in messages.items()
            for name in errs
        ]
        detail = "invalid input: " + ", ".join(fields)
        zh = "输入无效：" + "、".join(fields)
        return problem(status, detail, zh, headers=headers, errors=messages)
    return problem(status, error.description or TITLES.get(status, "Error"), headers=headers)
