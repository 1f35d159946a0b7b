"""Issue 14 item 4: rotating the key-encryption key (KEK) re-wraps every report's and
objection's data key without touching an event. Afterwards a service holding only the new KEK
discloses every identity to those entitled (A23.1, A16.1), the old KEK alone opens nothing, and
what was erased stays erased. Through the service, on every store."""

from __future__ import annotations

from datetime import date

import pytest

from domain.custody import KeyDestroyed
from domain.errors import Erased
from domain.service import Greenlist
from greenlist.vault import UnknownKey
from greenlist.vault.envelope import kek_id, new_data_key
from simulation import scenarios as s
from tests.application.rules_steps import day
from tests.custody_steps import (
    HANGZHOU,
    agency,
    objections,
    objector_name,
    report,
    reporter_name,
    vault_of,
    with_only,
)

REPORTERS = ["陈一", "林二", "张三"]
OBJECTORS = ["王四", "李五"]


def test_after_rotation_only_the_new_key_is_needed(app: Greenlist) -> None:
    against = agency(app)
    reports = [report(app, against, name, date(2025, 2, 1)) for name in REPORTERS]
    filed = objections(app, *OBJECTORS)
    shredded = reports[-1]
    app.erase_reporter_data(HANGZHOU, shredded, "举报人申请删除", occurred_at=day(9, 4))
    vault = vault_of(app)
    old, new = vault.ring.current, new_data_key()
    subjects = len(reports) + len(filed)
    assert vault.status().live == {kek_id(old): subjects - 1}
    size = s.log_size(app)

    assert vault.rotate(new) == subjects - 1
    assert s.log_size(app) == size  # not an event written
    assert vault.status().live == {kek_id(new): subjects - 1}
    assert vault.status().shredded == 1

    with_only(app, new)
    assert [reporter_name(app, r) for r in reports[:-1]] == REPORTERS[:-1]
    assert [objector_name(app, o) for o in filed] == OBJECTORS
    with pytest.raises(Erased):  # what was erased stays erased
        reporter_name(app, shredded)
    with pytest.raises(KeyDestroyed):
        vault_of(app).open(shredded, 1, "v1.AAAA")

    with_only(app, old)
    size = s.log_size(app)
    for complaint in reports[:-1]:
        with pytest.raises(UnknownKey):
            reporter_name(app, complaint)
    for objection in filed:
        with pytest.raises(UnknownKey):
            objector_name(app, objection)
    assert s.log_size(app) == size  # a disclosure that opened nothing recorded nothing


def test_a_rotation_run_again_rewraps_nothing_and_new_reports_use_the_new_key(
    app: Greenlist,
) -> None:
    against = agency(app)
    first = report(app, against, "陈一", date(2025, 2, 1))
    vault = vault_of(app)
    new = new_data_key()
    assert vault.rotate(new) == 1
    assert vault.rotate(new) == 0  # resumable: what is under the new KEK is left
    later = report(app, against, "林二", date(2025, 2, 2))  # wrapped under the new KEK
    assert vault.status().live == {kek_id(new): 2}
    with_only(app, new)
    assert [reporter_name(app, c) for c in (first, later)] == ["陈一", "林二"]
