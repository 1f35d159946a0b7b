"""Why a decision was taken: the recorded event, the unit as it stood just before it, and each
rule with its true outcome, reconstructed from the log (nothing is stored twice; A29).

An event records the codes of the rules its act applied (`rules`), the "in principle" rules it
overrode with a written justification (`exceptions`, A14.2, A14.3, A15.2), the rule-set version
in force on the act's date and, for the decisions that record them, each rule's evaluation:
passed, refused, waived or not applicable, why, and the inputs the act saw (a round's quota
ledger, a park's members' records: `domain.rules.evaluation`). A rule the event applied but did
not evaluate (an event recorded before evaluations were kept, or by an act that records none)
is never called "passed": its outcome follows from the event's type (`REFUSED_BY`: a withheld
listing refuses its grounds, a failed review step its rule, ...) and is otherwise "applied"."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.aggregates.unit import Unit, unit_id
from domain.errors import NotFound
from domain.rules import RULES, rule_order
from domain.rules.evaluation import Evaluation, Outcome
from domain.service.base import ServiceBase, fold
from domain.service.queries import EventView, Queries, positioned
from domain.service.views import UnitView

PASSED = Outcome.PASSED.value
REFUSED = Outcome.REFUSED.value
WAIVED = Outcome.WAIVED.value
APPLIED = Outcome.APPLIED.value
NOT_APPLICABLE = Outcome.NOT_APPLICABLE.value
OVERRIDDEN = WAIVED
"""The old name of a waived "in principle" rule's outcome."""


def _failed(own: str) -> Callable[[Mapping[str, Any], list[str]], list[str]]:
    """A step whose `passed` is false refuses its own rule."""
    return lambda data, rules: [own] if data.get("passed") is False else []


REFUSED_BY: dict[str, Callable[[Mapping[str, Any], list[str]], list[str]]] = {
    "ListingWithheld": lambda data, rules: list(rules),
    "PreliminaryReviewed": _failed("A15.1"),
    "ExpertReviewed": _failed("A15.2"),
    "SiteInspected": _failed("A15.3"),
    "Rereviewed": _failed("A21"),
    "DynamicFormOverdue": lambda data, rules: [c for c in rules if c in ("A18", "A19.2")],
    "ObjectionDecided": lambda data, rules: ["A16.1"] if data.get("upheld") else [],
    "ChangeRechecked": lambda data, rules: (
        [] if data.get("still_meets_standards", True) else [c for c in rules if c != "A20.1"]
    ),
    "RemovalDecided": lambda data, rules: list(rules),
    "Removed": lambda data, rules: [c for c in rules if c != "A17.3"],
}
"""Event type -> the codes a negative decision of that type went against the unit under (from
its recorded data), for the events that carry no evaluations. An event type added later that
decides against a unit adds its entry here, or records evaluations (the better way)."""

NOT_RECORDED = (
    "此事件未记录各规则的评估（早于规则评估的记录，或该行为不记录）：结果依事件类型推断，"
    "“已适用”仅表示该行为依此规则记录，不表示检查通过",
    "this event carries no rule evaluations (recorded before they were kept, or by an act that "
    "records none): outcomes follow from its type; 'applied' means the act was recorded under "
    "the rule, not that a check passed",
)


@dataclass(frozen=True)
class RuleOutcome:
    """One rule of the act: its code, article, summaries, effect, outcome and, where the act
    recorded its evaluation, why (zh/en) and the inputs it saw."""

    code: str
    article: str
    zh: str
    en: str
    effect: str
    outcome: str
    because_zh: str = ""
    because_en: str = ""
    inputs: Mapping[str, Any] = field(default_factory=dict)
    evaluated: bool = False
    """Whether the outcome was recorded with the event (else inferred from its type)."""

    @property
    def statement_en(self) -> str:
        """E.g. "A17.2 refused because A17.2 ground within the last three years: …"."""
        outcome = self.outcome.replace("_", " ")
        return f"{self.code} {outcome}" + (f" because {self.because_en}" if self.because_en else "")

    @property
    def statement_zh(self) -> str:
        return f"{self.code} {OUTCOME_ZH[self.outcome]}" + (
            f"，因为{self.because_zh}" if self.because_zh else ""
        )


OUTCOME_ZH = {
    PASSED: "通过",
    REFUSED: "不予通过",
    WAIVED: "原则上要求经书面说明例外处理",
    NOT_APPLICABLE: "不适用",
    APPLIED: "已适用",
}


@dataclass(frozen=True)
class DecisionExplanation:
    """The event at `version` of a unit's stream (type, actor, occurred and recorded instants,
    rules, exceptions, rule-set version, justification), the unit just before it (None before
    its registration) and its rules with their outcomes, in the rule book's order;
    `evaluations_recorded` False: the outcomes are inferred from the event's type (`note_*`)."""

    credit_code: str
    version: int
    event: EventView
    before: UnitView | None
    rules: tuple[RuleOutcome, ...]
    evaluations_recorded: bool = False
    note_zh: str = ""
    note_en: str = ""

    @property
    def justification(self) -> str:
        return self.event.justification

    @property
    def ruleset(self) -> str:
        return self.event.ruleset

    def rule(self, code: str) -> RuleOutcome:
        return next(r for r in self.rules if r.code == code)


def rule_outcomes(view: EventView, evaluations: Any) -> tuple[RuleOutcome, ...]:
    """Each rule of the event with its outcome: as evaluated, else waived (an exception),
    refused (`REFUSED_BY`) or applied."""
    recorded = {e.code: e for e in (Evaluation.from_stored(d) for d in evaluations or ())}
    waived = set(view.exceptions)
    refusing = REFUSED_BY.get(view.type)
    refused = set(refusing(view.data, list(view.rules))) if refusing else set()

    def outcome(code: str) -> RuleOutcome:
        book = RULES[code]
        common = (code, book.article, book.zh, book.en, book.effect.value)
        seen = recorded.get(code)
        if seen is not None:
            return RuleOutcome(
                *common, seen.outcome.value, seen.because_zh, seen.because_en, seen.inputs, True
            )
        if code in waived:
            return RuleOutcome(
                *common,
                WAIVED,
                f"原则上要求经书面说明例外处理：{view.justification}",
                f"waived with the written justification: {view.justification}",
            )
        if code in refused:
            return RuleOutcome(*common, REFUSED, *_refused_because(view))
        return RuleOutcome(*common, APPLIED)

    codes = set(view.rules) | waived | set(recorded)
    return tuple(outcome(c) for c in sorted(codes, key=rule_order))


def _refused_because(view: EventView) -> tuple[str, str]:
    """What a negative event without evaluations says of itself."""
    facts = ", ".join(f"{k}={v}" for k, v in sorted(view.data.items()) if k != "panel")
    return f"{view.type}：{facts}", f"{view.type}: {facts}"


class Explanations(ServiceBase):
    """Explanations of recorded decisions."""

    def explain_decision(self, credit_code: str, version: int) -> DecisionExplanation:
        """The decision recorded at `version` of the unit's stream, as explained above."""
        code = credit_code.strip().upper()
        uid = unit_id(code)
        found = list(self.events.get(uid, gt=version - 1, lte=version)) if version > 0 else []
        if not found:
            raise NotFound(
                zh=f"单位{code}无第{version}号记录",
                en=f"unit {code} has no event at version {version}",
            )
        event = found[0]
        before = None
        if version > 1:
            unit = self.store_reader.get(uid, version=version - 1, projector_func=fold)
            assert isinstance(unit, Unit)
            before = UnitView.of(unit)
        view = positioned(self.recorder, uid, [Queries._event_view(event)])[0]
        evaluations = getattr(event, "evaluations", ())
        note = ("", "") if evaluations else NOT_RECORDED
        outcomes = rule_outcomes(view, evaluations)
        return DecisionExplanation(code, version, view, before, outcomes, bool(evaluations), *note)
