"""A20.1 (第二十条: 名称变更或...重大变更的，应在填报动态管理表时予以说明): the changes of a
listed unit are declared in its yearly dynamic management form: the form carries them and each
is recorded as a `ChangeDeclared` of the same act, which the city re-checks (A20.2) as any
declared change (issue 12 item 7), on every store."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s
from simulation.scenarios import at
from tests.refusals import refused

P = Level.PROVINCIAL
INDICATORS: dict[str, Any] = {"energy_per_output": 0.41, "water_reuse": 0.93}
NEW_NAME = "浙江绿色动力科技有限公司"
CHANGES = [
    {"change_kind": "name", "description": "股东变更后更名", "new_name": NEW_NAME},
    {"change_kind": "address", "description": "新增钱塘区生产基地"},
]


def events(app: Greenlist, code: str, kind: str) -> list[Any]:
    return [e for e in app.unit_history(code) if e.type == kind]


def test_a20_1_changes_are_declared_in_the_yearly_form_and_rechecked_by_the_city(
    app: Greenlist,
) -> None:
    code = s.credit_code(2001)
    s.list_provincially(app, code)
    receipt = app.submit_dynamic_form(
        s.enterprise_actor(code),
        code,
        P,
        2025,
        INDICATORS,
        occurred_at=at(date(2026, 4, 1)),
        changes=CHANGES,
    )
    (form,) = events(app, code, "DynamicFormSubmitted")
    declared = events(app, code, "ChangeDeclared")
    ids = [str(i) for i in receipt.details["change_ids"]]
    assert form.data["declared_changes"] == ids and len(ids) == 2
    assert {"A18", "A20.1"} <= set(form.rules)
    assert [(e.data["change_kind"], str(e.data["change_id"])) for e in declared] == [
        ("name", ids[0]),
        ("address", ids[1]),
    ]
    assert declared[0].data["new_name"] == NEW_NAME and "A20.1" in declared[0].rules
    assert all(e.occurred_at == form.occurred_at for e in declared)  # the same act
    assert app.get_unit(code).forms == {"provincial/2025": "submitted"}

    city = s.city_actor("330100")
    app.recheck_change(city, code, ids[0], True, True, occurred_at=at(date(2026, 4, 20)))
    assert app.get_unit(code).name == NEW_NAME


def test_a20_1_a_rename_without_its_new_name_refuses_the_whole_form(app: Greenlist) -> None:
    code = s.credit_code(2002)
    s.list_provincially(app, code)
    with refused(app, "A20.1", code):
        app.submit_dynamic_form(
            s.enterprise_actor(code),
            code,
            P,
            2025,
            INDICATORS,
            occurred_at=at(date(2026, 4, 1)),
            changes=[{"change_kind": "name", "description": "更名", "new_name": " "}],
        )
    assert app.get_unit(code).forms == {}
