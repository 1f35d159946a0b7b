"""The rules' values and dates, as the outer layers (api, projections, demo, benchmarks)
import them.

Each check lives in the module of its family of articles, one small function per deciding rule,
named after its code: `identity` (ID.1-ID.3), `eligibility` (A8-A12), `selection` (A13-A14),
`stages` and `review` (A15), `publication` (A16), `exclusions` (A17), `dynamic` (A18-A21),
`agencies` (A22-A23), with every date in `calendar`, the levels' data in `levels` and what any
act's record must be in `provenance`. This module only re-exports what the outer layers use;
the domain imports the family modules."""

from domain.rules.agencies import (
    NATIONAL_PROJECTS_PER_YEAR,
    PROVINCIAL_PROJECTS_PER_YEAR,
    a22_3_counts_as,
)
from domain.rules.calendar import (
    a17_lapses_on,
    dynamic_form_deadline,
    dynamic_form_overdue_on,
    first_form_year,
    nomination_window_closed_on,
    notice_over_on,
    rereview_due,
)
from domain.rules.exclusions import A17_CONTINUING, A17_GROUNDS, NegativeRecord
from domain.rules.identity import check_id1_credit_code
from domain.rules.provenance import CLOCK_SKEW, UNSTORABLE, check_storable, unstorable
from domain.rules.publication import CO_PUBLISHERS
from domain.rules.review import SUPERVISED_ACTIVITIES

__all__ = [
    "A17_CONTINUING",
    "A17_GROUNDS",
    "CLOCK_SKEW",
    "CO_PUBLISHERS",
    "NATIONAL_PROJECTS_PER_YEAR",
    "PROVINCIAL_PROJECTS_PER_YEAR",
    "SUPERVISED_ACTIVITIES",
    "UNSTORABLE",
    "NegativeRecord",
    "a17_lapses_on",
    "a22_3_counts_as",
    "check_id1_credit_code",
    "check_storable",
    "dynamic_form_deadline",
    "dynamic_form_overdue_on",
    "first_form_year",
    "nomination_window_closed_on",
    "notice_over_on",
    "rereview_due",
    "unstorable",
]
