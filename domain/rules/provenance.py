"""What every act's record must be, whatever its article: values the stores keep and give back
(issue 9 item 7), and a world time no later than its recording (A29, issue 9 item 3).

The refusals name the rules of the act being recorded: these are not rules of their own but the
conditions under which any rule's decision can be recorded at all."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.errors import RuleViolation
from domain.values import SHANGHAI

INT64 = 2**63
UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")
STORE_TAG = frozenset({"_type_", "_data_"})
"""The members of the object in which the event store's JSON transcoder tags its own values
(a date, a UUID): any other object of exactly these members would be decoded as one."""
PLAIN = frozenset({date, datetime, UUID})
"""Values the store's transcodings keep (as ISO text, hex): nothing to look into."""
UNSTORABLE = {
    "number": ("不是有限数值", "is not a finite number"),
    "integer": ("超出64位整数范围", "is an integer beyond 64 bits"),
    "text": ("含有NUL字符或孤立代理项", "holds a NUL character or a lone surrogate"),
    "tag": (
        "是仅含_type_与_data_的对象（事件存储的保留形式）",
        "is an object of exactly _type_ and _data_ (the event store's own tag)",
    ),
}


def unstorable(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first member of `value` (by path, such as `facts.x`) that no store keeps and gives
    back as it was, with the kind of fault (a key of `UNSTORABLE`); None if there is none.

    A non-finite float is written to the log as `Infinity` or `NaN`, which is not JSON: every
    later read of the history as JSON fails. An integer beyond 64 bits fits no BIGINT (and one
    of more than 4,300 digits cannot even be written as text). PostgreSQL's text refuses a NUL
    and UTF-8 has no lone surrogates. An object shaped like the store's own tag is decoded as
    a tagged value, and a bad one makes the whole history undecodable."""
    if _plainly_storable(value):
        return None
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                return where, "number"
        elif isinstance(item, int):
            if not -INT64 <= item < INT64:
                return where, "integer"
        elif isinstance(item, str):
            if UNSAFE_TEXT.search(item):
                return where, "text"
        elif isinstance(item, Mapping):
            if item.keys() == STORE_TAG:
                return where, "tag"
            for key, member in item.items():
                inner = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and UNSAFE_TEXT.search(key):
                    return inner, "text"
                stack.append((member, inner))
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend((v, f"{where}.{i}" if where else str(i)) for i, v in enumerate(item))
    return None


def _plainly_storable(value: Any) -> bool:
    """`unstorable`'s question for the usual case, fast (every recorded event is asked it):
    True when `value` is made only of plain JSON values that are fine; False when something
    is wrong or is of another type (a subclass, an enum), which the full walk then judges."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if not item.isprintable() and UNSAFE_TEXT.search(item):  # printable: no NUL, Cs
                return False
        elif kind is dict:
            if len(item) == 2 and item.keys() == STORE_TAG:
                return False
            for key in item:
                if type(key) is not str or (not key.isprintable() and UNSAFE_TEXT.search(key)):
                    return False
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif kind is int:
            if not -INT64 <= item < INT64:
                return False
        elif not (kind is bool or item is None or kind in PLAIN):
            return False
    return True


def check_storable(codes: Iterable[str], fields: Mapping[str, Any]) -> None:
    """The last line before the log (issue 9 item 7): every value of an event to be recorded
    is one the stores keep and give back (see `unstorable`); otherwise the act is refused
    under the rules it applies, nothing recorded. The API refuses the same input first."""
    found = unstorable(fields)
    if found:
        where, kind = found
        zh, en = UNSTORABLE[kind]
        raise RuleViolation(
            tuple(codes), zh=f"{where}的值无法记录：{zh}", en=f"{where} cannot be recorded: it {en}"
        )


CLOCK_SKEW = timedelta(seconds=5)
"""How far an act's stated world time may lie ahead of its recording: clocks of the callers'
machines disagree by a few seconds, never by more (issue 9, item 3)."""


def check_not_future_dated(
    occurred_at: datetime, recorded_at: datetime, rules: Iterable[str]
) -> None:
    """Nothing is recorded as having happened after the instant it is recorded (A29: the log is
    a record of what happened). A deadline is judged at the later of the stated and the
    recorded time, so an act dated into the future would be judged past its deadline before
    the deadline has come: a publication before the notice's end (A16.1), a form overdue
    before 16 April (A18), a report counted in next year's quota (A22.3). Refused naming the
    rules the act would have applied."""
    if occurred_at <= recorded_at + CLOCK_SKEW:
        return
    codes = tuple(rules) or ("A29",)
    stated = occurred_at.astimezone(SHANGHAI).isoformat(timespec="seconds")
    now = recorded_at.astimezone(SHANGHAI).isoformat(timespec="seconds")
    raise RuleViolation(
        codes,
        zh=f"发生时间{stated}晚于记录时间{now}：不得记录尚未发生的事项",
        en=f"occurred_at {stated} is later than the recording instant {now}: an act cannot be "
        "dated in the future",
    )
