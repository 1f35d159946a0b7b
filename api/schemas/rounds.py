"""Schemas of the selection resources: rounds, quotas, nominations, reviews, draws, the
experts' scores and the on-site supervision, notice, objections, co-signatures, publication and
the expert pool (A13.2-A16)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import Act, CreditCode, city_field, level_field, year_field
from domain.rules.checks import CO_PUBLISHERS, SUPERVISED_ACTIVITIES
from domain.rules.dynamic import OpinionAction
from domain.values import Level

ROUND_LEVELS = [Level.PROVINCIAL.value, Level.NATIONAL.value]
"""Rounds exist for the provincial and national lists; the cities select their municipal lists
themselves (A13.1)."""

NOTE = validate.Length(max=4000)


def round_level(**kwargs: Any) -> fields.String:
    return fields.String(required=True, validate=validate.OneOf(ROUND_LEVELS), **kwargs)


def justification(what: str) -> fields.String:
    return fields.String(load_default="", validate=NOTE, metadata={"description": what})


def seed() -> fields.String:
    return fields.String(
        load_default=None,
        validate=validate.Length(1, 128),
        metadata={"description": "the draw's seed (recorded; a random one if absent)"},
    )


class OpenRound(Act):
    level = level_field(
        required=True, metadata={"description": "provincial or national (municipal: A13.1)"}
    )
    year = year_field(required=True)
    quotas = fields.Dict(
        keys=city_field(),
        values=fields.Integer(validate=validate.Range(0, 10_000)),
        required=True,
        metadata={"description": "each city's quota of nominations (A13.2)"},
    )


class QuotaInputs(Act):
    """What A13.2 weighs for one city (domain.rules.selection.derive_quota)."""

    class Meta:
        exclude = ("occurred_at",)

    previous_rate = fields.Float(
        required=True,
        allow_none=True,
        validate=validate.Range(0, 1),
        metadata={
            "description": "the city's selection rate (入选率) at this level the previous year, "
            "listed / nominated (GET /api/v1/selection-rates); null if it nominated nobody"
        },
    )
    pool_size = fields.Integer(
        required=True,
        validate=validate.Range(0, 100_000),
        metadata={"description": "units in the city's cultivation pool (培育库, A8)"},
    )
    base = fields.Integer(
        required=True,
        validate=validate.Range(0, 1000),
        metadata={"description": "the city's share of the province's yearly target"},
    )


class SetQuota(Act):
    """A13.2: either `inputs` (the quota is derived by the formula round_half_up(base × (0.5 +
    previous_rate)) + pool_size // 10, the inputs recorded with it) or `quota` with a
    `justification` (set by hand; an exception the supervisors see). Not both."""

    quota = fields.Integer(
        load_default=None,
        validate=validate.Range(0, 10_000),
        metadata={"description": "a quota set by hand (needs `justification`)"},
    )
    justification = justification(
        "why the quota is set by hand rather than derived (required with `quota`, A13.2)"
    )
    inputs = fields.Nested(
        QuotaInputs,
        load_default=None,
        metadata={"description": "derive the quota from these inputs (A13.2)"},
    )

    @validates_schema(skip_on_field_errors=True)
    def one_basis(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Exactly one basis: derived from `inputs`, or `quota` by hand."""
        if (data.get("quota") is None) == (data.get("inputs") is None):
            message = (
                "A13.2: give either `inputs` (derived quota) or `quota` with a `justification` "
                "(set by hand), not both / A13.2：须提供测算依据 inputs，"
                "或手工名额 quota 及书面说明，二者择一"
            )
            raise ValidationError({"quota": [message], "inputs": [message]})


class Nominate(Act):
    level = round_level()
    year = year_field(required=True)
    justification = justification(
        "required when the unit is not yet on the list below (A14.2, A14.3 '原则上')"
    )


class PreliminaryReview(Act):
    level = round_level()
    passed = fields.Boolean(required=True)
    notes = fields.String(load_default="", validate=NOTE)
    open_questions = fields.List(
        fields.String(validate=NOTE),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "A15.3: questions left open for the site inspection (待确认问题)"},
    )


class DrawPanel(Act):
    level = round_level()
    year = year_field(required=True)
    size = fields.Integer(load_default=5, validate=validate.Range(1, 50))
    seed = fields.String(
        load_default=None,
        metadata={
            "description": "refused if present (A15.2): nobody chooses the panel's seed; it "
            "derives from the verifiable log's root when the pool is frozen, and is recorded "
            "with the pool, the exclusions and the log head"
        },
    )
    justification = justification("required to draw a second panel for the same unit (A15.2)")


class ExpertReview(Act):
    level = round_level()
    passed = fields.Boolean(required=True)
    score = fields.Float(required=True, validate=validate.Range(0, 100))


class ScoreUnit(Act):
    """A drawn expert's score of a unit, with the written opinion (A15.2)."""

    score = fields.Float(required=True, validate=validate.Range(0, 100))
    opinion = fields.String(
        load_default="", validate=NOTE, metadata={"description": "the expert's written opinion"}
    )
    justification = justification(
        "required to correct one's own earlier score of the unit (A15.2: one score per expert)"
    )


class RecordSupervision(Act):
    """The discipline inspection committee's (机关纪委) on-site supervision (A15.2)."""

    activity = fields.String(
        required=True,
        validate=validate.OneOf(SUPERVISED_ACTIVITIES),
        metadata={"description": "the activity of the round supervised on site"},
    )
    notes = fields.String(load_default="", validate=NOTE)


class SiteSample(Act):
    size = fields.Integer(required=True, validate=validate.Range(0, 1000))
    seed = seed()


class SiteInspection(Act):
    level = round_level()
    passed = fields.Boolean(required=True)
    notes = fields.String(load_default="", validate=NOTE)


class RaiseObjection(Act):
    level = round_level()
    summary = fields.String(required=True, validate=validate.Length(1, 4000))


class DecideObjection(Act):
    level = round_level()
    upheld = fields.Boolean(required=True)
    justification = justification("the reasons of the decision")


class Cosign(Act):
    department = fields.String(
        load_default=None,
        validate=validate.OneOf(sorted(CO_PUBLISHERS)),
        metadata={
            "description": "ndrc (省发展改革委) or eco_env (省生态环境厅), A16.2: the department "
            "named in the signer's token; when given it must be that one (403 otherwise)"
        },
    )


class EnrolExpert(Act):
    """An expert of the pool, with the credit code of the employer (to exclude conflicts of
    interest from a panel, A15.2)."""

    expert_id = fields.String(required=True, validate=validate.Length(1, 64))
    name = fields.String(required=True, validate=validate.Length(1, 100))
    employer_code = CreditCode(required=True)


class NoticeOut(Schema):
    opened_on = fields.String()
    last_day = fields.String()
    unit_ids = fields.List(fields.String())


class RecommendationOut(Schema):
    """A16.3: the national round's recommendation to MIIT."""

    recommended_on = fields.String()
    unit_ids = fields.List(fields.String())


class RoundOut(Schema):
    """A round as recorded: quotas, nominations (unit id → city), panels (unit id → experts),
    the site sample, the notice, the co-signatures and the publication date; for the national
    round, its recommendation to MIIT (A16.3; null until made, and on a provincial round)."""

    id = fields.String()
    version = fields.Integer()
    level = fields.String()
    year = fields.Integer()
    quotas = fields.Dict(keys=fields.String(), values=fields.Integer())
    nominations = fields.Dict(keys=fields.String(), values=fields.String())
    panels = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    sample = fields.List(fields.String(), allow_none=True)
    notice = fields.Nested(NoticeOut, allow_none=True)
    cosigned = fields.List(fields.String())
    published_on = fields.String(allow_none=True)
    recommendation = fields.Nested(RecommendationOut, allow_none=True)


class AdjustmentOpinion(Schema):
    """A20.3: the city's opinion on one of its units with confirmed changes (A20.2)."""

    credit_code = CreditCode(required=True)
    change_ids = fields.List(
        fields.UUID(),
        required=True,
        validate=validate.Length(1, 20),
        metadata={"description": "the changes the city's re-check confirmed (A20.2)"},
    )
    action = fields.String(
        required=True,
        validate=validate.OneOf([a.value for a in OpinionAction]),
        metadata={"description": "rename (the list shows the new name), removal or keep"},
    )
    reasons = fields.String(load_default="", validate=validate.Length(max=2000))


class AdjustmentOpinions(Act):
    """A20.3: the city's adjustment opinions, sent with its annual recommendations."""

    opinions = fields.List(
        fields.Nested(AdjustmentOpinion), required=True, validate=validate.Length(1, 200)
    )
