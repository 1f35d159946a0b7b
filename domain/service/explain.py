"""Why a decision was taken: the recorded event, the unit as it stood just before it, and each rule
applied with its outcome, reconstructed from the log (nothing is stored twice).

An event records the codes of the rules its act applied (`rules`) and the "in principle" rules it
overrode with a written justification (`exceptions`, A14.2, A14.3, A15.2); a refused act records
nothing, so every rule of a recorded event was met, unless it is one of its exceptions. The
rule-set version in force on the act's date is recorded with it (A29)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.aggregates.unit import Unit, unit_id
from domain.errors import NotFound
from domain.rules import RULES, rule_order
from domain.service.base import ServiceBase, fold
from domain.service.queries import EventView, Queries, positioned
from domain.service.views import UnitView

PASSED = "passed"
OVERRIDDEN = "overridden with justification"


@dataclass(frozen=True)
class RuleOutcome:
    """One rule applied by the act: its code, article, summaries, effect and outcome."""

    code: str
    article: str
    zh: str
    en: str
    effect: str
    outcome: str


@dataclass(frozen=True)
class DecisionExplanation:
    """The event at `version` of a unit's stream (type, actor, occurred and recorded instants,
    rules, exceptions, rule-set version, justification), the unit just before it (None before
    its registration) and the rules applied with their outcomes, in the rule book's order."""

    credit_code: str
    version: int
    event: EventView
    before: UnitView | None
    rules: tuple[RuleOutcome, ...]

    @property
    def justification(self) -> str:
        return self.event.justification

    @property
    def ruleset(self) -> str:
        return self.event.ruleset


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
        overridden = set(view.exceptions)
        outcomes = tuple(
            RuleOutcome(
                code=c,
                article=RULES[c].article,
                zh=RULES[c].zh,
                en=RULES[c].en,
                effect=RULES[c].effect.value,
                outcome=OVERRIDDEN if c in overridden else PASSED,
            )
            for c in sorted(set(view.rules) | overridden, key=rule_order)
        )
        return DecisionExplanation(code, version, view, before, outcomes)
