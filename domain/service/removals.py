"""The removal policy: when a removal is decided and when it takes effect.

A removal for a ground of A19.1-3 (an article 17 ground, a form overdue, a confirmed report), a
change that no longer meets the standards (A20.3) or a failed re-review (A21) is decided now
and queued; it takes effect at the next annual (provincial) publication, with the queued
renames (A19, A20.3). A ground on an enterprise inside a listed park puts the park up for
removal too (A17 "含园区内企业", A19.1). A major accident removes at once (A19.4), which the
act itself records. The acts that decide or apply removals (dynamic management, complaints,
the calendar, the publication) share this policy; the storage base (`ServiceBase`) knows
nothing of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from domain.acts import Act
from domain.aggregates.adjustments import QUEUE_ID, AdjustmentQueue
from domain.aggregates.membership import ParkMembership, membership_id
from domain.aggregates.unit import Unit
from domain.errors import NotFound
from domain.service.base import Receipt, ServiceBase
from domain.values import Level


class RemovalPolicy(ServiceBase):
    """Removals decided now and applied at the annual publication (A19.1-3, A20.3)."""

    def _queue(self, act: Act) -> AdjustmentQueue:
        """The province's queue of removals and renames waiting for the annual publication."""
        return self._get_or_open(AdjustmentQueue, QUEUE_ID, lambda: AdjustmentQueue.open(act))

    def _defer_removal(
        self,
        act: Act,
        unit: Unit,
        levels: Iterable[Level],
        codes: list[str],
        reason: str,
        queue: AdjustmentQueue,
    ) -> list[str]:
        """Removal decided now, applied at the next annual publication (A19.1-3, A20.3)."""
        deferred = []
        for level in levels:
            if unit.is_listed(level) and not unit.pending_removal(level):
                unit.decide_removal(act, level, codes, reason)
                queue.queue_removal(act, unit.id, level, codes)
                deferred.append(level.value)
        return deferred

    def _record_form_overdue(self, act: Act, unit: Unit, level: Level, year: int) -> Receipt:
        """A18 -> A19.2: the form is overdue, and the removal is decided for the next annual
        publication (by a person, or by the scheduler on 16 April)."""
        unit.mark_form_overdue(act, level, year)
        queue = self._queue(act)
        self._defer_removal(
            act,
            unit,
            [level],
            ["A19.2"],
            f"未按时填报{year}年度动态管理表 / no {year} form by 15 April",
            queue,
        )
        return self._save(unit, queue)

    def _parks_containing(self, member_code: str) -> list[Unit]:
        """The parks whose declaration lists this enterprise (A17 "含园区内企业")."""
        try:
            index = self._get(ParkMembership, membership_id(member_code), "membership")
        except NotFound:
            return []
        return [self._get(Unit, UUID(park), "park") for park in index.parks]

    def _defer_removal_of_parks(
        self, act: Act, member: Unit, ground: str, queue: AdjustmentQueue
    ) -> list[Unit]:
        """A ground on an enterprise inside a listed park puts the park up for removal at the
        next annual publication too (A17 "含园区内企业", A19.1). Returns the parks changed."""
        parks = [p for p in self._parks_containing(member.credit_code) if p.listed_levels]
        for park in parks:
            reason = (
                f"园区内企业{member.credit_code}存在第十七条情形 / an enterprise inside the park "
                f"has an article 17 ground ({ground})"
            )
            self._defer_removal(act, park, park.listed_levels, ["A19.1", ground], reason, queue)
        return parks

    def _apply_adjustments(
        self,
        act: Act,
        queue: AdjustmentQueue,
        loaded: dict[UUID, Unit],
        outcome: dict[str, list[str]],
    ) -> None:
        """At the annual publication the queued renames and removals take effect (A19.1-3,
        A20.3); `loaded` holds the units already read by the publication, `outcome` lists the
        units adjusted and removed."""
        for uid in queue.pending_units:
            unit = self._load_once(loaded, UUID(uid))
            for level_name, name in queue.renames.get(uid, {}).items():
                unit.adjust_listing(act, Level(level_name), name)
                if uid not in outcome["adjusted"]:
                    outcome["adjusted"].append(uid)
            for level_name in queue.removals.get(uid, []):
                level = Level(level_name)
                codes = unit.pending_removal(level)
                if unit.is_listed(level) and codes:
                    unit.remove(
                        act,
                        level,
                        list(codes),
                        immediate=False,
                        reason="年度名单发布时移出 / removed at the annual publication",
                    )
                    if uid not in outcome["removed"]:
                        outcome["removed"].append(uid)

    def _load_once(self, loaded: dict[UUID, Unit], uid: UUID) -> Unit:
        if uid not in loaded:
            loaded[uid] = self._get(Unit, uid, "unit")
        return loaded[uid]
