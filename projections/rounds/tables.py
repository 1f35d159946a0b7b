"""The rounds read model's tables: units under their name of the day, the rounds, the cities'
quotas, the nominations with their stage, the objections and the experts' scores."""

from __future__ import annotations

from typing import Any

from projections.engine.projection import Table, columns
from projections.values import at

COUNTERS = ("panel_draws", "sampled", "objections_raised", "objections_decided")
OUTCOMES = ("listed", "withheld", "removed", "adjusted")


def stamped(e: Any, prefix: str) -> dict[str, int]:
    """An event's recorded and world instants as the columns `<prefix>_at`, `<prefix>_occurred`."""
    return {f"{prefix}_at": at(e.timestamp), f"{prefix}_occurred": at(e.occurred_at)}


TABLES = (
    Table("round_units", columns("unit_id credit_code name kind city"), key=("unit_id",)),
    Table(
        "rounds",
        columns(
            "round_id level year:int opened_at:int opened_occurred:int sample_seed "
            "sample_size:int notice_opened_on notice_last_day noticed:int cosigned "
            "published_on published_at:int listed:int withheld:int removed:int adjusted:int"
        ),
        key=("round_id",),
        indexes=(("level", "year"),),
    ),
    Table(
        "round_quotas",
        columns("level year:int city quota:int used:int"),
        key=("level", "year", "city"),
    ),
    Table(
        "round_nominations",
        columns(
            "level year:int unit_id round_id credit_code name kind city stage stage_at:int "
            "stage_occurred:int nominated_at:int nominated_occurred:int nominated_by "
            "exceptions justification preliminary_notes panel panel_seed panel_draws:int "
            "redraw_justification expert_score:real sampled:int site_notes notice_last_day "
            "objections_raised:int objections_decided:int objections_upheld:int listed_on "
            "withheld_rules"
        ),
        key=("level", "year", "unit_id"),
        indexes=(("level", "year", "city"),),
    ),
    Table(
        "round_objections",
        columns(
            "objection_id level year:int unit_id summary raised_by raised_at:int "
            "raised_occurred:int upheld:int decided_by decided_at:int decided_occurred:int "
            "justification"
        ),
        key=("objection_id",),
        indexes=(("level", "year"),),
    ),
    Table(
        "round_scores",
        columns(
            "level year:int unit_id expert_id credit_code score:real opinion "
            "previous_score:real corrections:int justification scored_at:int "
            "scored_occurred:int"
        ),
        key=("level", "year", "unit_id", "expert_id"),
        indexes=(("level", "year"),),
    ),
)
