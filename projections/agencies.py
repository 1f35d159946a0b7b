"""The agency ledger: third-party evaluation projects per legal representative and year with the
remaining A22.3 quota, and how each agency performed (A22.2).

A22.3 caps the projects of all agencies sharing a legal representative at 15 national and 10
provincial a year; the domain counts each third-party report in the year it is submitted
(`QuotaLedgerOpened.year`), so the ledger does too, and the performance figures use the same
year (the year the report or the problem was recorded as decided, in Asia/Shanghai). A22.2 has
the province publish how agencies performed: reports submitted, passed and failed, pass rate,
and confirmed problems (A22.1 reports, including confirmed real-name reports, A23.2)."""

from __future__ import annotations

from typing import Any

from domain.events import agency as aev
from domain.events import unit as ev
from domain.rules.checks import NATIONAL_PROJECTS_PER_YEAR, PROVINCIAL_PROJECTS_PER_YEAR
from domain.values import local_date
from projections.engine.batch import Batch
from projections.engine.db import Db, Row
from projections.engine.projection import Projection, Table, handles
from projections.values import text_id

LIMITS = {"national": NATIONAL_PROJECTS_PER_YEAR, "provincial": PROVINCIAL_PROJECTS_PER_YEAR}
"""A22.3, from the rule book's checks: the one place the limits are written."""
COUNTS_AS = {"national": "national", "provincial": "provincial", "none": "uncounted"}
PROJECTS = ("national", "provincial", "municipal", "counted_national", "counted_provincial")
"""A22.2: an agency's reports per level, and its projects counted toward the A22.3 limits."""


def judged_year(e: Any) -> int:
    """The year of the date an act is decided on (domain.acts.Act.on)."""
    return local_date(max(e.occurred_at, e.timestamp)).year


class Agencies(Projection):
    """Agencies, the A22.3 ledger and the A22.2 performance counters."""

    name = "agencies"
    version = 2
    rebuild_weight = 0.4
    """2: the performance rows count reports per level and projects counted to A22.3 (A22.2)."""
    tables = (
        Table(
            "agencies_register",
            (
                ("agency_id", "text"),
                ("credit_code", "text"),
                ("name", "text"),
                ("legal_representative", "text"),
                ("city", "text"),
            ),
            key=("agency_id",),
            indexes=(("legal_representative",),),
        ),
        Table(
            "agencies_quotas",
            (("quota_id", "text"), ("legal_representative", "text"), ("year", "int")),
            key=("quota_id",),
        ),
        Table(
            "agencies_ledger",
            (
                ("legal_representative", "text"),
                ("year", "int"),
                ("national", "count"),
                ("provincial", "count"),
                ("uncounted", "count"),
            ),
            key=("legal_representative", "year"),
            indexes=(("year",),),
        ),
        Table(
            "agencies_performance",
            (
                ("agency_id", "text"),
                ("year", "int"),
                ("reports", "count"),
                ("passed", "count"),
                ("failed", "count"),
                ("problems", "count"),
                ("from_reports", "count"),
                ("national", "count"),
                ("provincial", "count"),
                ("municipal", "count"),
                ("counted_national", "count"),
                ("counted_provincial", "count"),
            ),
            key=("agency_id", "year"),
            indexes=(("year",),),
        ),
    )

    @handles(aev.AgencyRegistered)
    def registered(self, e: aev.AgencyRegistered, b: Batch) -> None:
        b.put(
            "agencies_register",
            agency_id=text_id(e.originator_id),
            credit_code=e.credit_code,
            name=e.name,
            legal_representative=e.legal_representative,
            city=e.city,
        )

    @handles(aev.LegalRepresentativeChanged)
    def representative_changed(self, e: aev.LegalRepresentativeChanged, b: Batch) -> None:
        """A22.3: the agency's new legal representative (by name; the ledger rows of past
        projects stay under the name they were counted for)."""
        agency = b.row("agencies_register", text_id(e.originator_id))
        if agency is not None:
            b.put("agencies_register", **{**agency, "legal_representative": e.legal_representative})

    @handles(aev.QuotaLedgerOpened)
    def ledger_opened(self, e: aev.QuotaLedgerOpened, b: Batch) -> None:
        """A22.3: one ledger per legal representative and year; its projects name only it."""
        b.put(
            "agencies_quotas",
            quota_id=text_id(e.originator_id),
            legal_representative=e.legal_representative,
            year=e.year,
        )

    @handles(aev.ProjectCounted)
    def counted(self, e: aev.ProjectCounted, b: Batch) -> None:
        """A22.3: national projects of every kind, provincial ones of factories and parks;
        the rest (provincial supply chains, municipal) are kept as uncounted."""
        quota = b.row("agencies_quotas", text_id(e.originator_id))
        if quota is None:
            return
        key = {"legal_representative": quota["legal_representative"], "year": quota["year"]}
        b.bump("agencies_ledger", key, **{COUNTS_AS[e.counts_as]: 1})
        if e.counts_as in LIMITS:  # A22.2: the agency's own share of the quota used
            mine = {"agency_id": str(e.agency_id), "year": quota["year"]}
            b.bump("agencies_performance", mine, **{f"counted_{e.counts_as}": 1})

    @handles(ev.EvaluationSubmitted)
    def submitted(self, e: ev.EvaluationSubmitted, b: Batch) -> None:
        """A12: a third-party agency answers for its report; self-evaluations are not counted."""
        if e.agency_id is None:
            return
        key = {"agency_id": str(e.agency_id), "year": judged_year(e)}
        outcome = "passed" if e.passed else "failed"
        b.bump("agencies_performance", key, reports=1, **{outcome: 1, e.level: 1})

    @handles(aev.AgencyMisconductReported)
    def misconduct(self, e: aev.AgencyMisconductReported, b: Batch) -> None:
        """A22.1: falsifying or concealing reported to the province (directly by a city, or
        after a confirmed real-name report, A23.2)."""
        key = {"agency_id": text_id(e.originator_id), "year": judged_year(e)}
        from_reports = int(e.complaint_id is not None)
        b.bump("agencies_performance", key, problems=1, from_reports=from_reports)


def ledger(db: Db, legal_representative: str | None = None, year: int | None = None) -> list[Row]:
    """A22.3: projects per legal representative and year, counted as national, provincial or
    not counted, with the remaining quota and the representative's agencies (credit codes).
    A representative with no third-party report in a year has no row (nothing used)."""
    sql, params = "SELECT * FROM agencies_ledger WHERE 1 = 1", []
    for column, value in (("legal_representative", legal_representative), ("year", year)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    rows = db.query(sql + " ORDER BY legal_representative, year", params)
    agencies: dict[str, list[str]] = {}
    for agency in db.query(
        "SELECT legal_representative, credit_code FROM agencies_register ORDER BY credit_code"
    ):
        agencies.setdefault(agency["legal_representative"], []).append(agency["credit_code"])
    for row in rows:
        for counted, limit in LIMITS.items():
            row[counted] = int(row[counted])
            row[f"{counted}_limit"] = limit
            row[f"{counted}_remaining"] = max(0, limit - row[counted])
        row["uncounted"] = int(row["uncounted"])
        row["agencies"] = agencies.get(row["legal_representative"], [])
    return rows


def agency_performance(db: Db, year: int | None = None) -> list[Row]:
    """A22.2: every registered agency with its reports submitted, passed, failed, pass rate
    (None without reports) and confirmed problems (of which from real-name reports), in one
    year or over all years."""
    on = " AND p.year = ?" if year is not None else ""
    rows = db.query(
        "SELECT a.agency_id, a.credit_code, a.name, a.legal_representative, a.city, "
        "COALESCE(SUM(p.reports), 0) AS reports, COALESCE(SUM(p.passed), 0) AS passed, "
        "COALESCE(SUM(p.failed), 0) AS failed, COALESCE(SUM(p.problems), 0) AS problems, "
        "COALESCE(SUM(p.from_reports), 0) AS from_reports, "
        + ", ".join(f"COALESCE(SUM(p.{c}), 0) AS {c}" for c in PROJECTS)
        + " FROM agencies_register a LEFT JOIN agencies_performance p "
        f"ON p.agency_id = a.agency_id{on} "
        "GROUP BY a.agency_id, a.credit_code, a.name, a.legal_representative, a.city "
        "ORDER BY a.credit_code",
        [year] if year is not None else [],
    )
    for row in rows:
        for column in ("reports", "passed", "failed", "problems", "from_reports", *PROJECTS):
            row[column] = int(row[column])  # PostgreSQL's SUM of BIGINT is NUMERIC
        row["pass_rate"] = row["passed"] / row["reports"] if row["reports"] else None
        row["year"] = year
    return rows


PUBLISHED = [
    "credit_code",
    "name",
    "city",
    "year",
    "reports",
    "passed",
    "failed",
    "pass_rate",
    "problems",
    "national",
    "provincial",
    "municipal",
    "counted_national",
    "counted_provincial",
    "national_limit",
    "provincial_limit",
]
"""A22.2: what the province publishes of an agency's performance. Neither the legal
representative (nor the keyed hash of the ID number, which no read model holds) nor where a
problem came from (a real-name report's filer, A23.1) is published."""


def published_performance(db: Db, year: int | None = None) -> list[Row]:
    """A22.2 (第二十二条第二款: 省经济和信息化厅适时公布第三方机构开展评价工作的有关情况): every
    registered agency's work in `year` (every agency, with zeros), or, without a year, one row
    per agency and year it worked in: its reports per level (national, provincial, municipal),
    passed, failed and pass rate, the misconduct found (A22.1, `problems`), and the projects
    counted toward the A22.3 yearly limits (its own share; the limits bind its legal
    representative's agencies together)."""
    if year is not None:
        rows = agency_performance(db, year)
    else:
        rows = []
        years = db.query("SELECT DISTINCT year FROM agencies_performance ORDER BY year DESC", [])
        for each in years:
            worked = {
                r["agency_id"]
                for r in db.query(
                    "SELECT agency_id FROM agencies_performance WHERE year = ?", [each["year"]]
                )
            }
            rows += [r for r in agency_performance(db, each["year"]) if r["agency_id"] in worked]
    published = []
    for row in rows:
        row["national_limit"] = LIMITS["national"]
        row["provincial_limit"] = LIMITS["provincial"]
        published.append({column: row[column] for column in PUBLISHED})
    return published
