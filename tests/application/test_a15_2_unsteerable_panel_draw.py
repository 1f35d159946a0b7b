"""A15.2 (第十五条第三款: "专家组成员由浙江省绿色低碳领域专家库随机选取组成"), issue 12 item 4: a
panel draw nobody can steer. The province does not choose the seed: it derives from the
verifiable log's head (tree size and root) when the pool and the exclusions are frozen, with
the round, the unit and the candidates. The record keeps the pool, each exclusion with its
reason, the log head, the seed and the panel; anyone re-runs the draw from the record alone and
gets the same panel. A re-draw is recorded with its reason. Draws recorded before (the
province's seed, no log head) still read, and still re-run. On every store."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any, cast

import pytest
from eventsourcing.persistence import StoredEvent

from auditlog.tree import root_of
from domain import draws
from domain.aggregates.round import round_id
from domain.events.round import ExpertPanelDrawn
from domain.service import Greenlist
from greenlist.adapters.stores import LeafStore
from simulation import scenarios as s
from tests.application.rules_steps import PROV, YEAR, P, day, nominate, ready, refused, versions

APPLICANT, AGENCY, OTHER = s.credit_code(41), s.credit_code(841), s.credit_code(42)
REDRAW_WHY = "一名专家因回避事由退出，经批准重新抽取"


def drawn_events(app: Greenlist) -> list[ExpertPanelDrawn]:
    """The round's panel draws as recorded (the domain events, as an auditor decodes them)."""
    return [
        cast(ExpertPanelDrawn, e)
        for e in app.events.get(round_id(PROV, YEAR))
        if isinstance(e, ExpertPanelDrawn)
    ]


def leaves(app: Greenlist) -> LeafStore:
    return cast(LeafStore, app.recorder)


def conflicted(app: Greenlist) -> None:
    """An applicant evaluated by an agency; the pool holds an employee of each and of another
    unit, besides the scenario's experts; the applicant passed its preliminary review."""
    app.register_agency(
        P, AGENCY, "某评价机构", "赵六", s.representative_id("赵六"), occurred_at=day(1, 5)
    )
    for unit in (APPLICANT, OTHER):
        ready(app, unit)
    app.submit_evaluation(
        s.agency_actor(AGENCY), APPLICANT, PROV, YEAR, "h3", 92.0, True, occurred_at=day(2, 5)
    )
    for expert, employer in (("X-AGENCY", AGENCY), ("X-SELF", APPLICANT), ("X-OTHER", OTHER)):
        app.enrol_expert(P, expert, expert, employer, occurred_at=day(3, 2))
    nominate(app, APPLICANT)
    app.record_preliminary_review(P, APPLICANT, PROV, True, occurred_at=day(7, 5))


def test_a15_2_the_seed_derives_from_the_log_head_and_the_draw_reruns_from_the_record(
    app: Greenlist,
) -> None:
    conflicted(app)
    head = leaves(app).leaf_count()
    root = root_of(leaves(app).leaf_hashes(0, head))  # computed apart from the service's tree
    receipt = app.draw_expert_panel(P, APPLICANT, PROV, YEAR, 5, occurred_at=day(7, 6))
    (drawn,) = drawn_events(app)
    assert drawn.seed_source == draws.SEED_FROM_LOG == "log-head"
    assert (drawn.log_size, drawn.log_root) == (head, root.hex())
    unit = app.get_unit(APPLICANT).id
    assert drawn.seed == draws.panel_seed(
        head, root.hex(), drawn.originator_id, unit, drawn.candidates
    )
    assert {"X-AGENCY", "X-SELF", "X-OTHER", "E000"} <= set(drawn.pool or ())
    assert drawn.exclusions == [
        {"expert_id": "X-AGENCY", "employer_code": AGENCY, "reason": draws.EXCLUDED_AGENCY},
        {"expert_id": "X-SELF", "employer_code": APPLICANT, "reason": draws.EXCLUDED_APPLICANT},
    ]
    assert drawn.candidates == sorted(set(drawn.pool or ()) - {"X-AGENCY", "X-SELF"})
    assert draws.redraw_from_record(drawn) == drawn.panel == list(receipt.details["panel"])
    assert drawn.method == draws.PANEL_METHOD_FROM_LOG
    as_shown = next(e for e in app.round_history(PROV, YEAR) if e.type == "ExpertPanelDrawn")
    public = SimpleNamespace(**as_shown.data)  # the fields as the round's history shows them
    assert draws.redraw_from_record(public, round_id(PROV, YEAR)) == drawn.panel


def test_a15_2_a_record_whose_log_head_or_panel_was_altered_does_not_rerun_to_it(
    app: Greenlist,
) -> None:
    conflicted(app)
    app.draw_expert_panel(P, APPLICANT, PROV, YEAR, 5, occurred_at=day(7, 6))
    (drawn,) = drawn_events(app)
    fields: dict[str, Any] = vars(drawn)
    with pytest.raises(ValueError):
        draws.redraw_from_record(SimpleNamespace(**{**fields, "log_root": "00" * 32}))
    with pytest.raises(ValueError):
        draws.redraw_from_record(SimpleNamespace(**{**fields, "log_size": drawn.log_size - 1}))
    claimed = sorted(drawn.candidates)[:5]
    if claimed != drawn.panel:
        assert draws.redraw_from_record(SimpleNamespace(**{**fields, "panel": claimed})) != claimed


def test_a15_2_the_province_may_not_choose_the_seed(app: Greenlist) -> None:
    conflicted(app)
    with refused(app, "A15.2", versions(app, APPLICANT)):
        app.draw_expert_panel(P, APPLICANT, PROV, YEAR, 5, occurred_at=day(7, 6), seed="mine")
    assert drawn_events(app) == []


def test_a15_2_a_redraw_has_its_own_log_head_and_seed_and_is_recorded_with_its_reason(
    app: Greenlist,
) -> None:
    conflicted(app)
    app.draw_expert_panel(P, APPLICANT, PROV, YEAR, 5, occurred_at=day(7, 6))
    with refused(app, "A15.2", versions(app, APPLICANT)):
        app.draw_expert_panel(P, APPLICANT, PROV, YEAR, 5, occurred_at=day(7, 7))
    app.draw_expert_panel(P, APPLICANT, PROV, YEAR, 5, REDRAW_WHY, day(7, 7))
    first, again = drawn_events(app)
    assert again.log_size is not None and first.log_size is not None
    assert again.log_size > first.log_size  # the first draw is itself in the head of the second
    assert again.seed != first.seed
    assert (again.exceptions, again.justification) == (["A15.2"], REDRAW_WHY)
    assert (first.exceptions, first.justification) == ([], "")
    for event in (first, again):
        assert draws.redraw_from_record(event) == event.panel
    assert app.get_round(PROV, YEAR)["panels"][str(again.unit_id)] == again.panel


def test_a15_2_a_draw_recorded_with_the_provinces_seed_still_reads_and_reruns(
    app: Greenlist,
) -> None:
    """A draw stored before issue 12 (class_version 1: the caller's seed, no log head, pool or
    exclusions) decodes through the upcast: it says its seed was the caller's and re-runs."""
    conflicted(app)
    app.draw_expert_panel(P, APPLICANT, PROV, YEAR, 5, occurred_at=day(7, 6))
    stored = next(
        e
        for e in app.recorder.select_events(round_id(PROV, YEAR))
        if e.topic.endswith("ExpertPanelDrawn")
    )
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2
    for new in ("seed_source", "log_size", "log_root", "pool", "exclusions"):
        del state[new]
    state["seed"], state["method"] = "2025-panel-chosen", draws.PANEL_METHOD
    old_panel = draws.draw_panel("2025-panel-chosen", state["candidates"], state["size"])
    state["panel"] = old_panel
    v1 = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )
    old = cast(ExpertPanelDrawn, app.mapper.to_domain_event(v1))
    assert old.seed_source == draws.SEED_FROM_CALLER
    assert (old.log_size, old.log_root, old.pool, old.exclusions) == (None, None, None, None)
    assert draws.redraw_from_record(old) == old_panel
