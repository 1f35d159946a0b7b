"""Reproducible random draws (A15.2 expert panel, A15.3 site sample).

Anyone holding the recorded seed and candidate list re-runs the same function and must get the
same result: the algorithm is Python's `random.Random(seed)`, which is stable across versions for
`sample` and `random` on the same inputs.

A15.2 (第十五条第三款, issue 12 item 4): the province must not be able to steer the panel, so it
does not choose the panel's seed. The seed is derived (`panel_seed`) from the verifiable log's
head (tree size and root) at the moment the pool and the exclusions are frozen, with the round,
the unit and the eligible candidates: the root depends on every event before the draw, so the
province could only move it by recording acts, which are themselves in the log. The record
(`ExpertPanelDrawn`) keeps all of it, and `redraw_from_record` re-runs the draw from the record
alone; an auditor checks the recorded root against a signed checkpoint of the log.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from typing import Any
from uuid import UUID

PANEL_METHOD = "random.Random(seed).sample(sorted(candidates), size) v1"
"""Panels drawn before issue 12: the seed was the caller's (recorded, but chosen)."""
PANEL_METHOD_FROM_LOG = (
    "seed = SHA-256(canonical JSON of log_size, log_root, round_id, unit_id, sorted candidates);"
    " random.Random(seed).sample(sorted(candidates), size) v2"
)
"""Panels drawn since issue 12 item 4: the seed derives from the verifiable log's head."""

SEED_FROM_CALLER = "caller"
"""An old draw's seed was given by the province (class_version 1 of the event)."""
SEED_FROM_LOG = "log-head"
"""The seed derives from the log's head (`panel_seed`)."""

EXCLUDED_APPLICANT = "employer is the applicant"
EXCLUDED_AGENCY = "employer is the agency that evaluated the applicant"
"""The reasons A15.2's conflicts of interest exclude an expert, as recorded with the draw."""
SAMPLE_METHOD = "Efraimidis-Spirakis: top size by random.Random(seed).random() ** (1/weight) v1"
OPEN_QUESTION_WEIGHT = 2.0
"""A15.3: what each question the preliminary review left open adds to a unit's weight."""
MAX_WEIGHED_QUESTIONS = 5
"""A15.3: open questions beyond this many add nothing more (one unit cannot swamp the sample)."""
WEIGHT_FORMULA = (
    "weight = 1 + max(0, 100 - expert_score) / 10 + 2 * min(open_questions, 5)"
    " + (5 if the preliminary review failed)"
)
"""A15.3: the site sample's weight of a unit, recorded with each draw (`SiteSampleDrawn`)."""


def draw_panel(seed: str, candidates: Sequence[str], size: int) -> list[str]:
    """A15.2: draw `size` experts at random from the eligible candidates."""
    ordered = sorted(candidates)
    return random.Random(seed).sample(ordered, min(size, len(ordered)))


def panel_seed(
    log_size: int,
    log_root: str,
    round_id: UUID | str,
    unit_id: UUID | str,
    candidates: Sequence[str],
) -> str:
    """A15.2: the panel's seed, which nobody chooses: SHA-256 (hex) over the canonical JSON of
    the verifiable log's head when the pool was frozen (its size and hex root), the round, the
    unit and the eligible candidates (sorted). Anyone re-derives it from the record."""
    material = {
        "candidates": sorted(candidates),
        "log_root": log_root,
        "log_size": log_size,
        "round_id": str(round_id),
        "unit_id": str(unit_id),
    }
    text = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed_of_record(record: Any, round_id: UUID | str | None = None) -> str:
    """The seed a recorded panel draw (`ExpertPanelDrawn`, or its fields as a read shows them)
    was drawn with, as anyone derives it from the record: from the log head recorded with it,
    the round (`round_id`, by default the event's `originator_id`), the unit and the
    candidates; or, for a draw from before issue 12 whose seed the province gave, the recorded
    seed itself."""
    if getattr(record, "seed_source", SEED_FROM_CALLER) != SEED_FROM_LOG:
        return str(record.seed)
    rid = record.originator_id if round_id is None else round_id
    return panel_seed(record.log_size, record.log_root, rid, record.unit_id, record.candidates)


def redraw_from_record(record: Any, round_id: UUID | str | None = None) -> list[str]:
    """A15.2: re-run a recorded panel draw from the record alone (the log head, the round, the
    unit, the candidates and the size it recorded; see `seed_of_record`); an honest record
    gives back its panel. Raises ValueError if the recorded seed is not the one its log head
    derives (the record was altered, or the log head is not the one the draw used)."""
    seed = seed_of_record(record, round_id)
    if seed != record.seed:
        raise ValueError("the recorded seed is not the one the recorded log head derives")
    return draw_panel(seed, record.candidates, record.size)


def draw_weighted_sample(
    seed: str, candidates: Sequence[tuple[str, float]], size: int
) -> list[str]:
    """A15.3: a weighted sample without replacement; a heavier weight is likelier drawn."""
    rng = random.Random(seed)
    keyed = [(rng.random() ** (1.0 / weight), item) for item, weight in sorted(candidates)]
    keyed.sort(reverse=True)
    return [item for _, item in keyed[:size]]


def inspection_weight(
    preliminary_passed: bool, expert_score: float, open_questions: int = 0
) -> float:
    """A15.3 (核查名单综合考虑初审与评审情况确定): the sample weighs the preliminary and expert
    results: a weaker expert score, and each question the preliminary review left open (待确认
    问题, up to five), make a site visit likelier (`WEIGHT_FORMULA`)."""
    questions = OPEN_QUESTION_WEIGHT * min(max(open_questions, 0), MAX_WEIGHED_QUESTIONS)
    failed = 0.0 if preliminary_passed else 5.0
    return 1.0 + max(0.0, 100.0 - expert_score) / 10.0 + questions + failed
