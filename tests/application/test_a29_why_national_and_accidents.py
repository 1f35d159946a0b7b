"""A29 for the acts of issue 12 that decide against a unit without a review step: MIIT's
outcome (A16.3) and an accident's report (A17.2, A19.4). Each explains with its true outcome and
the inputs it saw; "not listed by MIIT" is never "A16.3 passed"."""

from __future__ import annotations

from datetime import date

from domain.service import Greenlist
from simulation import scenarios as s
from tests.application.test_a16_3_miit_decides_the_national_list import (
    NYEAR,
    outcome,
    recommended,
)
from tests.application.test_a19_4_accidents import report
from tests.application.test_a29_why import explain_last


def test_a16_3_miit_not_listing_a_unit_explains_as_refused_with_its_document(
    app: Greenlist,
) -> None:
    listed, not_listed = recommended(app, 61, 62)
    recommendation = explain_last(app, listed, "RecommendedToMiit")
    assert recommendation.rule("A16.3").outcome == "passed"
    assert recommendation.rule("A17.2").outcome == "passed"
    published = date(NYEAR, *s.MIIT_PUBLISHED)
    outcome(app, listed, published, listed=True, number="工信厅节函〔2026〕1号")
    outcome(app, not_listed, published, listed=False, number="工信厅节函〔2026〕1号")
    yes = explain_last(app, listed, "MiitOutcomeRecorded").rule("A16.3")
    no = explain_last(app, not_listed, "MiitOutcomeRecorded").rule("A16.3")
    assert (yes.outcome, no.outcome) == ("passed", "refused")
    assert no.evaluated and no.inputs["document_number"] == "工信厅节函〔2026〕1号"
    assert no.statement_en.startswith("A16.3 refused because MIIT's 工信厅节函〔2026〕1号")


def test_a19_4_an_accident_report_explains_its_ground_as_refused(app: Greenlist) -> None:
    major, lesser = s.credit_code(63), s.credit_code(64)
    s.list_provincially_together(app, major, lesser)
    report(app, major, grade="II")
    why = explain_last(app, major, "AccidentReported")
    assert why.rule("A17.2").outcome == "refused" and why.rule("A19.4").outcome == "refused"
    assert why.rule("A17.2").inputs["grade"] == "II"
    report(app, lesser, grade="III")
    why = explain_last(app, lesser, "AccidentReported")
    assert why.rule("A17.2").outcome == "refused"
    assert "A19.4" not in {r.code for r in why.rules}
