"""Schemas of accidents (A19.4, A17.2) and of a rectification's result (A23.2)."""

from __future__ import annotations

from marshmallow import fields, validate

from api.schemas.common import Act
from api.schemas.dynamic import date_field, text
from domain.rules.accidents import AccidentGrade, AccidentKind

ACCIDENT_KINDS = [kind.value for kind in AccidentKind]
ACCIDENT_GRADES = [grade.value for grade in AccidentGrade]


class ReportAccident(Act):
    """A19.4: the city's report of an accident to the province."""

    kind = fields.String(
        required=True,
        validate=validate.OneOf(ACCIDENT_KINDS),
        metadata={"description": "safety (生产安全), quality (质量) or environment (突发环境事件)"},
    )
    grade = fields.String(
        required=True,
        validate=validate.OneOf(ACCIDENT_GRADES),
        metadata={
            "description": "I 特别重大, II 重大, III 较大, IV 一般 (environmental: grade I-IV); "
            "II and above remove at once (A19.4), the others at the annual publication (A19.1)"
        },
    )
    occurred_on = date_field(required=True)
    description = text(2000, required=True)


class RemoveAfterAccident(Act):
    """A19.4: the province removes the unit from the provincial list and reports it to MIIT."""


class MiitRemoval(Act):
    """A19.4: MIIT's removal from the national list, recorded by the province."""

    document_number = text(200, required=True, metadata={"example": "工信厅节函〔2026〕12号"})


class RecordRectification(Act):
    """A23.2: whether the unit rectified as the confirmed report asked."""

    rectified = fields.Boolean(required=True)
    notes = fields.String(load_default="", validate=validate.Length(max=2000))
