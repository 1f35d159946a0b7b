"""Who reads what (issue 9 item 2, object-level authorization; the policy is api.access's): every
role against every GET of the API that needs a token.

One history per store (module scope), symmetric in two sides: on the "own" side a Hangzhou
factory HZ evaluated by agency AGENCY (its legal representative 张评), its panel of experts
E000-E002; on the "other" side a Ningbo factory NB evaluated by OTHER_AGENCY (李评), its panel
E003-E005. Both nominated to, scored in, sampled, objected to and listed by the provincial
round of 2025, both with a negative record (A17.4) recorded in November; a real-name report
against AGENCY handled by Hangzhou. Each reader is on one side (the enterprise itself, its
agency, its city, an expert of its panel) or reads province-wide (province, co-signing
departments, inspector, auditor), or has no token.

Each cell asserts the outcome: 401 without a token; 403 problem+json naming ID.3 (A23.1 for a
reporter's identity) with zh/en messages; or 200 with exactly the sides the reader may see
(every value of the answer that names a unit, city, agency or expert is mapped to its side:
"own", "other", "shared" for a round's own deadlines, "elsewhere" for the other nine cities)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any, cast
from uuid import UUID

import pytest
from flask import Flask

from domain.aggregates.unit import unit_id
from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import PROVINCE, Actor, Level, Role, UnitKind
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, province, token
from tests.api.module_store import module_app, module_store

P = Level.PROVINCIAL
HZ = s.credit_code(1, "330100")
NB = s.credit_code(2, "330200")
AGENCY = s.credit_code(60, "330100")
OTHER_AGENCY = s.credit_code(61, "330200")
UNREGISTERED = s.credit_code(3, "330100")
SIDE = {"own": HZ, "other": NB}
TAGS: dict[str, str] = {
    HZ: "own",
    NB: "other",
    str(unit_id(HZ)): "own",
    str(unit_id(NB)): "other",
    "330100": "own",
    "330200": "other",
    AGENCY: "own",
    OTHER_AGENCY: "other",
    "张评": "own",
    "李评": "other",
    **{f"E00{i}": "own" for i in range(3)},
    **{f"E00{i}": "other" for i in range(3, 6)},
}
PROVINCE_WIDE = ("province", "codept", "inspector", "auditor")

READERS: dict[str, dict[str, str]] = {
    "enterprise/own": enterprise(HZ),
    "enterprise/other": enterprise(NB),
    "agency/own": token("agency", "330100", agency=AGENCY),
    "agency/other": token("agency", "330200", agency=OTHER_AGENCY),
    "city/own": city("330100"),
    "city/other": city("330200"),
    "province": province(),
    "codept": token("codept", department="ndrc"),
    "expert/own": token("expert", sub="E000"),
    "expert/other": token("expert", sub="E003"),
    "inspector": token("inspector"),
    "auditor": token("auditor"),
    "none": {},
}
"""own/other: the party of HZ / of NB (the unit itself, the agency that evaluated it, its
city bureau, an expert of its panel)."""


def tag(value: Any) -> str:
    return TAGS.get(str(value), "elsewhere") if value is not None else "shared"


def items(body: Any) -> list[dict[str, Any]]:
    return list(body["items"])


def codes(body: Any) -> set[str]:
    return {tag(r["credit_code"]) for r in items(body)}


def cities(body: Any) -> set[str]:
    return {tag(r["city"]) for r in items(body)}


def the_unit(body: Any) -> set[str]:
    """A unit's state, with its negative records (A17): the unit's side."""
    assert body["negatives"], "the negative records are part of the unit's record"
    return {tag(body["credit_code"])}


def history(body: Any) -> set[str]:
    types = [e["type"] for e in items(body)]
    assert "UnitRegistered" in types and "NegativeRecordAdded" in types, types
    return {tag(items(body)[0]["data"]["credit_code"])}


def a_round(body: Any) -> set[str]:
    """Every unit, city and expert a round's record names."""
    named = [*body["quotas"], *body["nominations"], *body["panels"], *(body["sample"] or [])]
    named += [e for panel in body["panels"].values() for e in panel]
    named += body["notice"]["unit_ids"]
    return {tag(v) for v in named}


def quotas(body: Any) -> set[str]:
    return {tag(q["city"]) for q in body["quotas"]}


def representatives(body: Any) -> set[str]:
    return {tag(r["legal_representative"]) for r in items(body)}


def objected(body: Any) -> set[str]:
    return {tag(r["unit_id"]) for r in items(body)}


def scorers(body: Any) -> set[str]:
    return {tag(r["expert_id"]) for r in items(body)}


def anything(body: Any) -> set[str]:
    return {"answered"}


@dataclass(frozen=True)
class Read:
    """A GET: its path (`{code}`, `{agency}`, `{city}` of the target side), who may read it
    (`audience`, see `expected`), what the answer shows (`seen`) and what a province-wide
    reader sees in it (`full`)."""

    path: str
    audience: str
    seen: Callable[[Any], set[str]] = anything
    full: frozenset[str] = frozenset({"own", "other"})
    targeted: bool = False


def read(path: str, audience: str, seen: Callable[[Any], set[str]] = anything, *full: str) -> Read:
    targeted = any(f"{{{k}}}" in path for k in ("code", "agency", "city"))
    return Read(path, audience, seen, frozenset(full or ("own", "other")), targeted)


ROUND = "/api/v1/rounds/provincial/2025"
EVERY_CITY = ("own", "other", "elsewhere")
READS: dict[str, Read] = {
    "unit": read("/api/v1/units/{code}", "unit", the_unit),
    "unit_as_of": read("/api/v1/units/{code}?as_of=2025-12-01T00:00:00Z", "unit", the_unit),
    "history": read("/api/v1/units/{code}/history", "unit", history),
    "decision": read("/api/v1/units/{code}/decisions/1", "unit", lambda b: {tag(b["credit_code"])}),
    "agency": read("/api/v1/agencies/{agency}", "agency", lambda b: {tag(b["credit_code"])}),
    "ledger": read("/api/v1/agency-ledger", "agencies", representatives),
    "performance": read("/api/v1/agency-performance", "agencies", codes),
    "pool": read("/api/v1/pools/{city}/2025", "units@city", codes),
    "pool_sizes": read("/api/v1/pools?year=2025", "cities", cities),
    "deadlines": read("/api/v1/deadlines", "units", codes, "own", "other", "shared"),
    "unit_search": read("/api/v1/units?q=9133", "units", codes),
    "forms": read("/api/v1/dynamic-forms/2025", "units", codes),
    "rereviews_due": read("/api/v1/rereviews-due?before=2031-01-01", "units", codes),
    "round": read(ROUND, "round", a_round, *EVERY_CITY),
    "round_summary": read(f"{ROUND}/summary", "province-wide", quotas, *EVERY_CITY),
    "nominations": read(f"{ROUND}/nominations", "units", codes),
    "quota_usage": read(f"{ROUND}/quota-usage", "cities", cities, *EVERY_CITY),
    "objections": read(f"{ROUND}/objections", "units", objected),
    "scores": read(f"{ROUND}/scores", "scores", scorers),
    "selection_rates": read("/api/v1/selection-rates?level=provincial", "cities", cities),
    "audit_trail": read(f"/api/v1/audit-trail?unit={HZ}&limit=5", "audit"),
    "supervision": read("/api/v1/supervision", "supervision"),
    "refusals": read("/api/v1/refusals?limit=5", "refusals"),
    "reporter": read("/api/v1/complaints/{complaint}", "reporter"),
    "objector": read("/api/v1/objections/{objection}", "objector"),
    "log_event": read(
        "/api/v1/log/proof/inclusion?position={position}&credit_code={code}",
        "unit",
        lambda b: {tag(b["event"]["originator_id"])},
    ),
    "log_any_event": read("/api/v1/log/proof/inclusion?position={registered}", "audit"),
}
"""Every GET of the API but the public ones (lists, announcements, the public notices, the log's
checkpoint and consistency proofs, health, metrics, docs). An event of the log (`log_event`, the
target side's registration) is read by the unit's readers naming the unit (`credit_code`), any
event (`log_any_event`) by the audit trail's."""

FIXED: dict[str, frozenset[str]] = {
    "audit": frozenset({"province", "inspector", "auditor"}),
    "supervision": frozenset({"inspector", "auditor"}),
    "refusals": frozenset(PROVINCE_WIDE),
    "reporter": frozenset({"city/own", "inspector"}),
    "objector": frozenset({"province", "inspector"}),
}
"""The reads kept to a few readers whatever the side: the audit trail, supervision and a
reporter's identity (A23.1: the handling city, here Hangzhou, and the inspectors) and an
objector's (A16.1: the province, which handles objections, and the inspectors)."""
SIDED = frozenset({"enterprise", "city"})
"""The readers of collections of units' rows, each seeing its own side's rows."""
AUDIENCES: dict[str, frozenset[str]] = {
    "units": SIDED,
    "units@city": SIDED,
    "cities": frozenset({"city"}),
    "agencies": frozenset({"agency"}),
    "round": SIDED | {"expert"},
    "scores": frozenset({"expert"}),
    "province-wide": frozenset(),
}
"""Who, besides the province-wide readers, reads each kind of collection (its own side)."""


def expected(reader: str, name: str, target: str) -> int | set[str]:
    """401, 403, or the sides the answer shows."""
    role, _, side = reader.partition("/")
    r = READS[name]
    if role == "none":
        return 401
    if r.audience in FIXED:
        return {"answered"} if {role, reader} & FIXED[r.audience] else 403
    if r.audience == "unit":
        return {target} if role in PROVINCE_WIDE or side == target else 403
    if r.audience == "agency":
        allowed = role in (*PROVINCE_WIDE, "city") or reader == f"agency/{target}"
        return {target} if allowed else 403
    if role in PROVINCE_WIDE:
        return {target} if r.audience == "units@city" else set(r.full)
    if role not in AUDIENCES[r.audience] or (r.audience == "units@city" and side != target):
        return 403
    return {side} | ({"shared"} & r.full)


@dataclass
class Prepared:
    app: Flask
    complaint: UUID
    objection: UUID
    registered: dict[str, int]
    """The log position of each side's registration (`UnitRegistered`)."""


@pytest.fixture(scope="module")
def store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One store per module and store kind (the kind from each test's `stores` mark)."""
    yield from module_store(request, tmp_path_factory)


def on(service: Greenlist, day: date) -> None:
    """Move the clock to 10:00 (Asia/Shanghai) of `day`: every act below is recorded when it
    happens (no act is dated after its recording)."""
    clock = service.clock
    assert isinstance(clock, SettableClock)
    clock.set(s.at(day).astimezone(UTC))


def history_of_two_sides(service: Greenlist) -> tuple[UUID, UUID]:
    """The history described in the module's docstring; returns the report's id and the id of
    the objection filed by the public against HZ."""
    hz_city, nb_city = s.city_actor("330100"), s.city_actor("330200")
    on(service, date(2025, 1, 10))
    service.register_agency(
        s.PROVINCE_ACTOR, AGENCY, "浙江绿评", "张评", s.representative_id("张评")
    )
    service.register_agency(
        s.PROVINCE_ACTOR, OTHER_AGENCY, "甬城绿评", "李评", s.representative_id("李评")
    )
    for i in range(6):  # employees of the other side's agency: each panel is its own side's
        employer = OTHER_AGENCY if i < 3 else AGENCY
        service.enrol_expert(s.PROVINCE_ACTOR, f"E00{i}", f"专家{i}", employer)
    for code, bureau in ((HZ, hz_city), (NB, nb_city)):
        service.register_unit(bureau, code, UnitKind.FACTORY, f"示范工厂{code[-4:]}")
    on(service, date(2025, 1, 11))
    for code, bureau in ((HZ, hz_city), (NB, nb_city)):
        service.cultivate(bureau, code, 2025, s.FACTORY_FACTS)
    on(service, date(2025, 2, 1))
    for code, agency in ((HZ, AGENCY), (NB, OTHER_AGENCY)):
        service.submit_evaluation(
            s.agency_actor(agency), code, P, 2025, s.report_hash(code), 88.0, True
        )
    on(service, date(2025, 3, 1))
    service.open_round(s.PROVINCE_ACTOR, P, 2025, s.ALL_QUOTAS)
    for code, bureau in ((HZ, hz_city), (NB, nb_city)):
        service.list_municipally(bureau, code)
    on(service, date(2025, 6, 1))
    for code, bureau in ((HZ, hz_city), (NB, nb_city)):
        service.nominate(bureau, code, P, 2025)
    on(service, date(2025, 7, 5))
    for code in (HZ, NB):
        service.record_preliminary_review(s.PROVINCE_ACTOR, code, P, True)
        service.draw_expert_panel(s.PROVINCE_ACTOR, code, P, 2025, 3)
    on(service, date(2025, 7, 10))
    for code, expert in ((HZ, "E000"), (NB, "E003")):
        service.score_unit(Actor(expert, Role.EXPERT, PROVINCE), P, 2025, code, 90.0, "好")
    on(service, date(2025, 7, 20))
    for code in (HZ, NB):
        service.record_expert_review(s.PROVINCE_ACTOR, code, P, True, 90.0)
    on(service, date(2025, 8, 1))
    service.draw_site_sample(s.PROVINCE_ACTOR, P, 2025, 2, seed="sample")
    for code in (HZ, NB):
        service.record_site_inspection(s.PROVINCE_ACTOR, code, P, True)
    on(service, date(2025, 9, 1))
    service.open_public_notice(s.PROVINCE_ACTOR, P, 2025)
    on(service, date(2025, 9, 5))
    for code, objector in ((HZ, NB), (NB, HZ)):
        raised = service.raise_objection(s.PROVINCE_ACTOR, code, P, f"{objector}的异议 objection")
        service.decide_objection(
            s.PROVINCE_ACTOR, code, P, raised.details["objection_id"], False, "不成立"
        )
    filed = service.file_objection(s.PUBLIC, P, 2025, HZ, "赵异议", "139", ["e.pdf"], "理由")
    service.register_objection(s.PROVINCE_ACTOR, filed.aggregate_id)
    service.decide_filed_objection(s.PROVINCE_ACTOR, filed.aggregate_id, False, "不成立")
    on(service, date(2025, 9, 20))
    service.cosign_publication(s.NDRC, P, 2025, "ndrc")
    service.cosign_publication(s.ECO_ENV, P, 2025, "eco_env")
    service.publish_round(s.PROVINCE_ACTOR, P, 2025)
    on(service, date(2025, 11, 1))
    for code in (HZ, NB):
        s.record_ground(service, code, "A17.4", date(2025, 10, 20), date(2025, 11, 1))
    report = service.file_complaint(
        s.PUBLIC, "agency", AGENCY, "王举报", "13800000000", ["a.jpg"], "造假", city="330100"
    )
    return report.aggregate_id, filed.aggregate_id


@pytest.fixture(scope="module")
def prepared(store_url: str) -> Iterator[Prepared]:
    app = module_app(store_url)
    service: Greenlist = app.extensions["greenlist"].service
    complaint, objection = history_of_two_sides(service)
    app.extensions["greenlist_runner"].catch_up()
    registered = {side: service.unit_history(code)[0].position for side, code in SIDE.items()}
    yield Prepared(app, complaint, objection, cast(dict[str, int], registered))
    service.close()


def path(prepared: Prepared, name: str, target: str) -> str:
    """The read's path for the target side."""
    params = {"code": SIDE[target], "city": "330100" if target == "own" else "330200"}
    params |= {"agency": AGENCY if target == "own" else OTHER_AGENCY}
    position, registered = prepared.registered[target], prepared.registered["own"]
    return READS[name].path.format(
        complaint=prepared.complaint,
        objection=prepared.objection,
        position=position,
        registered=registered,
        **params,
    )


def get(prepared: Prepared, name: str, reader: str, target: str) -> Any:
    client = prepared.app.test_client()
    return client.get(path(prepared, name, target), headers=READERS[reader])


def check(response: Any, name: str, reader: str, target: str) -> None:
    """The answer is the outcome `expected`: the sides seen, or the refusal with its rules."""
    outcome = expected(reader, name, target)
    if isinstance(outcome, set):
        assert response.status_code == 200, response.json
        assert READS[name].seen(response.json) == outcome
        return
    assert response.status_code == outcome, response.json
    assert response.content_type == "application/problem+json"
    problem = response.json
    assert problem["status"] == outcome and problem["detail"]
    assert problem["messages"]["zh"] and problem["messages"]["en"]
    if outcome == 403:
        rules = {"reporter": ["A23.1"], "objector": ["A16.1", "A23.1"]}.get(name, ["ID.3"])
        if reader.startswith("expert/") and READS[name].audience == "unit":
            rules.append("A15.2")  # what binds an expert to the units of its panels
        assert problem["rules"] == rules, problem


CELLS = [
    pytest.param(name, target, id=f"{name}@{target}" if READS[name].targeted else name)
    for name in READS
    for target in (("own", "other") if READS[name].targeted else ("own",))
]


@pytest.mark.stores("sqlite")
def test_the_matrix_covers_every_get_that_needs_a_token(prepared: Prepared) -> None:
    spec = prepared.app.test_client().get("/api/openapi.json").json
    gets = {
        path
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method == "get" and operation.get("security")
    }
    asked = [path(prepared, name, "own").split("?")[0] for name in READS]
    missing = {
        template
        for template in gets
        if not any(re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), p) for p in asked)
    }
    assert not missing
    assert {r.partition("/")[0] for r in READERS} == {*(r.value for r in Role), "none"} - {
        "public",
        "system",
    }


@pytest.mark.stores("sqlite")
@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(("name", "target"), CELLS)
def test_each_reader_reads_only_its_jurisdiction(
    prepared: Prepared, name: str, target: str, reader: str
) -> None:
    check(get(prepared, name, reader, target), name, reader, target)


SUBSET = (
    "unit",
    "history",
    "deadlines",
    "nominations",
    "round",
    "ledger",
    "quota_usage",
    "log_event",
)


@pytest.mark.stores("postgres")
@pytest.mark.parametrize("reader", list(READERS))
def test_the_same_on_postgresql(prepared: Prepared, reader: str) -> None:
    for name in SUBSET:
        for target in ("own", "other") if READS[name].targeted else ("own",):
            check(get(prepared, name, reader, target), name, reader, target)


@pytest.mark.stores("sqlite")
@pytest.mark.parametrize("reader", list(READERS))
def test_whether_a_unit_exists_is_told_only_to_its_readers(prepared: Prepared, reader: str) -> None:
    """A unit that is not registered is refused (403) to whoever could not read it if it were
    (its city is known from its code, ID.2), and 404 to the others: 403 reveals nothing."""
    client = prepared.app.test_client()
    response = client.get(f"/api/v1/units/{UNREGISTERED}", headers=READERS[reader])
    role = reader.partition("/")[0]
    if role == "none":
        assert response.status_code == 401
    elif role in PROVINCE_WIDE or reader == "city/own":
        assert response.status_code == 404, response.json
    else:
        assert response.status_code == 403, response.json
        assert "ID.3" in response.json["rules"]


@pytest.mark.stores("sqlite")
def test_a_city_asking_for_another_city_is_refused_not_answered_empty(prepared: Prepared) -> None:
    client = prepared.app.test_client()
    for path in (
        f"{ROUND}/nominations?city=330200",
        "/api/v1/pools?city=330200",
        "/api/v1/selection-rates?city=330200",
        "/api/v1/pools/330200/2025",
    ):
        response = client.get(path, headers=READERS["city/own"])
        assert response.status_code == 403 and "ID.3" in response.json["rules"], path
        assert client.get(path, headers=READERS["city/other"]).status_code == 200, path


@pytest.mark.stores("sqlite")
@pytest.mark.parametrize("reader", list(READERS))
def test_the_published_lists_announcements_and_log_hashes_stay_public(
    prepared: Prepared, reader: str
) -> None:
    client = prepared.app.test_client()
    listed = client.get("/api/v1/lists/provincial", headers=READERS[reader])
    assert listed.status_code == 200
    assert {r["credit_code"] for r in listed.json["items"]} == {HZ, NB}
    feed = client.get("/api/v1/lists/provincial/changes", headers=READERS[reader])
    assert {r["credit_code"] for r in feed.json["items"] if r["change"] == "added"} == {HZ, NB}
    announced = client.get("/api/v1/announcements", headers=READERS[reader])
    assert announced.status_code == 200 and announced.json["items"]
    extends = client.get("/api/v1/log/proof/consistency?from=1&to=3", headers=READERS[reader])
    assert extends.status_code == 200 and extends.json["proof"]
    unsigned = client.get("/api/v1/log/checkpoint", headers=READERS[reader])
    assert unsigned.status_code == 404, "public, and no checkpoint signed in this module"
