"""Every read model, in one list: what `greenlist projections run|rebuild` work on."""

from __future__ import annotations

from projections.agencies import Agencies
from projections.announcements import Announcements
from projections.audit import Audit
from projections.deadlines import Deadlines
from projections.dynamic import Dynamic
from projections.engine.projection import Projection
from projections.lists import Lists
from projections.pools import Pools
from projections.rounds import Rounds
from projections.selection_rate import SelectionRate
from projections.supervision import Supervision


def all_projections() -> list[Projection]:
    return [
        Lists(),
        Pools(),
        Rounds(),
        SelectionRate(),
        Announcements(),
        Agencies(),
        Dynamic(),
        Audit(),
        Supervision(),
        Deadlines(),
    ]
