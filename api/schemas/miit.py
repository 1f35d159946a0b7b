"""Bodies of the national round's end (A15.4, A16.3): the province's recommendation to MIIT
takes only an `Act`; MIIT's outcome and the migration act of a legacy national listing."""

from __future__ import annotations

from marshmallow import fields, validate

from api.schemas.common import Act, check_instant, year_field
from api.schemas.rounds import justification

DOCUMENT = validate.Length(1, 200)


def document_number() -> fields.String:
    return fields.String(
        required=True,
        validate=DOCUMENT,
        metadata={
            "description": "MIIT's document number (文号), e.g. 工信厅节函〔2026〕301号; blank: "
            "422 A16.3",
        },
    )


class MiitOutcome(Act):
    """MIIT's published decision on a unit the province recommended (A16.3)."""

    year = year_field(required=True, metadata={"description": "the national round's year"})
    listed = fields.Boolean(
        required=True,
        metadata={"description": "true: MIIT listed the unit; false: not listed (attempt ends)"},
    )
    document_number = document_number()
    occurred_at = fields.AwareDateTime(
        required=True,
        validate=check_instant,
        metadata={
            "description": "when MIIT published its decision (ISO 8601 with offset): not in the "
            "future, not before the recommendation (A16.3); its date is the listing's date"
        },
    )


class MiitMigration(Act):
    """The migration act for a national listing recorded before MIIT outcomes were kept."""

    document_number = document_number()
    justification = justification("why the outcome is back-entered (recorded with it)")
