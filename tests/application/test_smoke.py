"""The whole path of one factory to the provincial list, on every store."""

from domain.service import Greenlist
from domain.values import Level
from simulation import scenarios as s


def test_a_factory_reaches_the_provincial_list(app: Greenlist) -> None:
    code = s.credit_code(1)
    s.list_provincially(app, code)
    unit = app.get_unit(code)
    assert unit.status(Level.MUNICIPAL) == "listed"
    assert unit.status(Level.PROVINCIAL) == "listed"
    assert [e.type for e in app.unit_history(code)][-1] == "Listed"
