"""One factory walked over HTTP alone from registration to the provincial list: register,
cultivate (A8-A9), evaluate (A12), municipal list (A13.1), round and quotas (A13.2), expert pool,
nomination (A14), preliminary and expert reviews (A15.1-2), site sample and inspection (A15.3),
notice and a rejected objection (A16.1), co-signatures and publication (A16.2)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from domain.aggregates.unit import unit_id
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, province, token
from tests.api.selection import ROUNDS, on

CODE = s.credit_code(61)
UNIT = f"/api/v1/units/{CODE}"
PROVINCIAL = "provincial"


class Caller:
    """One actor's requests; every one must succeed."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    def __call__(self, url: str, method: str = "POST", headers: Any = None, **body: Any) -> Any:
        response = self.client.open(
            url, method=method, json=body, headers={**self.headers, **(headers or {})}
        )
        assert response.status_code in (200, 201), (url, response.json)
        return response.json


def test_a_factory_goes_through_the_whole_selection_to_the_provincial_list(
    client: FlaskClient,
) -> None:
    bureau, jxt = Caller(client, city()), Caller(client, province())
    factory = Caller(client, enterprise(CODE))
    bureau(
        "/api/v1/units", credit_code=CODE, kind="factory", name="绿源工厂", occurred_at=on(1, 10)
    )
    bureau(f"{UNIT}/cultivation", year=2025, facts=s.FACTORY_FACTS, occurred_at=on(1, 11))
    factory(
        f"{UNIT}/evaluations",
        level=PROVINCIAL,
        year=2025,
        score=88.0,
        passed=True,
        content_hash=s.report_hash(CODE),
        occurred_at=on(2, 1),
    )
    bureau(f"{UNIT}/municipal-listing", occurred_at=on(3, 1))
    jxt("/api/v1/rounds", level=PROVINCIAL, year=2025, quotas={"330100": 3}, occurred_at=on(3, 2))
    for i in range(3):
        jxt(
            "/api/v1/experts",
            expert_id=f"E{i}",
            name=f"专家{i}",
            employer_code=s.credit_code(900 + i),
        )

    once = {"Idempotency-Key": "nominate-61"}
    bureau(f"{UNIT}/nominations", headers=once, level=PROVINCIAL, year=2025, occurred_at=on(6, 1))
    jxt(f"{UNIT}/preliminary-review", level=PROVINCIAL, passed=True, occurred_at=on(7, 5))
    panel = jxt(
        f"{UNIT}/expert-panel",
        level=PROVINCIAL,
        year=2025,
        size=3,
        occurred_at=on(7, 10),
    )
    assert sorted(panel["details"]["panel"]) == ["E0", "E1", "E2"]
    jxt(f"{UNIT}/expert-review", level=PROVINCIAL, passed=True, score=92.0, occurred_at=on(7, 20))
    sample = jxt(f"{ROUNDS}/site-sample", size=1, seed="sample-61", occurred_at=on(8, 1))
    assert sample["details"]["sample"] == [str(unit_id(CODE))]
    jxt(f"{UNIT}/site-inspection", level=PROVINCIAL, passed=True, occurred_at=on(8, 10))
    notice = jxt(f"{ROUNDS}/notice", occurred_at=on(9, 1))
    assert notice["details"]["last_day"] == "2025-09-15"

    # an objection that reached the province by letter (an objector files at the public
    # notice: tests/api/test_a16_1_public_notice.py)
    objection = jxt(
        f"{UNIT}/objections", level=PROVINCIAL, summary="能耗数据存疑", occurred_at=on(9, 3)
    )["details"]["objection_id"]
    jxt(
        f"{UNIT}/objections/{objection}",
        method="PUT",
        level=PROVINCIAL,
        upheld=False,
        justification="经核查数据真实",
        occurred_at=on(9, 8),
    )
    for department, sub in (("ndrc", "ndrc-staff-01"), ("eco_env", "sthjt-staff-01")):
        codept = Caller(client, token("codept", sub=sub, department=department))
        codept(f"{ROUNDS}/cosignatures", department=department, occurred_at=on(9, 12))

    etag = client.get(ROUNDS, headers=province()).headers["ETag"]
    published = jxt(f"{ROUNDS}/publication", headers={"If-Match": etag}, occurred_at=on(9, 16))
    assert published["details"]["listed"] == [str(unit_id(CODE))]
    standing = client.get(UNIT, headers=token("auditor")).json["standing"][PROVINCIAL]
    assert standing["status"] == "listed"
    assert client.get(ROUNDS, headers=city()).json["published_on"] == "2025-09-16"
