"""Every refusal is decided in domain.rules: no aggregate nor the service builds one itself.

A refusal is a `RuleViolation` (or one of its kinds: an in-principle rule needing a
justification, an act out of jurisdiction, a period the calendar cannot count); the rules
raise them, everything else in the domain calls the rules."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from domain import errors
from domain.errors import RuleViolation
from domain.rules import calendar

DOMAIN = Path(__file__).parents[3] / "domain"
WHERE_REFUSALS_ARE_MADE = (DOMAIN / "rules", DOMAIN / "errors.py")


def refusal_classes() -> set[str]:
    """RuleViolation and every kind of it the domain defines."""
    classes = [*vars(errors).values(), *vars(calendar).values()]
    return {c.__name__ for c in classes if inspect.isclass(c) and issubclass(c, RuleViolation)}


def outside_the_rules() -> list[Path]:
    return [
        path
        for path in sorted(DOMAIN.rglob("*.py"))
        if not any(path == place or place in path.parents for place in WHERE_REFUSALS_ARE_MADE)
    ]


def test_the_scan_covers_the_aggregates_and_the_service() -> None:
    scanned = {p.relative_to(DOMAIN).parts[0] for p in outside_the_rules()}
    assert {"aggregates", "service", "events"} <= scanned
    assert refusal_classes() >= {
        "RuleViolation",
        "JustificationRequired",
        "OutOfJurisdiction",
        "CalendarNotCovered",
    }


def test_no_rule_violation_is_written_outside_domain_rules_and_errors() -> None:
    found = [
        f"{path.relative_to(DOMAIN)}:{number}"
        for path in outside_the_rules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "RuleViolation(" in line
    ]
    assert found == []


def test_no_refusal_is_built_outside_domain_rules_and_errors() -> None:
    kinds = refusal_classes()
    found = []
    for path in outside_the_rules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func
                name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
                if name in kinds:
                    found.append(f"{path.relative_to(DOMAIN)}:{node.lineno} {name}")
    assert found == []
