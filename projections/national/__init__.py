"""The national view (issue 15, item 2): one read side following several provinces' stores.

Each province runs its own greenlist store (its own PostgreSQL, its own notification log). The
national follower reads each province's log after the position it tracks for that province (one
tracking row per upstream name) and writes the national read models in the national database,
the rows and the province's new position in one transaction: exactly once, restartable from
the tracking rows, with no change to how a province writes (it only reads the log, so a read
replica serves). The rows are those of the provincial read models themselves (the lists and the
announcements, projections.lists and projections.announcements, run unchanged) with the province
as the first column of every row and key (`models`); `follower` runs them; `queries` reads the
national lists, announcements and the per-province summary."""

from projections.national.follower import NationalFollower, ProvinceFollower, Upstream
from projections.national.models import NATIONAL_MODELS, national_tables
from projections.national.queries import national_announcements, national_list, province_summary

__all__ = [
    "NATIONAL_MODELS",
    "NationalFollower",
    "ProvinceFollower",
    "Upstream",
    "national_announcements",
    "national_list",
    "national_tables",
    "province_summary",
]
