"""What the supervisory and management reads answer: dynamic forms and re-reviews (A18, A21),
the agency ledger and performance (A22.2-3), the audit trail, supervision (A15.2 机关纪委) and
the explanation of a decision (A29)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.read_rows import paged
from api.schemas.reads import Codes, Instant, Vocabulary, flag, number, text, why_url
from api.schemas.units import EventOut, UnitOut


class DynamicFormRow(Schema):
    unit_id = text()
    credit_code = text()
    name = text()
    city = text()
    level = text()
    year = number()
    deadline = text()
    status = text()
    on_date = text()
    late = flag()
    recorded = Instant()
    indicators = fields.Dict(keys=fields.String(), allow_none=True)


DynamicFormPage = paged(DynamicFormRow, "DynamicFormPage")


class RereviewRow(Schema):
    unit_id = text()
    credit_code = text()
    name = text()
    city = text()
    level = text()
    listed_on = text()
    last_rereview = text()
    last_passed = flag()
    due_on = text()


RereviewPage = paged(RereviewRow, "RereviewPage")


class LedgerRow(Schema):
    legal_representative = text()
    year = number()
    national = number()
    national_limit = number()
    national_remaining = number()
    provincial = number()
    provincial_limit = number()
    provincial_remaining = number()
    uncounted = number()
    agencies = fields.List(fields.String())


LedgerPage = paged(LedgerRow, "LedgerPage")


class PerformanceRow(Schema):
    agency_id = text()
    credit_code = text()
    name = text()
    legal_representative = text()
    city = text()
    year = number()
    reports = number()
    passed = number()
    failed = number()
    pass_rate = fields.Float(allow_none=True)
    problems = number()
    from_reports = number()
    national = number()
    provincial = number()
    municipal = number()
    counted_national = number()
    counted_provincial = number()


PerformancePage = paged(PerformanceRow, "PerformancePage")


class PublishedPerformanceRow(PerformanceRow):
    """A22.2: an agency's work as the province publishes it (no legal representative, no
    reporter): reports per level, outcomes, misconduct found, projects counted to A22.3."""

    class Meta:
        exclude = ("agency_id", "legal_representative", "from_reports")

    national_limit = number()
    provincial_limit = number()


PublishedPerformancePage = paged(PublishedPerformanceRow, "PublishedPerformancePage")


class AuditRow(Vocabulary):
    """One event of the log: who acted, when (world and recorded), the rules applied and the
    "in principle" rules overridden with the justification, the rule-set version (A29)."""

    position = fields.Integer()
    aggregate_id = text()
    aggregate_type = text()
    credit_code = text()
    version = number()
    actor_id = text()
    actor_role = text()
    actor_region = text()
    rules = Codes()
    exceptions = Codes()
    ruleset = text()
    justification = text()
    summary = text()
    why = fields.Function(
        why_url,
        allow_none=True,
        metadata={"description": "the decision's why (A29): GET it for a unit's event"},
    )


AuditPage = paged(AuditRow, "AuditPage", total=False)


class ActRow(Vocabulary):
    """An act seen by supervision: the event, its subject and actor, both instants."""

    position = fields.Integer()
    aggregate_id = text()
    aggregate_type = text()
    credit_code = text()
    actor_id = text()
    actor_role = text()
    actor_region = text()


class ExceptionRow(ActRow):
    rules = Codes()
    exceptions = Codes()
    ruleset = text()
    justification = text()
    detail = text(
        metadata={"description": "what it was about, e.g. a quota set by hand: city and number"}
    )


class LateRow(ActRow):
    delay_seconds = fields.Float(
        allow_none=True, metadata={"description": "recorded minus occurred, in seconds"}
    )
    late_form = flag()
    back_entered = flag()
    detail = text()


class OverriderRow(Schema):
    actor_id = text()
    actor_role = text()
    actor_region = text()
    times = number()


class OverriddenRule(Schema):
    rule = text()
    article = text()
    zh = text()
    times = number()
    by = fields.List(fields.Nested(OverriderRow))


class ActivityRow(Schema):
    actor_id = text()
    actor_role = text()
    actor_region = text()
    events = number()
    by_type = fields.Dict(keys=fields.String(), values=fields.Integer())


class OnSiteRow(ActRow):
    """The committee's on-site supervision of an activity of a round (A15.2)."""

    round_label = text()
    activity = text()
    notes = text()


class CustodyRow(ActRow):
    """A disclosure of a reporter's or objector's identity, or an erasure of their data."""

    act = text()
    reason = text()


class SupervisionOut(Schema):
    exceptions = fields.List(fields.Nested(ExceptionRow))
    overridden_rules = fields.List(fields.Nested(OverriddenRule))
    late_acts = fields.List(fields.Nested(LateRow))
    reporter_reads = fields.List(
        fields.Nested(CustodyRow),
        metadata={
            "description": "who disclosed a reporter's or objector's identity and why, and "
            "every erasure of their data (A23.1, A16.1; act: disclosure, erasure, or read: "
            "recorded before a reason was asked)"
        },
    )
    actor_activity = fields.List(fields.Nested(ActivityRow))
    on_site = fields.List(
        fields.Nested(OnSiteRow),
        metadata={"description": "on-site supervision recorded by 机关纪委 (A15.2)"},
    )


class RuleOutcomeOut(Schema):
    code = fields.String()
    article = fields.String()
    zh = fields.String()
    en = fields.String()
    effect = fields.String()
    outcome = fields.String(
        validate=validate.OneOf(["passed", "refused", "waived", "not_applicable", "applied"]),
        metadata={
            "description": "passed (checked and met), refused (went against the unit), waived "
            "(an in-principle rule overridden with the written justification), not_applicable, "
            "or applied (no evaluation recorded: the act was recorded under the rule)"
        },
    )
    because_zh = fields.String(metadata={"description": 'why, as recorded ("" if not)'})
    because_en = fields.String(metadata={"description": 'why, as recorded ("" if not)'})
    inputs = fields.Dict(
        keys=fields.String(),
        metadata={
            "description": "what the check saw: e.g. the round's quota ledger, the A17 records "
            "checked (the unit's and a park's members'), a review's result and score"
        },
    )
    evaluated = fields.Boolean(
        metadata={"description": "recorded with the event (false: inferred from its type)"}
    )
    statement_zh = fields.String()
    statement_en = fields.String(
        metadata={"description": 'e.g. "A17.2 refused because …"'},
    )


class DecisionOut(Schema):
    """A recorded decision: the event, the unit just before it (null before its registration)
    and each rule applied with its outcome (A29: the rule-set version in force)."""

    credit_code = fields.String()
    version = fields.Integer()
    position = fields.Integer(
        allow_none=True, metadata={"description": "the decision's log position (issue 10)"}
    )
    event = fields.Nested(EventOut)
    before = fields.Nested(UnitOut, allow_none=True)
    rules = fields.List(fields.Nested(RuleOutcomeOut))
    justification = fields.String()
    ruleset = fields.String()
    evaluations_recorded = fields.Boolean(
        metadata={"description": "false: the event carries no evaluations (see note_en)"}
    )
    note_zh = fields.String()
    note_en = fields.String()
