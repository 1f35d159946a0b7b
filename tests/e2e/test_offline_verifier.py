"""End to end (issue 10 item 3, its "show"): the offline verifier proving a decision's inclusion
from a checkpoint file and a proof fetched over HTTP, with the service stopped.

The real server (`greenlist serve`, SQLite) runs as a subprocess with a signing key made by
`greenlist log-key --generate`; a unit's first decisions are recorded over HTTP and
`greenlist checkpoint` (a subprocess, the operator's way) signs the log, twice. The auditor
fetches both checkpoints, the proof that the unit's municipal listing (its position read from
the unit's history) is in the latest one, and the proof that the latest extends the first; then
the server is stopped, and `auditlog/offline.py`, copied alone into an empty directory and run
with `python -I` there, checks them: exit 0, and 1 once a single byte of a proof is changed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import auditlog.offline
from simulation import scenarios as s
from tests.e2e.test_server import OPENER, SECRET, Server, running, tok

CODE = s.credit_code(4343, "330200")
CITY = CODE[2:6] + "00"
P = "provincial"


def cli(*args: str) -> list[str]:
    script = Path(sys.executable).parent / "greenlist"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "greenlist.cli"]
    return [*head, *args]


def run(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The service's settings: its store, token secret, test clock, checkpoint key (made first,
    with `greenlist log-key --generate`; its public half kept in `verifier.key`) and witness
    directory; the scheduler signs no checkpoint of its own (the operator runs
    `greenlist checkpoint`), so the checkpoints are exactly those this test asks for."""
    key = tmp_path / "log.key"
    settings = os.environ | {
        "GREENLIST_DATABASE_URL": f"sqlite:///{tmp_path}/store/e2e.db",
        "GREENLIST_JWT_SECRET": SECRET,
        "GREENLIST_TEST_CLOCK": "1",
        "GREENLIST_LOG_KEY_FILE": str(key),
        "GREENLIST_LOG_ORIGIN": "greenlist.e2e.test/log",
        "GREENLIST_CHECKPOINT_DIR": str(tmp_path / "witness"),
        "GREENLIST_CHECKPOINT_INTERVAL": "0",
    }
    made = run(cli("log-key", "--generate", str(key)), settings, tmp_path)
    assert made.returncode == 0, made.stderr
    assert "PRIVATE" not in made.stdout + made.stderr and oct(key.stat().st_mode)[-3:] == "600"
    (tmp_path / "verifier.key").write_text(made.stdout)
    return settings


@pytest.fixture
def server(tmp_path: Path, env: dict[str, str]) -> Iterator[Server]:
    (tmp_path / "store").mkdir()
    with running(tmp_path, env) as started:
        yield started


def text(server: Server, path: str) -> str:
    """A public text answer (the checkpoint), fetched without a token."""
    with OPENER.open(urllib.request.Request(server.base + path), timeout=30) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "text/plain"
        body: bytes = response.read()
    return body.decode("utf-8")


def raw(server: Server, path: str, token: str | None = None) -> bytes:
    """The bytes of a JSON answer, as the auditor saves them."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(server.base + path, headers=headers)
    with OPENER.open(request, timeout=30) as response:
        assert response.status == 200
        body: bytes = response.read()
    return body


def sign(env: dict[str, str], cwd: Path) -> None:
    signed = run(cli("checkpoint"), env, cwd)
    assert signed.returncode == 0, signed.stderr


def one_byte_changed(data: bytes, proof: dict[str, Any]) -> bytes:
    """The saved proof with one byte of its first proof hash changed (still valid base64 of
    32 bytes, so that only the proof's mathematics can catch it)."""
    first = proof["proof"][0]
    at = data.index(first.encode()) + 10
    changed = bytearray(data)
    changed[at] = ord("B") if changed[at] != ord("B") else ord("C")
    return bytes(changed)


def test_an_auditor_proves_a_decision_offline_with_the_service_stopped(
    server: Server, env: dict[str, str], tmp_path: Path
) -> None:
    verifier_key = (tmp_path / "verifier.key").read_text().strip()
    assert verifier_key.startswith("greenlist.e2e.test/log+")
    bureau = tok("city", CITY)
    enterprise, auditor = tok("enterprise", CITY, uscc=CODE), tok("auditor")
    unit = f"/api/v1/units/{CODE}"
    year = time.gmtime().tm_year + 1
    server.at(f"{year}-01-05T09:00:00+08:00")
    body = {"credit_code": CODE, "kind": "factory", "name": "宁波审计验证新材料有限公司"}
    server.call("POST", "/api/v1/units", body, bureau)
    server.at(f"{year}-01-10T10:00:00+08:00")
    facts = s.FACTORY_FACTS | {"site_region": "330206"}
    server.call("POST", f"{unit}/cultivation", {"year": year, "facts": facts}, bureau)
    sign(env, tmp_path)
    first_note = text(server, "/api/v1/log/checkpoint")

    server.at(f"{year}-02-01T10:00:00+08:00")
    report = {"level": P, "year": year, "content_hash": s.report_hash(CODE), "score": 88.5}
    server.call("POST", f"{unit}/evaluations", report | {"passed": True}, enterprise)
    server.at(f"{year}-03-01T10:00:00+08:00")
    server.call("POST", f"{unit}/municipal-listing", {}, bureau)
    sign(env, tmp_path)
    latest_note = text(server, "/api/v1/log/checkpoint")
    assert latest_note != first_note
    witness = sorted((tmp_path / "witness").glob("*.checkpoint"))
    assert [p.read_text(encoding="utf-8") for p in witness] == [first_note, latest_note]

    history = server.call("GET", f"{unit}/history", token=enterprise)["items"]
    decision = next(item for item in history if item["type"] == "MunicipallyListed")
    explained = server.call("GET", f"{unit}/decisions/{decision['version']}", token=auditor)
    assert explained["position"] == decision["position"]
    inclusion = f"/api/v1/log/proof/inclusion?position={decision['position']}&credit_code={CODE}"
    included = raw(server, inclusion, bureau)
    first_size = int(first_note.split("\n")[1])
    latest_size = int(latest_note.split("\n")[1])
    extended = raw(server, f"/api/v1/log/proof/consistency?from={first_size}&to={latest_size}")

    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0, server.log.read_text()
    with (
        pytest.raises(OSError),
        socket.create_connection(("127.0.0.1", int(server.base.rsplit(":", 1)[1])), 2),
    ):
        pass  # nothing answers any more

    auditor_dir = tmp_path / "auditor"
    auditor_dir.mkdir()
    verifier = auditor_dir / "offline.py"
    shutil.copyfile(auditlog.offline.__file__, verifier)
    files = {
        "key.txt": verifier_key.encode() + b"\n",
        "first.checkpoint": first_note.encode(),
        "latest.checkpoint": latest_note.encode(),
        "inclusion.json": included,
        "consistency.json": extended,
        "inclusion-altered.json": one_byte_changed(included, json.loads(included)),
        "consistency-altered.json": one_byte_changed(extended, json.loads(extended)),
    }
    for name, data in files.items():
        (auditor_dir / name).write_bytes(data)
    assert sorted(p.name for p in auditor_dir.iterdir()) == sorted([*files, "offline.py"])
    clean = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}  # nothing of the service

    def offline(*args: str) -> subprocess.CompletedProcess[str]:
        return run([sys.executable, "-I", "offline.py", *args], clean, auditor_dir)

    prove = ("inclusion", "--key", verifier_key, "--checkpoint", "latest.checkpoint")
    proven = offline(*prove, "inclusion.json")
    assert proven.returncode == 0, proven.stderr
    assert f"event {decision['position']} is leaf" in proven.stdout
    assert f"at size {latest_size}" in proven.stdout
    extend = ("consistency", "--key", "key.txt", "--old", "first.checkpoint")
    extends = offline(*extend, "--new", "latest.checkpoint", "consistency.json")
    assert extends.returncode == 0, extends.stderr
    assert f"extends its tree of size {first_size}" in extends.stdout

    for altered, why in (
        (offline(*prove, "inclusion-altered.json"), "does not lead to the root"),
        (
            offline(*extend, "--new", "latest.checkpoint", "consistency-altered.json"),
            "does not lead to the root",
        ),
        (offline(*prove[:-1], "first.checkpoint", "inclusion.json"), "not the checkpoint's"),
    ):
        assert altered.returncode == 1, (altered.stdout, altered.stderr)
        assert altered.stderr.startswith("FAILED") and why in altered.stderr, altered.stderr
