"""Reproducible random draws (A15.2 expert panel, A15.3 site sample).

Anyone holding the recorded seed and candidate list re-runs the same function and must get the
same result: the algorithm is Python's `random.Random(seed)`, which is stable across versions for
`sample` and `random` on the same inputs.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

PANEL_METHOD = "random.Random(seed).sample(sorted(candidates), size) v1"
SAMPLE_METHOD = "Efraimidis-Spirakis: top size by random.Random(seed).random() ** (1/weight) v1"


def draw_panel(seed: str, candidates: Sequence[str], size: int) -> list[str]:
    """A15.2: draw `size` experts at random from the eligible candidates."""
    ordered = sorted(candidates)
    return random.Random(seed).sample(ordered, min(size, len(ordered)))


def draw_weighted_sample(
    seed: str, candidates: Sequence[tuple[str, float]], size: int
) -> list[str]:
    """A15.3: a weighted sample without replacement; a heavier weight is likelier drawn."""
    rng = random.Random(seed)
    keyed = [(rng.random() ** (1.0 / weight), item) for item, weight in sorted(candidates)]
    keyed.sort(reverse=True)
    return [item for _, item in keyed[:size]]


def inspection_weight(preliminary_passed: bool, expert_score: float) -> float:
    """A15.3: the sample weighs the preliminary and expert results: a weaker expert score (and
    open questions from the preliminary review) makes a site visit likelier."""
    return 1.0 + max(0.0, 100.0 - expert_score) / 10.0 + (0.0 if preliminary_passed else 5.0)
