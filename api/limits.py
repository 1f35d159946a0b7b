"""Filing a real-name report is rate-limited per client (issue 9 item 4): anyone may file without
a token (A23.1), so one client must not be able to flood the handling cities with reports.
Flask-Limiter counts the requests; a client over the limit gets 429 problem+json with
`Retry-After` (seconds) before its body is read, and nothing is recorded.

A client is the request's remote address. Behind a reverse proxy that is the proxy's, unless the
proxy's `X-Forwarded-For` is applied first (werkzeug's ProxyFix): do that, or every reporter
shares one budget. The counts live in the storage named by `storage_uri`: `memory://` (the
default) keeps them per process, so with N gunicorn workers a client may file up to N times the
limit; give the workers a shared storage (e.g. `redis://...`, with its driver installed) to make
the limit exact."""

from __future__ import annotations

import math
import time

from flask import Flask, Response, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many

from api.auth import is_filing
from api.problems import problem
from api.resources import complaints, notices

DEFAULT_FILING_LIMIT = "5 per minute;50 per day"
"""Per client: a person files a report now and then, a script hundreds."""


def client_address() -> str:
    """The client a limit counts against: its remote address (see the module's note on
    proxies)."""
    return request.remote_addr or "unknown"


def check_limit(value: str) -> str:
    """A limit in Flask-Limiter's notation ("5 per minute;50 per day"), refused at start-up
    when it does not parse, rather than at the first filing."""
    try:
        if not parse_many(value):
            raise ValueError(value)
    except ValueError:
        raise ValueError(f"not a rate limit: {value!r} (e.g. {DEFAULT_FILING_LIMIT!r})") from None
    return value


def install_limits(
    app: Flask, filing_limit: str = DEFAULT_FILING_LIMIT, storage_uri: str = "memory://"
) -> Limiter:
    """Limit POST /api/v1/complaints and objections to a notice (POST /api/v1/notices/...)
    per client. Registered before authentication and the body
    checks, so a throttled request costs neither a token check nor a read of its body."""
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=storage_uri,
        strategy="moving-window",
        key_prefix="greenlist",
        headers_enabled=False,
    )
    # only the filings: the blueprints' other POSTs (a disclosure, an erasure: officials' acts,
    # issue 14) must not share a budget an anonymous client can spend
    for blueprint in (complaints.blp, notices.blp):
        limiter.limit(
            check_limit(filing_limit), methods=["POST"], exempt_when=lambda: not is_filing()
        )(blueprint)

    def too_many(error: RateLimitExceeded) -> Response:
        current = limiter.current_limit
        wait = current.reset_at - time.time() if current is not None else 60
        retry_after = str(max(1, math.ceil(wait)))
        return problem(
            429,
            f"too many reports from this client (at most {error.description}); "
            f"retry after {retry_after} s",
            f"举报提交过于频繁（上限：{error.description}），请于{retry_after}秒后再试",
            ("A23.1",),
            headers={"Retry-After": retry_after},
        )

    app.register_error_handler(RateLimitExceeded, too_many)
    posts_only(app, limiter)
    return limiter


def posts_only(app: Flask, limiter: Limiter) -> None:
    """The limiter's check before a request, run for POSTs only: every limit above is a POST's,
    and no default or meta limit is set, so another request never meets one; yet the check
    resolved the limits of its route on every read (a tenth of a list read's CPU, more than
    `/health` pays: issue 15 item 4). The hook Flask-Limiter registered is swapped in place
    (its order among the hooks kept)."""
    hooks = app.before_request_funcs[None]
    check = next(hook for hook in hooks if hook == limiter._check_request_limit)

    def filings_only() -> None:
        if request.method == "POST":
            check()

    hooks[hooks.index(check)] = filings_only
