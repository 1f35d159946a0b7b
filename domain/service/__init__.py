"""The application service: one method per act of lifecycle.md, plain values in and out."""

from domain.service.accidents import AccidentActs
from domain.service.agencies import AgencyActs
from domain.service.complaints import ComplaintActs
from domain.service.custody import CustodyQueries
from domain.service.deadlines import DeadlineActs
from domain.service.dynamic import DynamicManagementActs
from domain.service.expert_review import ExpertReviewActs
from domain.service.explain import Explanations
from domain.service.miit import MiitActs
from domain.service.objections import ObjectionActs
from domain.service.opinions import AdjustmentOpinionActs
from domain.service.queries import Queries
from domain.service.records import RecordActs
from domain.service.rectifications import RectificationActs
from domain.service.selection import SelectionActs
from domain.service.units import UnitActs


class Greenlist(
    UnitActs,
    SelectionActs,
    MiitActs,
    ExpertReviewActs,
    DynamicManagementActs,
    AdjustmentOpinionActs,
    AccidentActs,
    RectificationActs,
    RecordActs,
    DeadlineActs,
    AgencyActs,
    ComplaintActs,
    ObjectionActs,
    CustodyQueries,
    Queries,
    Explanations,
):
    """The greenlist service. Construct it with an `env` (store settings) and a clock."""


__all__ = ["Greenlist"]
