"""How the console reads: every page asks the API itself (the same app, in process) with the
signed-in person's bearer token, so what a role sees is exactly what the API shows that role
(api.access), refusals included, and whatever the API records about a read is recorded."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, time, timedelta, timezone
from typing import Any

from flask import current_app, request

COOKIE = "greenlist_console"
LANG_COOKIE = "greenlist_lang"
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
MAX_PAGE = 500


class Refused(Exception):
    """The API answered with a problem: its status and its zh/en messages."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        super().__init__(problem.get("detail", ""))
        self.status = status
        messages = problem.get("messages") or {}
        self.zh = str(messages.get("zh") or problem.get("detail") or problem.get("title", ""))
        self.en = str(messages.get("en") or problem.get("detail") or problem.get("title", ""))
        self.rules = list(problem.get("rules") or [])


def token() -> str | None:
    return request.cookies.get(COOKIE) or None


def get(path: str, **params: Any) -> dict[str, Any]:
    """The API's JSON answer to GET `path` with the query `params` (None left out), read with
    the signed-in token (none: as the public); a problem raises Refused."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    headers = {"Accept": "application/json"}
    if token():
        headers["Authorization"] = f"Bearer {token()}"
    answer = current_app.test_client().get(path, query_string=query, headers=headers)
    body = answer.get_json(silent=True) or {}
    if answer.status_code >= 400:
        raise Refused(answer.status_code, body)
    return dict(body)


def every(path: str, key: str = "after", **params: Any) -> Iterator[dict[str, Any]]:
    """Every item of a paginated read, page after page."""
    after = None
    while True:
        page = get(path, limit=MAX_PAGE, **{key: after}, **params)
        yield from page.get("items", [])
        after = page.get("next_after")
        if after is None:
            return


def instant(text: str | None) -> datetime | None:
    """An ISO instant, or a plain date meaning the end of that day in Asia/Shanghai."""
    if not text:
        return None
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).date()
            return datetime.combine(day, time(23, 59, 59, 999999), SHANGHAI)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def local(text: Any) -> str:
    """An instant as people here read it: Beijing time, +08:00."""
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    if moment.tzinfo is None:
        return str(text)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S+08:00")
