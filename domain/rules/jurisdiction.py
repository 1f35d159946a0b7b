"""Who may do each act, and how far (ID.3 and lifecycle.md's actor table): the one table.

`ACTS` names every command of the service (`domain.service.Greenlist`) and, for each role that
may do it, its reach: the whole province, the units of its own city (an enterprise: itself), its
own department, the reports its city handles, and so on. The service decides every act from
it and nothing else does (issue 11 item 3): `check_role` when the act starts, before anything
is read, then `check_reach` where the record acted on is known. The API checks no role of its
own; it documents each command's roles from this table (api.commands).

A refusal is `OutOfJurisdiction` naming ID.3 (ID.3 and A16.2 for a co-signer signing for
another department), with zh/en messages; nothing is recorded. Panels bind experts further:
an expert scores only the units on whose panel it was drawn (A15.2), which the round decides,
since it holds the panels (checks.check_a15_2_panel_member).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from domain.errors import OutOfJurisdiction
from domain.rules.identity import check_id3_jurisdiction, check_id3_role
from domain.values import PROVINCE, Actor, Level, Role


class Reach(Enum):
    """How far a role's grant of an act reaches."""

    PROVINCE = "province"
    """Zhejiang as a whole: a provincial role acts for 330000 (its credentials say so)."""
    UNIT = "unit"
    """The unit acted on: a city bureau's own city's units, an enterprise itself, the province
    every unit (ID.3)."""
    OWN_REGION = "own_region"
    """Any record, acting for the region the actor's credentials name (a city bureau one of
    the eleven cities, the province 330000): reports on agencies, which work province-wide."""
    OPEN = "open"
    """No bound: objections during the notice (A16.1), real-name reports (A23.1), an agency's
    report on any unit that engaged it (A12)."""
    HANDLING_CITY = "handling_city"
    """The real-name reports its city handles (A23.2)."""
    ITSELF = "itself"
    """Only itself: an agency registers itself (A22.3)."""
    OWN_DEPARTMENT = "own_department"
    """Province-wide, for the department its credentials name (A16.2)."""
    PANEL = "panel"
    """Province-wide, bound further to the units of its panels (A15.2, decided by the round)."""


@dataclass(frozen=True)
class Grant:
    """One role's right to one act: its reach and, when it is bounded to some list levels
    (a city decides removals from its municipal list only), those levels."""

    reach: Reach
    levels: frozenset[Level] | None = None

    def covers(self, level: Level | None) -> bool:
        return self.levels is None or level is None or level in self.levels


Grants = Mapping[Role, Grant]


def _grant(reach: Reach, roles: tuple[Role, ...], levels: frozenset[Level] | None = None) -> Grants:
    return {role: Grant(reach, levels) for role in roles}


def province_wide(*roles: Role) -> Grants:
    return _grant(Reach.PROVINCE, roles)


def on_unit(*roles: Role, levels: frozenset[Level] | None = None) -> Grants:
    return _grant(Reach.UNIT, roles, levels)


E, A, C, P = Role.ENTERPRISE, Role.AGENCY, Role.CITY, Role.PROVINCE
SYSTEM = Role.SYSTEM
READ_ONLY = frozenset({Role.INSPECTOR, Role.AUDITOR})
"""Discipline inspection and the auditors read everything and change nothing (lifecycle.md);
the inspectors' one act is recording their on-site supervision (A15.2)."""
EVERYONE_ELSE = tuple(r for r in Role if r not in READ_ONLY)
DEADLINES = province_wide(SYSTEM, P)
"""The acts of the calendar: the scheduler on their date, or the province."""

ACTS: dict[str, Grants] = {
    # units: registration (ID.1-2), cultivation (A8-A11), evaluation (A12), A13.1
    "register_unit": on_unit(E, C, P),
    "declare_park_members": on_unit(E, C),
    "cultivate": on_unit(C),
    "submit_evaluation": {**on_unit(E), **_grant(Reach.OPEN, (A,))},
    "list_municipally": on_unit(C),
    # the yearly selection (A13.2-A16)
    "open_round": province_wide(P),
    "set_quota": province_wide(P),
    "derive_quota": province_wide(P),
    "nominate": on_unit(C),
    "enrol_expert": province_wide(P),
    "draw_expert_panel": province_wide(P),
    "record_preliminary_review": province_wide(P),
    "record_expert_review": province_wide(P),
    "draw_site_sample": province_wide(P),
    "record_site_inspection": province_wide(P),
    "open_public_notice": province_wide(P),
    "raise_objection": province_wide(P),
    "decide_objection": province_wide(P),
    "file_objection": _grant(Reach.OPEN, EVERYONE_ELSE),
    "register_objection": province_wide(P),
    "decide_filed_objection": province_wide(P),
    "cosign_publication": _grant(Reach.OWN_DEPARTMENT, (Role.CODEPT,)),
    "publish_round": province_wide(P),
    # the national list is MIIT's (A15.4, A16.3): the recommendation, MIIT's outcome, migration
    "recommend_to_miit": province_wide(P),
    "record_miit_outcome": province_wide(P),
    "migrate_national_outcome": province_wide(P),
    # historical lists back-entered from their published record (issue 15 item 1)
    "import_historical_list": province_wide(P),
    # the expert review's own acts (A15.2)
    "score_unit": _grant(Reach.PANEL, (Role.EXPERT,)),
    "record_on_site_supervision": province_wide(Role.INSPECTOR),
    # dynamic management (A17-A21)
    "record_negative_record": on_unit(C, P),
    "end_negative_record": on_unit(C, P),
    "submit_dynamic_form": on_unit(E),
    "mark_form_overdue": province_wide(P, SYSTEM),
    "declare_change": on_unit(E),
    "recheck_change": on_unit(C),
    "submit_adjustment_opinions": on_unit(C),
    "decide_removal": {**on_unit(C, levels=frozenset({Level.MUNICIPAL})), **on_unit(P)},
    "report_accident": on_unit(C),
    "remove_after_accident": on_unit(P),
    "record_miit_removal": on_unit(P),
    "record_rereview": on_unit(C),
    # the calendar's own acts (lifecycle.md, the scheduler)
    "close_nomination_window": DEADLINES,
    "close_public_notice": DEADLINES,
    "expire_dynamic_form": DEADLINES,
    "mark_rereview_due": DEADLINES,
    "lapse_negative_record": DEADLINES,
    "flag_rectification_overdue": DEADLINES,
    # agencies (A12, A22) and real-name reports (A23)
    "register_agency": {**province_wide(P), **_grant(Reach.ITSELF, (A,))},
    "change_legal_representative": province_wide(P),
    "report_agency_misconduct": _grant(Reach.OWN_REGION, (C, P)),
    "file_complaint": _grant(Reach.OPEN, EVERYONE_ELSE),
    "accept_complaint": _grant(Reach.HANDLING_CITY, (C,)),
    "verify_complaint": _grant(Reach.HANDLING_CITY, (C,)),
    "record_rectification": _grant(Reach.HANDLING_CITY, (C,)),
    # custody of reporters' and objectors' sealed data (issue 14; A23.1, A16.1): disclosure
    # is an act with a reason; erasure by order, or by the scheduler at the retention's end
    "disclose_reporter": {
        **_grant(Reach.HANDLING_CITY, (C,)),
        **province_wide(Role.INSPECTOR),
    },
    "disclose_objector": province_wide(P, Role.INSPECTOR),
    "erase_reporter_data": {**_grant(Reach.HANDLING_CITY, (C,)), **province_wide(P, SYSTEM)},
    "erase_objector_data": province_wide(P, SYSTEM),
}
"""Every command of the service -> the roles that may do it, each with its reach."""


def grants(act: str) -> Grants:
    """The grants of a command of the service (KeyError for a name that is none)."""
    return ACTS[act]


def check_role(actor: Actor, act: str) -> Grant:
    """ID.3, the role table: refused unless the actor's role may do `act` at all. Decided
    when the act starts, before any record is read: the answer does not depend on whether
    the record exists, or on its version. Returns the role's grant."""
    table = ACTS[act]
    check_id3_role(actor, *table)
    return table[actor.role]


@dataclass(frozen=True)
class Target:
    """What an act reaches, as far as its grant needs to know: the unit's city and credit
    code, the list level, the report's handling city, the registered agency's credit code,
    the department signing."""

    city: str | None = None
    credit_code: str | None = None
    level: Level | None = None
    department: str | None = None


def check_reach(actor: Actor, act: str, target: Target = Target()) -> None:
    """ID.3: the actor's role may do `act` (`check_role`) and reaches `target`."""
    grant = check_role(actor, act)
    if not grant.covers(target.level):
        # e.g. a city bureau deciding a removal from a provincial list: the province's act
        check_id3_role(actor, *(r for r, g in ACTS[act].items() if g.covers(target.level)))
    reach = grant.reach
    if reach in (Reach.PROVINCE, Reach.PANEL, Reach.OWN_DEPARTMENT):
        check_id3_jurisdiction(actor, PROVINCE, actor.role)
    if reach is Reach.OWN_DEPARTMENT:
        _check_own_department(actor, target.department)
    elif reach is Reach.OWN_REGION:
        check_id3_jurisdiction(actor, actor.region, actor.role)
    elif reach is Reach.UNIT:
        _check_unit(actor, target)
    elif reach is Reach.HANDLING_CITY and actor.region != target.city:
        raise OutOfJurisdiction(
            "ID.3",
            zh="仅受理举报的设区市可受理、核实",
            en="only the handling city bureau accepts and verifies a report",
        )
    elif reach is Reach.ITSELF and actor.id.strip().upper() != _code(target):
        raise OutOfJurisdiction(
            "ID.3", zh="第三方机构只能登记本机构", en="an agency registers only itself"
        )


def _code(target: Target) -> str:
    return (target.credit_code or "").strip().upper()


def _check_unit(actor: Actor, target: Target) -> None:
    """A city bureau acts on its own city's units, an enterprise only on itself (its id is
    its credit code), the province on every unit."""
    if target.city is None:
        raise ValueError("a unit's act is judged on the unit's city")
    check_id3_jurisdiction(actor, target.city, actor.role)
    if actor.role is Role.ENTERPRISE and actor.id != _code(target):
        raise OutOfJurisdiction(
            "ID.3", zh="企业只能为本单位操作", en="an enterprise acts only for itself"
        )


def _check_own_department(actor: Actor, department: str | None) -> None:
    """A16.2: a co-signer whose credentials name its department (every API token does, ID.3)
    signs for that department only."""
    own = actor.department
    if own is not None and department not in (None, own):
        raise OutOfJurisdiction(
            ("ID.3", "A16.2"),
            zh=f"会签须以令牌所属部门（{own}）的名义进行",
            en=f"a signatory signs for its own department ({own}) only",
        )


READ_EVERYTHING = frozenset({P, Role.CODEPT, Role.INSPECTOR, Role.AUDITOR})
"""The province-wide readers: the province (省经信厅), the co-signing departments (发改委,
生态环境厅: Zhejiang-wide), discipline inspection (机关纪委) and the auditors read every unit and
every row (lifecycle.md)."""
AUDITORS = frozenset({P, Role.INSPECTOR, Role.AUDITOR})
"""Who reads the log itself, event by event: the audit trail and any event's proof."""

READS: dict[str, frozenset[Role]] = {
    "unit": READ_EVERYTHING | {C, E, A, Role.EXPERT},
    "unit_rows": READ_EVERYTHING | {C, E},
    "city_rows": READ_EVERYTHING | {C},
    "agency": READ_EVERYTHING | {C, A},
    "agency_rows": READ_EVERYTHING | {A},
    "round": READ_EVERYTHING | {C, E, Role.EXPERT},
    "round_summary": READ_EVERYTHING,
    "scores": READ_EVERYTHING | {Role.EXPERT},
    "supervision": READ_ONLY,
    "audit_trail": AUDITORS,
    "log": AUDITORS,
    "refusals": READ_EVERYTHING,
}
"""Every read that needs a token -> the roles that may read it (ID.3 applied to reads, issue
9 item 2). The province-wide readers read it whole; the others each see their part, which the
API's read policy decides (api.access: a city bureau its own city's units and rows, an
enterprise itself, an agency the units it evaluated and its own rows, an expert the units of
its panels and its own scores). `unit`: a unit's record (state, history, decisions);
`unit_rows`: collections of units' rows (pools, deadlines, forms, re-reviews, a round's
nominations and objections); `city_rows`: of cities' rows (pool sizes, quota usage, selection
rates); `agency`: an agency's registration (every city bureau: it reports any agency, A22.1);
`agency_rows`: the agencies' ledger and performance (A22.2-3); `round`: a round's record;
`round_summary`: a round's province-wide totals; `scores`: the experts' scores (A15.2);
`supervision`: the on-site supervision records; `audit_trail` and `log`: the log itself;
`refusals`: the officials' refused acts (api.refusals, A29). A
reporter's identity (A23.1) is the handling city's and the inspectors', decided by the report
(domain.aggregates.complaint), each look recorded."""


REACH_TEXT: dict[tuple[Reach, Role | None], str] = {
    (Reach.PROVINCE, None): "province-wide",
    (Reach.UNIT, None): "the units of the city it acts for",
    (Reach.UNIT, Role.ENTERPRISE): "only its own unit",
    (Reach.UNIT, Role.CITY): "the units of its own city",
    (Reach.UNIT, Role.PROVINCE): "every unit",
    (Reach.OWN_REGION, None): "any agency",
    (Reach.OPEN, None): "",
    (Reach.HANDLING_CITY, None): "the reports its city handles",
    (Reach.ITSELF, None): "only itself",
    (Reach.OWN_DEPARTMENT, None): "its own department, named by its token, A16.2",
    (Reach.PANEL, None): "the units on whose panel it was drawn, A15.2",
}


def describe(role: Role, grant: Grant) -> str:
    """A grant in words, for the API's documentation: `city (the units of its own city)`;
    the role alone when its reach has no bound."""
    where = REACH_TEXT.get((grant.reach, role)) or REACH_TEXT[(grant.reach, None)]
    if grant.levels is not None:
        where += ", " + "/".join(sorted(level.value for level in grant.levels)) + " lists only"
    return f"{role.value} ({where})" if where else role.value
