"""Rounds (遴选轮次): every nomination of a (level, year) with its stage, the cities' quotas and
their use, the panel and sample draws, the public notice with its objections, the publication.

Why: a city may recommend only within its quota (A13.2); each nominee goes through the
preliminary review (A15.1), a panel drawn at random (A15.2, reproducible from seed and
candidates), a weighted site sample (A15.3) and the 15-day notice, where an upheld objection
blocks it (A16.1), before the joint publication (A16.2). Nominating a unit off the lower list
is an exception "in principle" that needs a written justification (A14.2, A14.3); so is a
second panel draw (A15.2), and so is an expert's correction of their own score of a unit (A15.2:
each expert drawn onto the unit's panel scores it once). The supervisors see each of them here
with its justification."""

from __future__ import annotations

from projections.engine.projection import Projection
from projections.rounds.nominees import Nominations
from projections.rounds.queries import (
    nominations,
    noticed,
    objections,
    quota_usage,
    round_summary,
    scores,
)
from projections.rounds.round_acts import RoundActs
from projections.rounds.tables import TABLES

__all__ = [
    "Rounds",
    "nominations",
    "noticed",
    "objections",
    "quota_usage",
    "round_summary",
    "scores",
]


class Rounds(Nominations, RoundActs, Projection):
    """The rounds, their quotas, nominations and objections: the units' side
    (rounds.nominees) and the round's (rounds.round_acts) write the tables of rounds.tables."""

    name = "rounds"
    rebuild_weight = 1.9
    tables = TABLES
