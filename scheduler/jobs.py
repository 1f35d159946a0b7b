"""The scheduler's jobs: one plain function per kind of deadline (projections.deadlines).

Each takes the application service, the actor (the system) and a due deadline, and calls the
service's idempotent act for it (domain.service.deadlines): the act records what it decided,
with the deadline's logical date as the world time, or nothing when that is already recorded.
Running a job twice for the same deadline therefore records nothing new."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from domain.service import Greenlist
from domain.service.base import Receipt
from domain.service.custody import REPORT, Closed
from domain.values import PROVINCE, Actor, Level, Role

SCHEDULER = Actor("scheduler", Role.SYSTEM, PROVINCE)
"""Who the scheduler's events name as their actor: the system, province-wide."""

Deadline = Mapping[str, Any]
Job = Callable[[Greenlist, Actor, Deadline, date], Receipt | None]


def close_nomination_window(app: Greenlist, actor: Actor, d: Deadline, due: date) -> Receipt | None:
    """A14.1: 1 July, the year's recommendations are closed."""
    return app.close_nomination_window(actor, Level(d["level"]), int(d["year"]), due)


def close_public_notice(app: Greenlist, actor: Actor, d: Deadline, due: date) -> Receipt | None:
    """A16.1: the notice ran its period; publication may follow."""
    return app.close_public_notice(actor, Level(d["level"]), int(d["year"]), due)


def expire_dynamic_form(app: Greenlist, actor: Actor, d: Deadline, due: date) -> Receipt | None:
    """A18 -> A19.2: 16 April, a missing form is overdue; removal at the annual publication."""
    return app.expire_dynamic_form(actor, d["credit_code"], Level(d["level"]), int(d["year"]), due)


def mark_rereview_due(app: Greenlist, actor: Actor, d: Deadline, due: date) -> Receipt | None:
    """A21: the five-yearly re-review fell due."""
    return app.mark_rereview_due(actor, d["credit_code"], Level(d["level"]), due)


def lapse_negative_record(app: Greenlist, actor: Actor, d: Deadline, due: date) -> Receipt | None:
    """A17: a ground stopped counting after three years."""
    return app.lapse_negative_record(actor, d["credit_code"], UUID(d["record_id"]), due)


def flag_rectification_overdue(
    app: Greenlist, actor: Actor, d: Deadline, due: date
) -> Receipt | None:
    """A23.2: a rectification past its due date with no result recorded is overdue."""
    return app.flag_rectification_overdue(actor, UUID(d["record_id"]), due)


JOBS: dict[str, Job] = {
    "window": close_nomination_window,
    "notice": close_public_notice,
    "form": expire_dynamic_form,
    "rereview": mark_rereview_due,
    "lapse": lapse_negative_record,
    "rectification": flag_rectification_overdue,
}
"""The job of each kind of deadline (projections.deadlines.KINDS)."""


RETENTION_REASON = "保存期满 / retention of {days} days ended"
"""The reason the retention job's erasures state (issue 14 item 3)."""


def erase_after_retention(
    app: Greenlist, actor: Actor, subject: Closed, days: int
) -> Receipt | None:
    """Issue 14 item 3 (A23.1, A16.1): a report or objection closed `days`
    (GREENLIST_REPORT_RETENTION_DAYS) days ago or more keeps its reporter's or objector's
    personal data no longer: erased, basis "retention", its data key destroyed. None when it
    was erased meanwhile (nothing recorded)."""
    erase = app.erase_reporter_data if subject.kind == REPORT else app.erase_objector_data
    reason = RETENTION_REASON.format(days=days)
    receipt = erase(actor, subject.id, reason, basis="retention")
    return receipt if receipt.position is not None else None
