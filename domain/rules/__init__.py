"""The rule book: every code of rules.md with its citation, summaries and checks.

`catalogue` says what each code means and where it comes from; `checks` holds the decisions,
each a small function named after the code it enforces.
"""

from domain.rules.catalogue import (
    RULES,
    RULESET_IN_FORCE_FROM,
    RULESET_VERSION,
    Rule,
    rule,
    rule_order,
    ruleset_on,
)

__all__ = [
    "RULES",
    "RULESET_IN_FORCE_FROM",
    "RULESET_VERSION",
    "Rule",
    "rule",
    "rule_order",
    "ruleset_on",
]
