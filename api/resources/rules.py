"""The rule book (issue 13 item 7), public: every rule code the API names in a refusal, an
event or a decision's "why", with its article, effect and zh/en text, from the copy of the rule
book shipped in the package (domain.rules.book)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.schemas.rules import RuleBookOut, RuleOut
from domain.errors import NotFound
from domain.rules.book import Entry, rule_book
from domain.rules.catalogue import RULESET_IN_FORCE_FROM, RULESET_VERSION

blp = Blueprint(
    "rules", __name__, url_prefix="/api/v1/rules", description="规则 Rule book (public)"
)


def rule_url(code: str) -> str:
    return f"/api/v1/rules/{code}"


def entry_out(entry: Entry) -> dict[str, Any]:
    rule = entry.rule
    return {
        "code": rule.code,
        "article": rule.article,
        "effect": rule.effect.value,
        "zh": rule.zh,
        "en": rule.en,
        "text": entry.text,
        "effect_text": entry.effect_text,
        "url": rule_url(rule.code),
    }


@blp.route("")
class RuleBook(MethodView):
    @blp.response(200, RuleBookOut)
    def get(self) -> dict[str, Any]:
        """Every rule code, in the regulation's order (public)."""
        return {
            "ruleset": RULESET_VERSION,
            "in_force_from": RULESET_IN_FORCE_FROM,
            "items": [entry_out(entry) for entry in rule_book()],
        }


@blp.route("/<string:code>")
class OneRule(MethodView):
    @blp.response(200, RuleOut)
    def get(self, code: str) -> dict[str, Any]:
        """One rule by its code (public); 404 for a code the rule book does not have."""
        for entry in rule_book():
            if entry.rule.code == code:
                return entry_out(entry)
        raise NotFound(f"规则代码{code}不存在", f"no rule with the code {code}")
