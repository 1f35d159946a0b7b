"""Identity and jurisdiction (ID.1-ID.3, domain.rules.identity) as pure functions."""

from __future__ import annotations

import pytest

from domain.errors import OutOfJurisdiction
from domain.rules import identity as c
from domain.values import CITIES, PROVINCE, Actor, Role
from simulation import scenarios as s
from tests.unit.rules.refusing import refused

# --- ID.1 ----------------------------------------------------------------------------------


def test_a_credit_code_with_a_wrong_check_character_is_refused() -> None:
    good = s.credit_code(1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert c.check_id1_credit_code(good) == good
    with refused("ID.1"):
        c.check_id1_credit_code(bad)


@pytest.mark.parametrize(
    "code", ["", "91330101000000001", "91330101000000001TT", "9133010A000000001T"]
)
def test_a_credit_code_of_the_wrong_length_or_format_is_refused(code: str) -> None:
    with refused("ID.1"):
        c.check_id1_credit_code(code)


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_a_unit_without_a_name_is_refused(name: str) -> None:
    with refused("ID.1"):
        c.check_id1_name(name)


def test_a_name_is_kept_trimmed() -> None:
    assert c.check_id1_name("  示范工厂 ") == "示范工厂"


# --- ID.2 ----------------------------------------------------------------------------------


def test_a_beijing_registration_is_refused() -> None:
    with refused("ID.2") as caught:
        c.check_id2_city("91110000600037341L")
    assert caught.value.codes == ("ID.2", "A9.1")


def test_a_province_level_registration_has_no_city_and_is_refused() -> None:
    with refused("ID.2"):
        c.check_id2_city(s.credit_code(1, "330000"))


@pytest.mark.parametrize("city", sorted(CITIES))
def test_each_of_the_eleven_cities_is_accepted(city: str) -> None:
    assert c.check_id2_city(s.credit_code(7, city)) == city


def test_a_county_registration_belongs_to_its_city() -> None:
    assert c.check_id2_city(s.credit_code(7, "330381")) == "330300"


# --- ID.3 ----------------------------------------------------------------------------------


def test_a_city_bureau_may_not_act_on_another_citys_unit() -> None:
    c.check_id3_jurisdiction(s.city_actor("330100"), "330100", Role.CITY)
    c.check_id3_jurisdiction(s.PROVINCE_ACTOR, "330200", Role.CITY, Role.PROVINCE)
    with refused("ID.3", OutOfJurisdiction):
        c.check_id3_jurisdiction(s.city_actor("330200"), "330100", Role.CITY)


def test_a_role_outside_the_act_is_refused() -> None:
    with refused("ID.3", OutOfJurisdiction):
        c.check_id3_jurisdiction(s.PUBLIC, "330100", Role.CITY, Role.PROVINCE)


def test_a_province_actor_must_act_for_the_province() -> None:
    impostor = Actor("x", Role.PROVINCE, "330100")
    with refused("ID.3", OutOfJurisdiction):
        c.check_id3_jurisdiction(impostor, PROVINCE, Role.PROVINCE)


def test_a_city_bureau_of_the_province_acts_nowhere() -> None:
    with refused("ID.3", OutOfJurisdiction):
        c.check_id3_jurisdiction(Actor("x", Role.CITY, PROVINCE), "330100", Role.CITY)


def test_an_enterprise_acts_only_for_itself() -> None:
    code, other = s.credit_code(1), s.credit_code(2)
    c.check_id3_acts_for_itself(s.enterprise_actor(code), code)
    c.check_id3_acts_for_itself(s.city_actor("330100"), code)  # others: the role table decides
    with refused("ID.3", OutOfJurisdiction):
        c.check_id3_acts_for_itself(s.enterprise_actor(other), code)


@pytest.mark.parametrize("role", [Role.CITY, Role.PROVINCE, Role.PUBLIC, Role.EXPERT])
def test_only_the_enterprise_or_an_agency_submits_a_report(role: Role) -> None:
    c.check_id3_submits_report(s.enterprise_actor(s.credit_code(1)))
    c.check_id3_submits_report(s.agency_actor(s.credit_code(600)))
    with refused("ID.3", OutOfJurisdiction):
        c.check_id3_submits_report(Actor("x", role, "330100"))


def test_only_the_handling_city_accepts_and_verifies_a_report() -> None:
    c.check_id3_handling_city(s.city_actor("330100"), "330100")
    for actor in (s.city_actor("330200"), s.PROVINCE_ACTOR, s.INSPECTOR):
        with refused("ID.3", OutOfJurisdiction):
            c.check_id3_handling_city(actor, "330100")
