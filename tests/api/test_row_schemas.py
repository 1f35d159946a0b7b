"""The API's row schemas repeat the read models' column names on purpose: they state each
column's JSON type and meaning (instants as ISO text, rule codes as lists), which SQL types
cannot say (README, "Decisions worth knowing"). This test keeps the two in step: every column of
a read model's table is shown by its row schema or named here as internal, and every field of
the schema is a column or named here as derived (joined from another table or computed)."""

from __future__ import annotations

import pytest
from marshmallow import Schema

import api.schemas.feed as feed
import api.schemas.oversight as oversight
import api.schemas.read_rows as read_rows
from projections.catalogue import all_projections

TABLES = {t.name: set(t.column_names) for p in all_projections() for t in p.tables}

# row schema -> (table, fields derived elsewhere, columns kept internal); `type`,
# `occurred_at`, `recorded_at` (+08:00) and `why` are the one read vocabulary (issue 13 item 7)
ROWS: dict[str, tuple[str, set[str], set[str]]] = {
    "AnnouncementRow": ("announcements", {"log"}, set()),
    "PoolEntryRow": ("pool_entries", {"name"}, set()),
    "NominationRow": ("round_nominations", set(), set()),
    "ObjectionRow": ("round_objections", set(), set()),
    "ScoreRow": ("round_scores", set(), set()),
    "SelectionRateRow": ("selection_rates", {"final", "published_on", "rate"}, set()),
    "DynamicFormRow": (
        "dynamic_forms",
        {"city", "credit_code", "deadline", "late", "name"},
        {"occurred"},
    ),
    "RereviewRow": ("dynamic_rereviews", {"city", "credit_code", "name"}, set()),
    "LedgerRow": (
        "agencies_ledger",
        {
            "agencies",
            "national_limit",
            "national_remaining",
            "provincial_limit",
            "provincial_remaining",
        },
        set(),
    ),
    "PerformanceRow": (
        "agencies_performance",
        {"city", "credit_code", "legal_representative", "name", "pass_rate"},
        set(),
    ),
    "AuditRow": ("audit_trail", {"type", "occurred_at", "recorded_at", "why"}, set()),
    "ListEntryRow": (
        "list_memberships",
        {"name"},
        {
            "listed_occurred",
            "pending_at",
            "pending_occurred",
            "removal_immediate",
            "removal_reason",
            "removal_rules",
            "removed_at",
            "removed_occurred",
            "removed_on",
            "seq",
        },
    ),
    "ListChangeRow": ("list_changes", set(), set()),
    "ExceptionRow": ("supervision_exceptions", {"type", "occurred_at", "recorded_at"}, set()),
    "LateRow": (
        "supervision_late",
        {"delay_seconds", "type", "occurred_at", "recorded_at"},
        {"delay"},
    ),
    "OnSiteRow": ("supervision_on_site", {"type", "occurred_at", "recorded_at"}, set()),
}


def schema(name: str) -> Schema:
    cls = getattr(read_rows, name, None) or getattr(oversight, name, None) or getattr(feed, name)
    instance: Schema = cls()
    return instance


@pytest.mark.parametrize("name", sorted(ROWS))
def test_a_row_schema_shows_its_read_models_columns(name: str) -> None:
    table, derived, internal = ROWS[name]
    fields = set(schema(name).fields)
    columns = TABLES[table]
    assert fields - columns == derived, "fields with no column: name them as derived"
    assert columns - fields == internal, "columns not shown: show them or name them internal"
