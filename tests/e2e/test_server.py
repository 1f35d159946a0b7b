"""End to end: the real server (`greenlist serve`, gunicorn, SQLite, the read models following in
the worker) started as a subprocess the README's way, one unit taken over HTTP through its whole
path, from registration to the removal a confirmed report decides (A19.3, A23.2) taking effect
at the next annual publication, and the provincial list read as of three instants.

The test clock (GREENLIST_TEST_CLOCK=1) starts at the real now and only moves forward, so the
story happens in the coming years. The test is skipped, naming the endpoint, only if the server
answers that a path it needs does not exist (404/405 from routing)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from api.auth import mint
from simulation import scenarios as s

SECRET = "greenlist-e2e-secret-of-at-least-32-bytes-long"
Y = datetime.now(UTC).year + 1
CODE = s.credit_code(4242, "330200")
CITY = CODE[2:6] + "00"
P = "provincial"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def command(port: int) -> list[str]:
    script = Path(sys.executable).parent / "greenlist"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "greenlist.cli"]
    return [*head, "serve", "--host", "127.0.0.1", "--port", str(port)]


class Server:
    """The running server and a small HTTP client for it (stdlib urllib)."""

    def __init__(self, base: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.base, self.process, self.log = base, process, log

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        """The JSON answer of a request that must succeed (2xx)."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with OPENER.open(request, timeout=30) as response:
                code, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            code, raw = error.code, error.read()
        answer = json.loads(raw) if raw else None
        routed = not (code in (404, 405) and "requested URL" in str((answer or {}).get("detail")))
        if not routed:
            pytest.skip(f"the server has no endpoint {method} {path.split('?')[0]} yet")
        assert 200 <= code < 300, f"{method} {path}: {code} {answer}"
        return answer

    def at(self, instant: str) -> None:
        self.call("PUT", "/api/v1/test/clock", {"now": instant}, PROVINCE)


@contextmanager
def running(cwd: Path, env: dict[str, str]) -> Iterator[Server]:
    """`greenlist serve` on a free port with this environment, once `/health` answers 200
    (30 s at most); killed on the way out if it is still running."""
    port, log = free_port(), cwd / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command(port), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    started = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"the server exited:\n{log.read_text()}"
            try:
                with OPENER.open(started.base + "/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no /health after 30 s:\n{log.read_text()}"
            time.sleep(0.2)
        yield started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    env = os.environ | {
        "GREENLIST_DATABASE_URL": f"sqlite:///{tmp_path}/e2e.db",
        "GREENLIST_JWT_SECRET": SECRET,
        "GREENLIST_TEST_CLOCK": "1",
    }
    with running(tmp_path, env) as started:
        yield started


def tok(role: str, region: str = "330000", sub: str = "", **claims: str) -> str:
    return mint(SECRET, sub or f"{role}-{region}", role, region, **claims)


PROVINCE, CITY_BUREAU = tok("province"), tok("city", CITY)
ENTERPRISE, AUDITOR = tok("enterprise", CITY, uscc=CODE), tok("auditor")


def publish_round(server: Server, year: int, sample: int) -> dict[str, Any]:
    """Site sample, notice, the two co-signatures and the joint publication (A15.3-A16.2)."""
    rounds = f"/api/v1/rounds/{P}/{year}"
    server.at(f"{year}-08-01T10:00:00+08:00")
    drawn = server.call("POST", f"{rounds}/site-sample", {"size": sample, "seed": "e2e"}, PROVINCE)
    if sample:
        assert len(drawn["details"]["sample"]) == 1
        body = {"level": P, "passed": True, "notes": "现场核查一致"}
        server.call("POST", f"/api/v1/units/{CODE}/site-inspection", body, PROVINCE)
    server.at(f"{year}-09-01T10:00:00+08:00")
    server.call("POST", f"{rounds}/notice", {}, PROVINCE)
    server.at(f"{year}-09-20T10:00:00+08:00")
    for who, department in (("ndrc-1", "ndrc"), ("sthjt-1", "eco_env")):
        body = {"department": department}
        server.call(
            "POST", f"{rounds}/cosignatures", body, tok("codept", sub=who, department=department)
        )
    return server.call("POST", f"{rounds}/publication", {}, PROVINCE)


def listed(server: Server, instant: str, position: int) -> dict[str, str]:
    query = urllib.parse.urlencode({"as_of": instant, "wait_for": position, "limit": 500})
    page = server.call("GET", f"/api/v1/lists/{P}?{query}")
    return {row["credit_code"]: row["name"] for row in page["items"]}


def test_one_unit_from_registration_to_removal_over_http(server: Server) -> None:
    unit = f"/api/v1/units/{CODE}"
    server.at(f"{Y}-01-05T09:00:00+08:00")
    for i in range(5):
        expert = {
            "expert_id": f"E2E-{i}",
            "name": f"专家{i}",
            "employer_code": s.credit_code(900 + i),
        }
        server.call("POST", "/api/v1/experts", expert, PROVINCE)
    quotas = dict.fromkeys(s.ALL_QUOTAS, 3)
    server.call("POST", "/api/v1/rounds", {"level": P, "year": Y, "quotas": quotas}, PROVINCE)
    body = {"credit_code": CODE, "kind": "factory", "name": "宁波端到端新材料有限公司"}
    registered = server.call("POST", "/api/v1/units", body, CITY_BUREAU)
    server.at(f"{Y}-01-10T10:00:00+08:00")
    facts = s.FACTORY_FACTS | {"site_region": "330206"}
    server.call("POST", f"{unit}/cultivation", {"year": Y, "facts": facts}, CITY_BUREAU)
    server.at(f"{Y}-02-01T10:00:00+08:00")
    report = {"level": P, "year": Y, "content_hash": s.report_hash(CODE), "score": 88.5}
    server.call("POST", f"{unit}/evaluations", report | {"passed": True}, ENTERPRISE)
    server.at(f"{Y}-03-01T10:00:00+08:00")
    server.call("POST", f"{unit}/municipal-listing", {}, CITY_BUREAU)
    server.at(f"{Y}-06-01T10:00:00+08:00")
    server.call("POST", f"{unit}/nominations", {"level": P, "year": Y}, CITY_BUREAU)
    server.at(f"{Y}-07-05T10:00:00+08:00")
    review = {"level": P, "passed": True, "notes": "材料齐全"}
    server.call("POST", f"{unit}/preliminary-review", review, PROVINCE)
    server.at(f"{Y}-07-10T10:00:00+08:00")
    panel = {"level": P, "year": Y, "size": 3}  # A15.2: no seed: it derives from the log
    drawn = server.call("POST", f"{unit}/expert-panel", panel, PROVINCE)
    assert len(drawn["details"]["panel"]) == 3
    server.at(f"{Y}-07-20T10:00:00+08:00")
    server.call(
        "POST", f"{unit}/expert-review", {"level": P, "passed": True, "score": 91}, PROVINCE
    )
    published = publish_round(server, Y, sample=1)
    assert published["details"]["listed"] == [registered["id"]]

    server.at(f"{Y + 1}-03-01T10:00:00+08:00")
    form = {"level": P, "year": Y, "indicators": {"energy_per_output": 0.41}}
    server.call("POST", f"{unit}/dynamic-forms", form, ENTERPRISE)
    server.at(f"{Y + 1}-03-10T10:00:00+08:00")
    rename = {
        "change_kind": "name",
        "description": "更名",
        "new_name": "浙江端到端新材料股份有限公司",
    }
    change = server.call("POST", f"{unit}/changes", rename, ENTERPRISE)
    recheck = {"confirmed": True, "still_meets_standards": True}
    change_id = change["details"]["change_id"]
    server.call("PUT", f"{unit}/changes/{change_id}/recheck", recheck, CITY_BUREAU)
    server.at(f"{Y + 1}-03-20T10:00:00+08:00")
    complaint = {
        "target_type": "unit",
        "target_code": CODE,
        "reporter_name": "李娜",
        "reporter_contact": "13800000000",
        "evidence": ["照片.jpg"],
        "content": "夜间偷排废水",
    }
    filed = server.call("POST", "/api/v1/complaints", complaint)
    server.call("PUT", f"/api/v1/complaints/{filed['id']}/acceptance", {}, CITY_BUREAU)
    verdict = {"confirmed": True, "outcome": "removal", "notes": "属实"}
    server.call("PUT", f"/api/v1/complaints/{filed['id']}/verification", verdict, CITY_BUREAU)
    pending = server.call("GET", unit, token=AUDITOR)["standing"][P]
    assert pending["status"] == "listed" and pending["pending_removal"]

    server.call("POST", "/api/v1/rounds", {"level": P, "year": Y + 1, "quotas": quotas}, PROVINCE)
    annual = publish_round(server, Y + 1, sample=0)
    position = annual["position"]
    assert server.call("GET", unit, token=AUDITOR)["standing"][P]["status"] == "removed"

    before = listed(server, f"{Y}-09-19T12:00:00+08:00", position)
    during = listed(server, f"{Y + 1}-06-01T12:00:00+08:00", position)
    after = listed(server, f"{Y + 1}-09-21T12:00:00+08:00", position)
    assert CODE not in before
    assert during[CODE] == "宁波端到端新材料有限公司"  # the rename waits for the publication
    assert CODE not in after

    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0, server.log.read_text()
