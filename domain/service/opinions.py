"""A20.3: the city's adjustment opinions on its provincial and national units travel with its
annual recommendations; the province announces and applies them at the annual publication.

A change of a listed unit is declared (A20.1) and re-checked by the city (A20.2), which records
the city's finding. For a unit on the provincial or national list nothing more happens until
the city sends its opinion with its recommendations of a round (by 30 June, A14.1): a rename
or a removal is then queued, and the next annual publication applies it (domain.service
.removals), naming the opinion; "keep" leaves the list as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from domain.acts import Act
from domain.aggregates.adjustments import AdjustmentQueue
from domain.aggregates.round import Round, round_id
from domain.aggregates.unit import Unit
from domain.rules.dynamic import (
    ChangeStatus,
    OpinionAction,
    check_a20_3_opinion,
    check_a20_3_some,
)
from domain.service.base import ExpectedVersion, Receipt
from domain.service.removals import RemovalPolicy
from domain.values import Actor, Level


class AdjustmentOpinionActs(RemovalPolicy):
    """The city's adjustment opinions, an act of the city on a round (A20.3)."""

    def submit_adjustment_opinions(
        self,
        actor: Actor,
        level: Level,
        year: int,
        opinions: Sequence[Mapping[str, Any]],
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A20.3: the city sends, with its recommendations of the `level` round of `year`, its
        opinion on each of its units of that list with a confirmed change: `credit_code`,
        `change_ids` (the changes re-checked, A20.2), `action` (rename, removal, keep) and
        `reasons`. A rename or removal is queued for the annual publication."""
        self._may(actor, "submit_adjustment_opinions")
        rnd = self._expect(
            self._get(Round, round_id(level, year), f"{year}年{level.value}轮次 round"),
            expected_version,
        )
        act = self._act(actor, occurred_at, rules=("A14.1", "A20.3"))
        units: list[Unit] = []
        recorded: list[dict[str, Any]] = []
        for opinion in opinions:
            unit = self._unit(opinion["credit_code"])
            self._authorise(actor, "submit_adjustment_opinions", unit, level=level)
            units.append(unit)
            recorded.append(self._checked(unit, level, rnd, opinion))
        check_a20_3_some(len(recorded))
        rnd.submit_adjustment_opinions(act, actor.region, recorded)
        queue = self._queue(act)
        for unit, opinion in zip(units, recorded, strict=True):
            self._queue_opinion(act, unit, level, opinion, queue)
        return self._save(rnd, *units, queue, opinions=len(recorded))

    @staticmethod
    def _checked(
        unit: Unit, level: Level, rnd: Round, opinion: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A20.3: one opinion, checked against the unit and the round; as recorded."""
        change_ids = [str(c) for c in opinion.get("change_ids", [])]
        changes = [unit.changes.get(c) for c in change_ids]
        action = check_a20_3_opinion(
            str(opinion.get("action", "")),
            listed=unit.is_listed(level),
            confirmed=bool(changes)
            and all(c is not None and c.status is ChangeStatus.CONFIRMED for c in changes),
            already=any(rnd.has_opinion_on(c) for c in change_ids),
            renamed=unit.listed_name(level) != unit.name,
        )
        return {
            "credit_code": unit.credit_code,
            "unit_id": str(unit.id),
            "change_ids": change_ids,
            "action": action.value,
            "reasons": str(opinion.get("reasons", "")),
        }

    def _queue_opinion(
        self,
        act: Act,
        unit: Unit,
        level: Level,
        opinion: dict[str, Any],
        queue: AdjustmentQueue,
    ) -> None:
        """A20.3: the opinion's rename or removal waits for the annual publication."""
        action = OpinionAction(opinion["action"])
        if action is OpinionAction.RENAME:
            queue.queue_rename(act, unit.id, level, unit.name)
        elif action is OpinionAction.REMOVAL:
            reason = f"市级调整意见 / the city's adjustment opinion: {opinion['reasons']}"
            self._defer_removal(act, unit, [level], ["A20.2", "A20.3"], reason, queue)
