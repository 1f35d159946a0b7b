"""Schemas of third-party agencies (A12, A22) and real-name reports (A23)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import Act, CreditCode, city_field, evidence_field
from domain.aggregates.complaint import OUTCOMES


def representative_id_field() -> fields.String:
    """A22.3: the legal representative's resident ID number (居民身份证号码). Checked by the
    service (an invalid one is refused under A22.3), kept only as a keyed hash, never stored,
    logged or answered (load only)."""
    return fields.String(
        required=True,
        load_only=True,
        metadata={
            "description": "居民身份证号码 of the legal representative (A22.3): identifies the "
            "person whose yearly quota the agency's projects count toward; kept only as a "
            "keyed hash, never returned"
        },
    )


class RegisterAgency(Act):
    """A12, A22.3: an agency and the legal representative who keys its yearly quota."""

    credit_code = CreditCode(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    legal_representative = fields.String(required=True, validate=validate.Length(1, 100))
    representative_id = representative_id_field()


class ChangeLegalRepresentative(Act):
    """A22.3: the agency's new legal representative, named and identified by the ID number."""

    legal_representative = fields.String(required=True, validate=validate.Length(1, 100))
    representative_id = representative_id_field()


class ReportMisconduct(Act):
    """A22.1: falsifying or concealing in an evaluation."""

    description = fields.String(required=True, validate=validate.Length(1, 2000))


class AgencyOut(Schema):
    id = fields.String()
    credit_code = fields.String()
    name = fields.String()
    legal_representative = fields.String()
    misconduct = fields.Integer(metadata={"description": "reports of misconduct (A22.1)"})


class FileComplaint(Act):
    """A23.1: a real-name report. Name, contact and evidence may be sent empty, but the report is
    then refused under A23.1 (so the refusal names the rule)."""

    target_type = fields.String(required=True, validate=validate.OneOf(["unit", "agency"]))
    target_code = CreditCode(required=True)
    reporter_name = fields.String(load_default="", validate=validate.Length(max=100))
    reporter_contact = fields.String(load_default="", validate=validate.Length(max=200))
    evidence = evidence_field()
    content = fields.String(required=True, validate=validate.Length(1, 5000))
    city = city_field(
        load_default=None,
        allow_none=True,
        metadata={"description": "the handling city, for a report against an agency"},
    )


class AcceptComplaint(Act):
    """A23.2: the handling city accepts the report for verification."""

    notes = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"description": "why or how it is taken up (kept as the act's justification)"},
    )


class VerifyComplaint(Act):
    """A23.2: the handling city's verification."""

    confirmed = fields.Boolean(required=True)
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(OUTCOMES),
        metadata={
            "description": "confirmed: rectification, removal or agency_misconduct; "
            "not confirmed: unfounded"
        },
    )
    notes = fields.String(load_default="", validate=validate.Length(max=2000))
    rectify_by = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "rectification: the day it is due (after the verification, within "
            "365 days); default 90 days on (A23.2)"
        },
    )


class ReporterOut(Schema):
    """Who filed the report: shown only to the handling city and inspectors (A23.1)."""

    name = fields.String()
    contact = fields.String()
