"""`greenlist export <what> [name=value ...] --format csv|xlsx --out FILE`: a list as of any
instant, the announcements, an audit-trail query or the supervision report as a file, from the
store the settings name. The rows are the API's own (the command asks the read through the app,
in process, with the auditor's reach: it reads everything), so the filters are the API's query
parameters, checked as the API checks them; a refusal is one line on stderr, never a
traceback (exit 2)."""

from __future__ import annotations

import argparse
import secrets
import sys
from dataclasses import replace
from typing import Any

from api.auth import mint
from api.schemas.reads import AnnouncementQuery, AuditQuery, ListQuery, SupervisionQuery
from domain.values import Level
from greenlist import identity_key, token_secret, vault
from greenlist.settings import Settings

QUERIES = {
    "list": ListQuery,
    "announcements": AnnouncementQuery,
    "audit-trail": AuditQuery,
    "supervision": SupervisionQuery,
}
URLS = {
    "list": "/api/v1/lists/{level}",
    "announcements": "/api/v1/announcements",
    "audit-trail": "/api/v1/audit-trail",
    "supervision": "/api/v1/supervision",
}
LEVELS = [level.value for level in Level]


def add_command(commands: Any) -> None:
    cmd = commands.add_parser(
        "export",
        help="a list, the announcements, an audit-trail query or supervision as CSV or XLSX",
        description=__doc__,
    )
    cmd.add_argument("what", choices=sorted(URLS))
    cmd.add_argument(
        "filters",
        nargs="*",
        metavar="name=value",
        help="the read's query parameters, e.g. as_of=2025-12-31T00:00:00+08:00 city=330100 "
        "(list), actor=... since=... (audit-trail); list takes level=provincial (default)",
    )
    cmd.add_argument("--format", choices=["csv", "xlsx"], required=True)
    cmd.add_argument("--out", required=True, help="the file to write")
    cmd.add_argument("--database-url", default=None)


def fail(message: str) -> int:
    print(f"greenlist export: {message}", file=sys.stderr)
    return 2


def problem_line(body: dict[str, Any]) -> str:
    """A problem+json answer as one line: its detail and, per bad field, the first message."""
    errors = body.get("errors") or {}
    fields = [
        f"{name}: {messages[0] if isinstance(messages, list) else messages}"
        for where in errors.values()
        if isinstance(where, dict)
        for name, messages in where.items()
    ]
    zh = (body.get("messages") or {}).get("zh", "")
    return "; ".join(fields) or f"{body.get('detail', body.get('title', ''))} / {zh}"


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    query: dict[str, str] = {}
    for item in args.filters:
        name, sep, value = item.partition("=")
        if not sep or not name:
            return fail(f"a filter is name=value, not {item!r} / 筛选条件应为 名称=值")
        if name in query:  # the last would win, silently (found by an outside attack)
            return fail(f"the filter {name} is given more than once / 筛选条件 {name} 重复")
        query[name] = value
    level = query.pop("level", "provincial") if args.what == "list" else None
    known = set(QUERIES[args.what]().fields) - {"format", "limit", "wait_for"}
    unknown = sorted(set(query) - known)
    if unknown:
        return fail(
            f"{args.what} has no filter {', '.join(unknown)}; its filters: "
            f"{', '.join(sorted(known))} / 未知的筛选条件"
        )
    if level is not None and level not in LEVELS:
        return fail(f"level must be one of {', '.join(LEVELS)}, not {level!r} / 名单级别无效")
    from greenlist.web import make_app

    settings = replace(settings, jwt_secret=secrets.token_urlsafe(48))
    try:
        app = make_app(settings=settings, follow=False)
    except (token_secret.SecretRefused, identity_key.KeyRequired, vault.KeyRequired) as refused:
        return fail(str(refused))
    context = app.extensions["greenlist"]
    try:
        app.extensions["greenlist_runner"].catch_up()
        auditor = mint(settings.jwt_secret or "", "greenlist-export", "auditor", "330000", hours=1)
        response = app.test_client().get(
            URLS[args.what].format(level=level),
            query_string={**query, "format": args.format},
            headers={"Authorization": f"Bearer {auditor}"},
        )
        if response.status_code != 200:
            return fail(problem_line(response.get_json(silent=True) or {}))
        written = 0
        try:
            with open(args.out, "wb") as out:
                for chunk in response.iter_encoded():
                    written += out.write(chunk)
        except OSError as error:
            return fail(f"cannot write {args.out}: {error.strerror} / 无法写入文件")
        finally:
            response.close()
    finally:
        context.service.close()
        context.views.close()
    store = settings.store.redacted()
    print(f"{args.out}: {written} bytes ({args.what}, {args.format}; store {store})")
    return 0
