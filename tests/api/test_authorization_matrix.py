"""Who may do what (issue 4, lifecycle.md "Actors"): every role, in its own region and another
one where that applies, against every command of the API (each POST and PUT but the test
clock). A city bureau acts only on its own city's units (ID.3); enterprises and agencies only on
their own submissions; experts score only the units whose panel they were drawn onto (A15.2);
inspectors read everything and record only their on-site supervision (A15.2); auditors read
everything and change nothing; the public (no token) only files real-name reports (A23.1)
and objections to a notice (A16.1).

Every role also carries each region a token could claim (issue 9, item 2): its own city,
another city, the province 330000, a county 330106 and a code outside Zhejiang 110000. A token
whose role does not act for that region (a city bureau of 330000, a county or another province;
a province-wide role of a city; an enterprise of another city than its credit code's) is
refused for every command (401), nothing recorded; a region the role does act for acts as that
role there.

One prepared app per store (module scope): a unit of city 330100 registered and cultivated,
another nominated to the provincial round of 2025 with its panel of experts E000-E002 drawn, two
agencies registered and a report filed with city 330100. Each case asserts only the outcome
class: allowed (not refused for authorisation: any status but 401 and 403, a rule refusal
included) or refused (401 without a token; 403 problem+json for a wrong role, with ID.3 for a
wrong region or unit, A15.2 for an expert not drawn for the unit), and a refused request
records nothing."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import jwt
import pytest
from flask import Flask

from domain.values import Level
from simulation import scenarios as s
from tests.api.conftest import SECRET, city, enterprise, event_count, province, token
from tests.api.module_store import module_app, module_store

pytestmark = pytest.mark.stores("sqlite", "postgres")

TARGET = s.credit_code(1, "330100")
"""The unit acted on: registered and cultivated by city 330100."""
OTHER_UNIT = s.credit_code(2, "330200")
SCORED = s.credit_code(3, "330100")
"""The unit scored: nominated by city 330100, its panel (E000, E001, E002) drawn."""
AGENCY = s.credit_code(60, "330100")
OTHER_AGENCY = s.credit_code(61, "330200")

UNIT = "/api/v1/units/{code}"
ROUND = "/api/v1/rounds/{level}/{year}"
TEXT = "授权矩阵测试 authorization matrix"

COMMANDS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "register": (
        "POST",
        "/api/v1/units",
        {"credit_code": TARGET, "kind": "factory", "name": "示范工厂"},
    ),
    "members": ("PUT", UNIT + "/members", {"members": []}),
    "cultivate": ("POST", UNIT + "/cultivation", {"year": 2025, "facts": s.FACTORY_FACTS}),
    "evaluate": (
        "POST",
        UNIT + "/evaluations",
        {
            "level": "municipal",
            "year": 2025,
            "content_hash": s.report_hash(TEXT),
            "score": 88.0,
            "passed": True,
        },
    ),
    "list_municipally": ("POST", UNIT + "/municipal-listing", {}),
    "nominate": ("POST", UNIT + "/nominations", {"level": "provincial", "year": 2025}),
    "preliminary_review": (
        "POST",
        UNIT + "/preliminary-review",
        {"level": "provincial", "passed": True},
    ),
    "draw_panel": ("POST", UNIT + "/expert-panel", {"level": "provincial", "year": 2025}),
    "expert_review": (
        "POST",
        UNIT + "/expert-review",
        {"level": "provincial", "passed": True, "score": 90.0},
    ),
    "site_inspection": ("POST", UNIT + "/site-inspection", {"level": "provincial", "passed": True}),
    "raise_objection": ("POST", UNIT + "/objections", {"level": "provincial", "summary": TEXT}),
    "decide_objection": (
        "PUT",
        UNIT + "/objections/{objection_id}",
        {"level": "provincial", "upheld": False},
    ),
    "open_round": (
        "POST",
        "/api/v1/rounds",
        {"level": "provincial", "year": 2025, "quotas": s.ALL_QUOTAS},
    ),
    "set_quota": ("PUT", ROUND + "/quotas/{city}", {"quota": 10, "justification": "调整"}),
    "site_sample": ("POST", ROUND + "/site-sample", {"size": 0}),
    "score": ("POST", ROUND + "/units/{code}/scores", {"score": 85.0, "opinion": TEXT}),
    "supervise": (
        "POST",
        ROUND + "/supervision",
        {"activity": "expert_review", "notes": TEXT},
    ),
    "notice": ("POST", ROUND + "/notice", {}),
    "cosign": ("POST", ROUND + "/cosignatures", {"department": "ndrc"}),
    "publish": ("POST", ROUND + "/publication", {}),
    "adjustment_opinions": (
        "POST",
        ROUND + "/adjustment-opinions",
        {
            "opinions": [
                {"credit_code": TARGET, "change_ids": [str(uuid.UUID(int=1))], "action": "keep"}
            ]
        },
    ),
    "recommend_to_miit": ("POST", "/api/v1/rounds/national/{year}/recommendation", {}),
    "miit_outcome": (
        "POST",
        UNIT + "/miit-outcomes",
        {
            "year": 2025,
            "listed": True,
            "document_number": s.miit_document(2025),
            "occurred_at": "2024-07-01T10:00:00+08:00",
        },
    ),
    "migrate_national": (
        "POST",
        UNIT + "/miit-outcomes/migration",
        {"document_number": s.miit_document(2025)},
    ),
    "enrol_expert": (
        "POST",
        "/api/v1/experts",
        {"expert_id": "E-M01", "name": "专家", "employer_code": s.credit_code(990)},
    ),
    "record_negative": (
        "POST",
        UNIT + "/negative-records",
        {"ground": "A17.4", "occurred_on": "2024-06-01", "source": "信用中国", "description": TEXT},
    ),
    "end_negative": ("PUT", UNIT + "/negative-records/{record_id}/end", {"ended_on": "2025-01-05"}),
    "submit_form": (
        "POST",
        UNIT + "/dynamic-forms",
        {"level": "provincial", "year": 2024, "indicators": {"energy_per_output": 0.41}},
    ),
    "mark_overdue": ("POST", UNIT + "/dynamic-forms/{level}/{year}/overdue", {}),
    "declare_change": ("POST", UNIT + "/changes", {"change_kind": "scope", "description": TEXT}),
    "recheck_change": (
        "PUT",
        UNIT + "/changes/{change_id}/recheck",
        {"confirmed": True, "still_meets_standards": True},
    ),
    "decide_removal": (
        "POST",
        UNIT + "/removals",
        {"level": "municipal", "ground": "A19.1", "reason": TEXT},
    ),
    "report_accident": (
        "POST",
        UNIT + "/accidents",
        {"kind": "safety", "grade": "II", "occurred_on": "2025-01-05", "description": TEXT},
    ),
    "remove_after_accident": ("POST", UNIT + "/accidents/{accident_id}/removal", {}),
    "miit_removal": (
        "POST",
        UNIT + "/accidents/{accident_id}/miit-removal",
        {"document_number": "工信厅节函〔2025〕1号"},
    ),
    "rereview": ("POST", UNIT + "/rereviews", {"level": "municipal", "passed": True}),
    "register_agency": (
        "POST",
        "/api/v1/agencies",
        {
            "credit_code": AGENCY,
            "name": "浙江绿评",
            "legal_representative": "张评",
            "representative_id": s.representative_id("张评"),
        },
    ),
    "report_misconduct": ("POST", "/api/v1/agencies/{code}/misconduct", {"description": TEXT}),
    "change_representative": (
        "POST",
        "/api/v1/agencies/{code}/legal-representative",
        {"legal_representative": "王评", "representative_id": s.representative_id("王评")},
    ),
    "file_complaint": (
        "POST",
        "/api/v1/complaints",
        {
            "target_type": "agency",
            "target_code": AGENCY,
            "reporter_name": "王举报",
            "reporter_contact": "13800000000",
            "evidence": ["https://example.org/1.jpg"],
            "content": TEXT,
            "city": "330100",
        },
    ),
    "accept_complaint": ("PUT", "/api/v1/complaints/{complaint_id}/acceptance", {}),
    "file_objection": (
        "POST",
        "/api/v1/notices/{level}/{year}/objections",
        {
            "credit_code": TARGET,
            "objector_name": "王异议",
            "objector_contact": "13800000000",
            "evidence": ["https://example.org/2.jpg"],
            "grounds": TEXT,
        },
    ),
    "register_objection": ("PUT", "/api/v1/objections/{objection_id}/registration", {}),
    "decide_filed_objection": (
        "PUT",
        "/api/v1/objections/{objection_id}/decision",
        {"upheld": False, "reasons": TEXT},
    ),
    "verify_complaint": (
        "PUT",
        "/api/v1/complaints/{complaint_id}/verification",
        {"confirmed": False, "outcome": "unfounded"},
    ),
    "record_rectification": (
        "PUT",
        "/api/v1/complaints/{complaint_id}/rectification",
        {"rectified": True},
    ),
    # issue 14: a disclosure is an act with a reason; erasure by order
    "disclose_reporter": (
        "POST",
        "/api/v1/complaints/{complaint_id}/disclosures",
        {"reason": TEXT},
    ),
    "disclose_objector": (
        "POST",
        "/api/v1/objections/{objection_id}/disclosures",
        {"reason": TEXT},
    ),
    "erase_reporter": ("POST", "/api/v1/complaints/{complaint_id}/erasure", {"reason": TEXT}),
    "erase_objector": ("POST", "/api/v1/objections/{objection_id}/erasure", {"reason": TEXT}),
}
"""Each command: method, path template (as in the OpenAPI document) and a valid body."""
AT_AGENCY = frozenset({"report_misconduct"})
"""The commands whose `{code}` is the agency's, not the unit's."""
AT_SCORED = frozenset({"score"})
"""The commands whose `{code}` is the unit under expert review."""
BOUND_BY = {"score": "A15.2"}
"""The rule that bounds an actor to its own (a drawn expert to its units); ID.3 otherwise."""


@dataclass(frozen=True)
class Acts:
    """What a role may do: `own` on its own city's units or its own submissions only (elsewhere
    refused under ID.3), `anywhere` without such a bound."""

    own: frozenset[str] = frozenset()
    anywhere: frozenset[str] = frozenset()


def acts(own: str = "", anywhere: str = "") -> Acts:
    return Acts(frozenset(own.split()), frozenset(anywhere.split()))


OBJECT_AND_REPORT = "file_objection file_complaint"  # A16.1 object; A23.1 report
ROLES: dict[str, Acts] = {
    "enterprise": acts(
        own="register members evaluate submit_form declare_change", anywhere=OBJECT_AND_REPORT
    ),
    "agency": acts(own="register_agency", anywhere="evaluate " + OBJECT_AND_REPORT),
    "city": acts(
        own="register members cultivate list_municipally nominate record_negative end_negative"
        " recheck_change decide_removal report_accident rereview accept_complaint"
        " verify_complaint record_rectification adjustment_opinions disclose_reporter"
        " erase_reporter",
        anywhere="report_misconduct " + OBJECT_AND_REPORT,
    ),
    "province": acts(
        anywhere="register open_round set_quota preliminary_review draw_panel expert_review"
        " site_sample site_inspection notice decide_objection publish enrol_expert"
        " record_negative end_negative mark_overdue decide_removal remove_after_accident"
        " miit_removal register_agency report_misconduct change_representative recommend_to_miit"
        " miit_outcome migrate_national register_objection decide_filed_objection raise_objection"
        " disclose_objector erase_reporter erase_objector " + OBJECT_AND_REPORT
    ),
    "codept": acts(anywhere="cosign " + OBJECT_AND_REPORT),
    "expert": acts(own="score", anywhere=OBJECT_AND_REPORT),
    "inspector": acts(anywhere="supervise disclose_reporter disclose_objector"),
    "auditor": acts(),
}
"""lifecycle.md's actor table as the API enforces it (role -> commands)."""
PUBLIC = frozenset({"file_complaint", "file_objection"})
"""No token: filing a real-name report (A23.1), objecting to a unit under notice (A16.1)."""

HEADERS: dict[str, dict[str, str]] = {
    "enterprise/own": enterprise(TARGET),
    "enterprise/other": enterprise(OTHER_UNIT),
    "agency/own": token("agency", "330100", agency=AGENCY),
    "agency/other": token("agency", "330200", agency=OTHER_AGENCY),
    "city/own": city("330100"),
    "city/other": city("330200"),
    "province": province(),
    "codept": token("codept"),
    "expert/own": token("expert", sub="E000"),
    "expert/other": token("expert", sub="E999"),
    "inspector": token("inspector"),
    "auditor": token("auditor"),
    "none": {},
}
"""The actors: own = city 330100 / the target unit itself / the agency registered as AGENCY /
an expert drawn onto the panel of SCORED (other: an expert not drawn for it)."""

REGIONS = {
    "own-city": "330100",
    "other-city": "330200",
    "province": "330000",
    "county": "330106",
    "outside": "110000",
}
"""The regions a token may claim, for the region cells of the matrix (issue 9, item 2)."""
ACTS_FOR = {
    "city": {"330100": "own", "330200": "other"},
    "enterprise": {"330100": "own"},
    "agency": {"330100": "own", "330200": "own", "330000": "own"},
}
"""The regions each role's token may carry, and as whom it then acts (own or other); the
province-wide roles carry 330000 only. Any other region: the token is refused (401)."""


def forged(role: str, region: str) -> dict[str, str]:
    """A token signed with the server's secret, as `mint` would refuse to issue it."""
    now = int(time.time())
    claims = {"sub": f"{role}-{region}", "role": role, "region": region, "iat": now}
    claims |= {"exp": now + 600, "uscc": TARGET, "agency": AGENCY, "department": "ndrc"}
    return {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}


for _role in ROLES:
    for _where, _region in REGIONS.items():
        HEADERS[f"{_role}@{_where}"] = forged(_role, _region)


def region_cell(actor: str) -> str:
    """`role@where` as the plain actor it acts as (`role/own`, `role/other`, `role`), or
    `refused` when the token may not carry that region."""
    role, _, where = actor.partition("@")
    region = REGIONS[where]
    if role in ACTS_FOR:
        acting = ACTS_FOR[role].get(region)
        return f"{role}/{acting}" if acting else "refused"
    if region != "330000":
        return "refused"
    return "expert/other" if role == "expert" else role


def expected(actor: str, command: str) -> str:
    """allowed, unauthorized (401), role (403) or region (403, ID.3; A15.2 for a score)."""
    if "@" in actor:
        actor = region_cell(actor)
        if actor == "refused":
            return "unauthorized"
    role, _, where = actor.partition("/")
    if role == "none":
        return "allowed" if command in PUBLIC else "unauthorized"
    grants = ROLES[role]
    if command in grants.anywhere:
        return "allowed"
    if command in grants.own:
        return "allowed" if where != "other" else "region"
    return "role"


@pytest.fixture(scope="module")
def store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One store per module (overrides the per-test one); its kind comes from `stores`."""
    yield from module_store(request, tmp_path_factory)


def under_expert_review(service: Any, code: str) -> None:
    """Nominated to the provincial round of 2025, past the preliminary review, the panel of the
    pool's three experts drawn."""
    s.prepare_candidate(service, code)
    city_bureau = s.city_actor(code[2:6] + "00")
    service.list_municipally(city_bureau, code, occurred_at=s.at(date(2025, 3, 1)))
    service.nominate(city_bureau, code, Level.PROVINCIAL, 2025, occurred_at=s.at(date(2025, 6, 1)))
    s.ensure_experts(service, 3)
    service.record_preliminary_review(s.PROVINCE_ACTOR, code, Level.PROVINCIAL, True)
    service.draw_expert_panel(s.PROVINCE_ACTOR, code, Level.PROVINCIAL, 2025, 3)


@dataclass
class Prepared:
    app: Flask
    params: dict[str, Any]


@pytest.fixture(scope="module")
def prepared(store_url: str) -> Iterator[Prepared]:
    app = module_app(store_url)
    service = app.extensions["greenlist"].service
    s.register_and_cultivate(service, TARGET)
    s.register_and_cultivate(service, OTHER_UNIT)
    s.ensure_round(service, Level.PROVINCIAL, 2025)
    under_expert_review(service, SCORED)
    service.register_agency(
        s.PROVINCE_ACTOR, AGENCY, "浙江绿评", "张评", s.representative_id("张评")
    )
    service.register_agency(
        s.PROVINCE_ACTOR, OTHER_AGENCY, "甬城绿评", "李评", s.representative_id("李评")
    )
    complaint = service.file_complaint(
        s.PUBLIC,
        "agency",
        AGENCY,
        "王举报",
        "13800000000",
        ["https://example.org/0.jpg"],
        TEXT,
        city="330100",
    )
    params = {
        "code": TARGET,
        "level": "provincial",
        "year": 2025,
        "city": "330100",
        "complaint_id": complaint.aggregate_id,
        "objection_id": uuid.uuid4(),
        "record_id": uuid.uuid4(),
        "change_id": uuid.uuid4(),
        "accident_id": uuid.uuid4(),
    }
    yield Prepared(app, params)
    service.close()


def test_the_matrix_covers_every_command_of_the_api(prepared: Prepared) -> None:
    spec = prepared.app.test_client().get("/api/openapi.json").json
    commands = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in ("post", "put") and path != "/api/v1/test/clock"
    }
    assert {(method, path) for method, path, _ in COMMANDS.values()} == commands
    assert set(ROLES) | {"none"} == {
        actor.partition("/")[0] for actor in HEADERS if "@" not in actor
    }
    assert {a for a in HEADERS if "@" in a} == {f"{r}@{w}" for r in ROLES for w in REGIONS}


@pytest.mark.parametrize("actor", list(HEADERS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_role_may_do_only_its_own_acts(prepared: Prepared, command: str, actor: str) -> None:
    method, path, body = COMMANDS[command]
    client = prepared.app.test_client()
    before = event_count(prepared.app)
    params = {**prepared.params, **({"code": AGENCY} if command in AT_AGENCY else {})}
    params |= {"code": SCORED} if command in AT_SCORED else {}
    response = client.open(path.format(**params), method=method, json=body, headers=HEADERS[actor])
    outcome = expected(actor, command)
    if outcome == "allowed":
        assert response.status_code not in (401, 403), response.json
        return
    assert response.status_code == (401 if outcome == "unauthorized" else 403), response.json
    assert response.content_type == "application/problem+json"
    problem = response.json
    assert problem["status"] == response.status_code
    assert problem["title"] and problem["detail"]
    assert problem["messages"]["zh"] and problem["messages"]["en"]
    if outcome == "region":
        assert BOUND_BY.get(command, "ID.3") in problem["rules"]
    assert event_count(prepared.app) == before
