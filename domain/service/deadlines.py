"""What the calendar decides by itself: the acts the scheduler records when a date passes.

Each act is idempotent: it loads the aggregate from the store (never a cached copy), returns
None when what it would record is already recorded (or no longer applies), and otherwise
records it with the logical date as the world time (`occurred_at`), the instant it is actually
recorded as the timestamp, and the system as the actor. Two schedulers doing the same act at
once are kept apart by the store's version check: the loser's write is refused
(`ConcurrentUpdate`), and it finds the act done when it tries again."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.acts import Act
from domain.aggregates.round import Round, round_id
from domain.service.base import Receipt
from domain.service.removals import RemovalPolicy
from domain.values import Actor, Level, local_midnight


def _why(rule: str, due_on: date) -> str:
    return f"定时任务：{due_on.isoformat()}到期 / scheduled: due {due_on.isoformat()} ({rule})"


class DeadlineActs(RemovalPolicy):
    """The acts of the yearly calendar (lifecycle.md), done by the system on their date."""

    def _deadline_act(
        self, actor: Actor, name: str, rule: str, due_on: date, rules: tuple[str, ...] = ()
    ) -> Act:
        """The act `name`, dated at 00:00 of the due date, which the scheduler reaches before it
        acts (never after the recording): a due date still ahead is refused naming `rules` (by
        default the deadline's own rule), nothing recorded (issue 9 item 3)."""
        self._authorise(actor, name)
        why = _why(rule, due_on)
        return self._act(actor, local_midnight(due_on), why, rules=rules or (rule,))

    def close_nomination_window(
        self, actor: Actor, level: Level, year: int, due_on: date
    ) -> Receipt | None:
        """A14.1: on 1 July the window of the year's round closed."""
        rnd = self._get(Round, round_id(level, year), f"{year}年{level.value}轮次", fresh=True)
        act = self._deadline_act(actor, "close_nomination_window", "A14.1", due_on)
        if not rnd.close_nomination_window(act):
            return None
        return self._save(rnd)

    def close_public_notice(
        self, actor: Actor, level: Level, year: int, due_on: date
    ) -> Receipt | None:
        """A16.1: the day after its last day the notice is over."""
        rnd = self._get(Round, round_id(level, year), f"{year}年{level.value}轮次", fresh=True)
        if not rnd.close_notice(self._deadline_act(actor, "close_public_notice", "A16.1", due_on)):
            return None
        return self._save(rnd)

    def expire_dynamic_form(
        self, actor: Actor, credit_code: str, level: Level, year: int, due_on: date
    ) -> Receipt | None:
        """A18 -> A19.2: on 16 April a listed unit without its form for the previous year is
        overdue, and its removal is decided for the next annual publication. Nothing if the
        form is in, or the unit is no longer listed at that level."""
        unit = self._unit(credit_code, fresh=True)
        if not unit.owes_form(level, year):
            return None
        act = self._deadline_act(actor, "expire_dynamic_form", "A18", due_on, ("A18", "A19.2"))
        return self._record_form_overdue(act, unit, level, year)

    def mark_rereview_due(
        self, actor: Actor, credit_code: str, level: Level, due_on: date
    ) -> Receipt | None:
        """A21: five years after listing (or the last re-review) the re-review fell due."""
        unit = self._unit(credit_code, fresh=True)
        if unit.rereview_due(level) != due_on:
            return None  # re-reviewed meanwhile (a new due date) or no longer listed
        act = self._deadline_act(actor, "mark_rereview_due", "A21", due_on)
        if not unit.mark_rereview_due(act, level):
            return None
        return self._save(unit)

    def lapse_negative_record(
        self, actor: Actor, credit_code: str, record_id: UUID, due_on: date
    ) -> Receipt | None:
        """A17: three years after it happened (or ended) a ground stopped counting."""
        unit = self._unit(credit_code, fresh=True)
        entry = unit.negative_record(record_id)
        ground = entry.ground.value if entry else "A17.1"
        act = self._deadline_act(actor, "lapse_negative_record", "A17", due_on, (ground,))
        if not unit.lapse_negative_record(act, record_id):
            return None
        return self._save(unit)
