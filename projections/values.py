"""How the read models store values: instants as UTC microseconds, dates as ISO text."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.values import micros


def at(instant: datetime) -> int:
    """An instant as stored in the read models."""
    return micros(instant)


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def codes(rules: Any) -> str:
    """Rule codes as stored: comma-separated, in the rule book's order."""
    return ",".join(rules)
