"""The console's query strings are checked as the API's are (found by an outside attack): a
parameter a page does not take, a parameter given twice, or a value a page cannot read is a 422
page naming it, never a page that silently shows something else (`/console/lists?date=zzz`
showed the latest list; `/console/audit?since=2025-06-01&since=garbage` read the first and
ignored the second; `?level=bogus` showed the provincial list). An empty value is the form's
"any" and is accepted. The export links (`/console/export/...`) pass their query to the API,
which checks it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import request
from werkzeug.wrappers import Response

from api.console.client import Refused, instant
from domain.values import CITIES, Level

LEVELS = frozenset(level.value for level in Level)
KINDS = frozenset({"factory", "park", "supply_chain"})
BASES = frozenset({"recorded", "world"})


def _one_of(allowed: frozenset[str]) -> Callable[[str], bool]:
    return lambda value: value in allowed


def _whole(value: str) -> bool:
    return value.isdigit() and len(value) <= 9


def _instant(value: str) -> bool:
    return instant(value) is not None


def _anything(_: str) -> bool:
    return True


Checks = Mapping[str, Callable[[str], bool]]
_LISTS: Checks = {
    "level": _one_of(LEVELS),
    "kind": _one_of(KINDS),
    "city": _one_of(frozenset(CITIES)),
    "basis": _one_of(BASES),
    "date": _instant,
    "step": _whole,
}
PAGES: dict[str, Checks] = {
    "console.home": {},
    "console.sign_in": {"expired": _anything},
    "console.language": {},
    "console.lists": _LISTS,
    "console.lists_table": _LISTS,
    "console.unit_search": {"code": _anything},
    "console.unit": {"as_of": _instant},
    "console.why": {},
    "console.rule": {},
    "console.audit": {
        **dict.fromkeys(("actor", "region", "rule", "type", "role", "after"), _anything),
        "since": _instant,
        "until": _instant,
        "basis": _one_of(BASES),
    },
    "console.supervision": {"since": _instant, "region": _anything},
    "console.announcements": {"after": _anything, "level": _one_of(LEVELS)},
    "console.deadlines": {"after": _anything, "status": _anything},
    "console.rounds": {"level": _one_of(frozenset({"national", "provincial"})), "year": _whole},
}
"""Per console page (its endpoint), the query parameters it takes and how a value is read;
a page not named here (the export links, the static files) checks its own."""


def refused_query() -> Refused | None:
    """What is wrong with this request's query string for its page, as the API would say it
    (a 422 problem), or None."""
    checks = PAGES.get(request.endpoint or "")
    if checks is None or not request.query_string:
        return None
    unknown = sorted(set(request.args) - set(checks))
    if unknown:
        names = ", ".join(unknown)
        return _problem(
            f"unknown query parameter(s): {names} (this page takes: "
            f"{', '.join(sorted(checks)) or 'none'})",
            f"未知的查询参数：{'、'.join(unknown)}",
        )
    repeated = sorted(name for name, values in request.args.lists() if len(values) > 1)
    if repeated:
        return _problem(
            f"given more than once: {', '.join(repeated)} (each takes one value)",
            f"查询参数重复：{'、'.join(repeated)}",
        )
    bad = sorted(
        name for name, value in request.args.items() if value.strip() and not checks[name](value)
    )
    if bad:
        return _problem(
            f"a value this page cannot read: {', '.join(bad)}",
            f"查询参数的值无效：{'、'.join(bad)}",
        )
    return None


def _problem(en: str, zh: str) -> Refused:
    return Refused(422, {"detail": en, "messages": {"en": en, "zh": zh}})


def check_query(render: Callable[[Refused], Response]) -> Callable[[], Response | None]:
    """A before-request hook of the console's blueprint: the refusal rendered as a page."""

    def hook() -> Response | None:
        refused = refused_query()
        return render(refused) if refused is not None else None

    return hook
