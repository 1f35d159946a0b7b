"""Dynamic management of a listed unit (A18-A21): yearly forms, changes and renames, removals
(decided for the annual publication, or at once) and the five-yearly re-review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import applies
from domain.aggregates.unit.core import UnitCore
from domain.aggregates.unit.state import Change, Form, NegativeEntry, Standing
from domain.events import unit as ev
from domain.rules import dynamic, evaluation
from domain.rules.calendar import rereview_due
from domain.rules.dynamic import ChangeKind, ChangeStatus, FormStatus
from domain.rules.exclusions import Ground
from domain.rules.levels import HIGHER_LEVELS
from domain.rules.stages import Stage
from domain.values import Level


@dataclass(frozen=True)
class DeclaredChange:
    """A20.1: a change declared in the yearly form: its id, kind (name, scope, address,
    boundary), the new name (for a rename) and the explanation."""

    change_id: UUID
    kind: str
    description: str
    new_name: str = ""


class DynamicManagement(UnitCore):
    """What happens to a unit once it is listed."""

    def pending_removal(self, level: Level) -> tuple[str, ...] | None:
        """The codes of a removal decided for the next annual publication (A19.1-3, A20.3)."""
        standing = self.standing_at(level)
        return standing.pending_removal if standing else None

    def listed_name(self, level: Level) -> str | None:
        """The name the list of a level shows (A20.3: a rename waits for the publication)."""
        standing = self.standing_at(level)
        return standing.listed_name if standing else None

    def form(self, level: Level, year: int) -> FormStatus | None:
        return self.forms.of(level, year)

    def owes_form(self, level: Level, year: int) -> bool:
        """A18: listed at the level during `year` (or before) and still listed, with no form
        for that year recorded (submitted, late or overdue)."""
        standing = self.standing_at(level)
        return (
            standing is not None
            and standing.stage is Stage.LISTED
            and standing.listed_on is not None
            and standing.listed_on.year <= year
            and self.forms.of(level, year) is None
        )

    def rereview_due(self, level: Level) -> date | None:
        """A21: the date the next five-yearly re-review is due, if listed."""
        standing = self.standing_at(level)
        if standing is None or standing.stage is not Stage.LISTED:
            return None
        assert standing.listed_on is not None
        return rereview_due(standing.listed_on, standing.last_rereview)

    def submit_dynamic_form(
        self,
        act: Act,
        level: Level,
        year: int,
        indicators: dict[str, Any],
        changes: Sequence[DeclaredChange] = (),
    ) -> None:
        """A18: a listed unit's yearly form, for a year that has begun and in which it was
        listed (as `mark_form_overdue` asks: a form for an earlier year would settle a deadline
        that never was and open the next, long past due); one after 15 April is recorded as
        late. A20.1 (第二十条: "应在填报动态管理表时予以说明"): the form declares the unit's
        changes of name, scope, address or boundary, each recorded as a `ChangeDeclared` of
        the same act, for the city to re-check (A20.2)."""
        dynamic.check_a18_year_begun(year, act.recorded_at)
        standing = self._require_listed(level, "A18")
        dynamic.check_a18_listed_in(year, standing.listed_on)
        dynamic.check_a18_not_recorded(year, self.forms.of(level, year))
        for change in changes:
            dynamic.check_a20_1_change(True, change.kind, change.new_name)
        late = dynamic.form_status(year, act.on) is FormStatus.LATE
        self.record(
            ev.DynamicFormSubmitted,
            act,
            ["A18", *(["A20.1"] if changes else [])],
            level=level.value,
            year=year,
            indicators=indicators,
            late=late,
            declared_changes=[str(c.change_id) for c in changes],
        )
        for change in changes:
            self.declare_change(
                act, change.change_id, change.kind, change.new_name, change.description
            )

    def mark_form_overdue(self, act: Act, level: Level, year: int) -> None:
        """A18 -> A19.2: the form was not in by 15 April."""
        standing = self._require_listed(level, "A18")
        dynamic.check_a18_listed_in(year, standing.listed_on)
        dynamic.check_a18_overdue(year, act.judged_at)
        dynamic.check_a18_not_recorded(year, self.forms.of(level, year))
        self.record(ev.DynamicFormOverdue, act, ["A18", "A19.2"], level=level.value, year=year)

    def declare_change(
        self, act: Act, change_id: UUID, change_kind: str, new_name: str, description: str
    ) -> None:
        """A20.1: a change of name, scope, address or boundary of a listed unit."""
        dynamic.check_a20_1_change(bool(self.listed_levels), change_kind, new_name)
        self.record(
            ev.ChangeDeclared,
            act,
            ["A20.1"],
            change_id=change_id,
            change_kind=change_kind,
            new_name=new_name.strip(),
            description=description,
        )

    def recheck_change(
        self, act: Act, change_id: UUID, confirmed: bool, still_meets_standards: bool
    ) -> list[Level]:
        """A20.2: the city re-checks; a confirmed rename takes effect; a unit that no longer meets
        the standards leaves the municipal list now. Returns the higher levels whose removal must
        wait for the annual publication (A20.3)."""
        change = self.changes.get(str(change_id))
        dynamic.check_a20_2_declared(change.status if change else None)
        assert change is not None
        self.record(
            ev.ChangeRechecked,
            act,
            ["A20.2"],
            change_id=change_id,
            confirmed=confirmed,
            still_meets_standards=still_meets_standards,
        )
        if confirmed and change.kind is ChangeKind.NAME and change.new_name != self.name:
            self.record(
                ev.NameChanged,
                act,
                ["A20.2", "A20.3"],
                old_name=self.name,
                new_name=change.new_name,
            )
        if still_meets_standards:
            return []
        if self.is_listed(Level.MUNICIPAL):
            self.remove(
                act,
                Level.MUNICIPAL,
                ["A20.2"],
                immediate=True,
                reason="变更后不再符合标准 / no longer meets the standards after a change",
            )
        return [lvl for lvl in HIGHER_LEVELS if self.is_listed(lvl)]

    def decide_removal(self, act: Act, level: Level, codes: list[str], reason: str) -> None:
        """A19.1-3, A20.3, A21, A23.2: removal decided now, effective at the annual publication."""
        self._require_listed(level, codes[0])
        if self.pending_removal(level):
            return
        seen = evaluation.removal(codes, reason, level.value, listed=True, takes_effect="annual")
        self.record(
            ev.RemovalDecided,
            act,
            codes,
            evaluations=seen,
            level=level.value,
            reason=reason,
        )

    def remove(
        self, act: Act, level: Level, codes: list[str], immediate: bool, reason: str
    ) -> None:
        """The unit leaves a list (A19); the removal is itself an A17.3 ground for three years."""
        self._require_listed(level, codes[0])
        seen = [
            *evaluation.removal(codes, reason, level.value, listed=True, immediate=immediate),
            evaluation.Evaluation(
                "A17.3",
                evaluation.Outcome.APPLIED,
                f"撤销本身自{act.on.isoformat()}起三年内构成第十七条第三项情形",
                f"the removal is itself an A17.3 ground for three years from {act.on.isoformat()}",
                {"effective_on": act.on},
            ),
        ]
        self.record(
            ev.Removed,
            act,
            [*codes, "A17.3"],
            evaluations=seen,
            level=level.value,
            effective_on=act.on,
            immediate=immediate,
            reason=reason,
        )

    def adjust_listing(self, act: Act, level: Level, name: str) -> None:
        """A20.3: the list of a level shows the confirmed new name from the annual publication."""
        if self.is_listed(level) and self.listed_name(level) != name:
            self.record(ev.ListingAdjusted, act, ["A20.3"], level=level.value, name=name)

    def mark_rereview_due(self, act: Act, level: Level) -> bool:
        """A21: the five-yearly re-review fell due; recorded once per due date (False: already
        recorded, or the unit is no longer listed at that level)."""
        due = self.rereview_due(level)
        if due is None or self._at(level).rereview_fell_due == due:
            return False
        dynamic.check_a21_due(due, act.on)
        self.record(ev.RereviewFellDue, act, ["A21"], level=level.value, due_on=due)
        return True

    def rereview(self, act: Act, level: Level, passed: bool) -> None:
        """A21: the five-yearly re-review of a listed unit."""
        self._require_listed(level, "A21")
        self.record(
            ev.Rereviewed, act, ["A21"], level=level.value, reviewed_on=act.on, passed=passed
        )

    # --- state changes (pure) ------------------------------------------------------------

    @applies
    def _on_dynamic_form_submitted(self, e: ev.DynamicFormSubmitted) -> None:
        status = FormStatus.LATE if e.late else FormStatus.SUBMITTED
        self.forms = self.forms.put(Form(Level(e.level), e.year, status))

    @applies
    def _on_dynamic_form_overdue(self, e: ev.DynamicFormOverdue) -> None:
        self.forms = self.forms.put(Form(Level(e.level), e.year, FormStatus.OVERDUE))

    @applies
    def _on_change_declared(self, e: ev.ChangeDeclared) -> None:
        declared = Change(ChangeKind(e.change_kind), e.new_name, ChangeStatus.DECLARED)
        self.changes[str(e.change_id)] = declared

    @applies
    def _on_change_rechecked(self, e: ev.ChangeRechecked) -> None:
        status = ChangeStatus.CONFIRMED if e.confirmed else ChangeStatus.REJECTED
        key = str(e.change_id)
        self.changes[key] = replace(self.changes[key], status=status)

    @applies
    def _on_name_changed(self, e: ev.NameChanged) -> None:
        self.name = e.new_name
        self.names.append(e.new_name)

    @applies
    def _on_removal_decided(self, e: ev.RemovalDecided) -> None:
        decided = replace(self._at(Level(e.level)), pending_removal=tuple(e.rules))
        self._put(e.level, decided)

    @applies
    def _on_removed(self, e: ev.Removed) -> None:
        removed = Standing(Stage.REMOVED, e.effective_on.year, removed_on=e.effective_on)
        self._put(e.level, removed)
        entry = NegativeEntry(Ground.REMOVED, e.effective_on)
        self.negatives[f"removal/{e.originator_version}"] = entry

    @applies
    def _on_listing_adjusted(self, e: ev.ListingAdjusted) -> None:
        self._put(e.level, replace(self._at(Level(e.level)), listed_name=e.name))

    @applies
    def _on_rereviewed(self, e: ev.Rereviewed) -> None:
        self._put(e.level, replace(self._at(Level(e.level)), last_rereview=e.reviewed_on))

    @applies
    def _on_rereview_fell_due(self, e: ev.RereviewFellDue) -> None:
        self._put(e.level, replace(self._at(Level(e.level)), rereview_fell_due=e.due_on))
