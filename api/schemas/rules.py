"""The rule book as the API answers it (GET /api/v1/rules)."""

from __future__ import annotations

from marshmallow import Schema, fields


class RuleOut(Schema):
    code = fields.String(metadata={"description": "the stable rule code, e.g. A17.1"})
    article = fields.String(metadata={"description": "the article of the regulation (第N条第M项)"})
    effect = fields.String(
        metadata={"description": "refuse, warn, order, record, remove or forbid"}
    )
    zh = fields.String(metadata={"description": "the rule in one line, Chinese"})
    en = fields.String(metadata={"description": "the rule in one line, English"})
    text = fields.String(metadata={"description": "the rule as the rule book states it"})
    effect_text = fields.String(
        metadata={"description": 'the effect as the rule book states it ("" if none)'}
    )
    url = fields.String(metadata={"description": "this rule's own address"})


class RuleBookOut(Schema):
    ruleset = fields.String(metadata={"description": "the rule set: 浙经信绿色〔2024〕105号"})
    in_force_from = fields.Date()
    items = fields.List(fields.Nested(RuleOut))
