"""ID.1 and A20.1: a unit's name, at registration and when it changes, is visible text. A
control or invisible character (a tab, a line break, U+2028, a byte-order mark, a zero-width
space) would put on a published list a name nobody can read, tell apart or copy intact; found
by an outside attack (2026-12-05), tokens' claims being held to this already. Every store."""

from __future__ import annotations

import pytest

from domain.service import Greenlist
from domain.values import UnitKind
from simulation import scenarios as s
from tests.refusals import refused

HIDDEN = ["\t", "\n", "\x01", "\x7f", "\u2028", "\ufeff", "\u200b"]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_id1_a_name_with_a_hidden_character_is_refused_and_nothing_recorded(
    app: Greenlist, hidden: str
) -> None:
    code = s.credit_code(7101)
    with refused(app, "ID.1") as caught:
        app.register_unit(s.city_actor(), code, UnitKind.FACTORY, f"绿色{hidden}工厂")
    assert f"U+{ord(hidden):04X}" in caught.value.en


def test_id1_visible_names_are_taken_trimmed(app: Greenlist) -> None:
    """Chinese, Latin, digits, brackets and spaces inside a name stay; spaces around it go."""
    code = s.credit_code(7102)
    name = "浙江（杭州）Green 低碳科技 2号 有限公司"
    app.register_unit(s.city_actor(), code, UnitKind.FACTORY, f"  {name} ")
    assert app.get_unit(code).name == name


@pytest.mark.parametrize("hidden", ["\u2028", "\r\n"])
def test_a20_1_a_new_name_with_a_hidden_character_is_refused(app: Greenlist, hidden: str) -> None:
    code = s.credit_code(7103)
    s.list_provincially(app, code)
    with refused(app, "A20.1", code):
        app.declare_change(
            s.enterprise_actor(code), code, "name", "更名", new_name=f"新名称{hidden}有限公司"
        )
