"""The verifiable log over HTTP (issue 10 item 3), as an auditor and as a stranger use it.

An auditor holds a signed checkpoint (`GET /api/v1/log/checkpoint`, public) and asks for the proof
that an event a decision or an audit-trail row names by its log position is in the tree that
checkpoint commits to (`/proof/inclusion`, with the event's stored bytes, from which the leaf is
recomputed), and that a later checkpoint extends an earlier one (`/proof/consistency`, public).
Every proof is checked with `auditlog.offline`, the auditor's own verifier, and every root
against a tree rebuilt here from the stored events themselves, never from the service's leaves.

One history per store (module scope, the read matrix's two sides: Hangzhou's HZ and Ningbo's
NB, their agencies, experts, round and a report against an agency), a checkpoint signed after
it, then more acts past the checkpoint: an old-style filing in HZ's stream (the retired
`ComplaintReceived`, whose actor is the filer), a refused write (on PostgreSQL it leaves a gap
in the positions) and a negative record."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from flask import Flask
from flask.testing import FlaskClient

from auditlog import offline
from auditlog.offline import (
    Checkpoint,
    ProofError,
    event_leaf_hash,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
)
from auditlog.signing import SignerKey
from auditlog.tree import root_of
from domain.aggregates.unit import unit_id
from domain.service import Greenlist
from greenlist.adapters.stores import LeafStore, StoredCheckpoint
from greenlist.vlog.checkpoints import checkpoint_path, write_checkpoint
from simulation import scenarios as s
from tests.api.conftest import city, enterprise, token
from tests.api.module_store import module_app, module_store
from tests.api.test_read_matrix import AGENCY, HZ, NB, history_of_two_sides
from tests.api.test_reporters_unlinked import old_style_filing

pytestmark = pytest.mark.stores("sqlite", "postgres")

PROBLEM = "application/problem+json"
LOG = "/api/v1/log"
INCLUSION = f"{LOG}/proof/inclusion"
CONSISTENCY = f"{LOG}/proof/consistency"
ORIGIN = "greenlist.test/log-proofs"
SEALED = (
    "domain.events.complaint:",
    "domain.events.unit:ComplaintReceived",
    "domain.events.objection:",
)
"""The topics of events that may identify a reporter (A23.1, domain.reporters)."""

AUDIT_READERS = {
    "province": token("province"),
    "inspector": token("inspector"),
    "auditor": token("auditor"),
}
HZ_READERS = {
    "enterprise/HZ": enterprise(HZ),
    "city/HZ": city("330100"),
    "agency/HZ": token("agency", "330100", agency=AGENCY),
}
"""Readers of HZ's record (api.access): the unit itself, its city, the agency that evaluated it."""
NB_READERS = {"enterprise/NB": enterprise(NB), "city/NB": city("330200")}


@dataclass(frozen=True)
class Event:
    """A stored event as the store holds it (its notification)."""

    position: int
    originator_id: UUID
    version: int
    topic: str
    state: bytes

    @property
    def leaf(self) -> bytes:
        return event_leaf_hash(
            self.position, self.originator_id, self.version, self.topic, self.state
        )


@dataclass
class Logged:
    app: Flask
    key: SignerKey
    checkpoint: Checkpoint
    note_file: Path
    events: list[Event]
    """Every stored event, in log order: leaf i is events[i]."""

    @property
    def client(self) -> FlaskClient:
        return self.app.test_client()

    def root(self, size: int) -> bytes:
        """The root of the first `size` leaves, rebuilt from the events' stored bytes."""
        return root_of([e.leaf for e in self.events[:size]])

    def index(self, position: int) -> int:
        return next(i for i, e in enumerate(self.events) if e.position == position)

    def of(self, originator: UUID) -> list[Event]:
        return [e for e in self.events if e.originator_id == originator]

    def sealed(self) -> list[Event]:
        return [e for e in self.events if e.topic.startswith(SEALED)]

    def gaps(self) -> list[int]:
        """Positions inside the log that hold no event."""
        held = {e.position for e in self.events}
        return [p for p in range(1, self.events[-1].position) if p not in held]


def stored_events(service: Greenlist) -> list[Event]:
    return [
        Event(n.id, UUID(str(n.originator_id)), n.originator_version, n.topic, bytes(n.state))
        for n in service.recorder.select_notifications(start=None, limit=10**6)
    ]


@pytest.fixture(scope="module")
def store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    yield from module_store(request, tmp_path_factory)


@pytest.fixture(scope="module")
def logged(store_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Logged]:
    app = module_app(store_url)
    service: Greenlist = app.extensions["greenlist"].service
    history_of_two_sides(service)
    key = SignerKey.generate(ORIGIN)
    witness = tmp_path_factory.mktemp("witness")
    checkpoint = write_checkpoint(service.recorder, key, witness)
    old_style_filing(service, s.enterprise_actor(NB), HZ)  # HZ's stream: a sealed event
    first = service.recorder.select_notifications(start=None, limit=1)[0]
    with pytest.raises(IntegrityError):  # a refused write: a gap in PostgreSQL's positions
        service.recorder.insert_events(
            [StoredEvent(first.originator_id, first.originator_version, first.topic, b"{}")]
        )
    s.record_ground(service, HZ, "A17.4", date(2025, 11, 2), date(2025, 11, 3))
    app.extensions["greenlist_runner"].catch_up()
    events = stored_events(service)
    assert checkpoint.size < len(events) == cast(LeafStore, service.recorder).leaf_count()
    yield Logged(app, key, checkpoint, checkpoint_path(witness, checkpoint.size), events)
    service.close()


def problem(response: Any, *statuses: int) -> dict[str, Any]:
    """The answer is a problem+json of one of `statuses`, with its messages in zh and en."""
    assert response.status_code in statuses, (response.status_code, response.json)
    assert response.content_type == PROBLEM
    body: dict[str, Any] = response.json
    assert body["status"] == response.status_code and body["detail"]
    assert body["messages"]["zh"] and body["messages"]["en"]
    assert isinstance(body["rules"], list)
    return body


def b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def checked_inclusion(logged: Logged, proof: dict[str, Any]) -> None:
    """The proof verifies, against a root rebuilt from the events, and its event (if shown)
    recomputes its leaf."""
    index, size = proof["leaf_index"], proof["tree_size"]
    assert logged.events[index].position == proof["position"]
    assert b64(proof["root"]) == logged.root(size)
    assert b64(proof["leaf_hash"]) == logged.events[index].leaf
    hashes = [b64(h) for h in proof["proof"]]
    verify_inclusion(index, size, b64(proof["leaf_hash"]), hashes, b64(proof["root"]))
    if proof["event"] is not None:
        event = proof["event"]
        leaf = event_leaf_hash(
            event["position"],
            UUID(event["originator_id"]),
            event["originator_version"],
            event["topic"],
            b64(event["state"]),
        )
        assert leaf == b64(proof["leaf_hash"]) and event["position"] == proof["position"]


def inclusion(logged: Logged, headers: dict[str, str], **query: Any) -> Any:
    return logged.client.get(INCLUSION, query_string=query, headers=headers)


# --- the checkpoint ----------------------------------------------------------------------------


def fresh_app(store_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Flask:
    """An app on a store of its own, of the module's kind (the module's store has its
    checkpoint already)."""
    fresh = (
        str(request.getfixturevalue("postgres_schema"))
        if store_url.startswith("postgresql")
        else f"sqlite:///{tmp_path}/fresh.db"
    )
    return module_app(fresh)


def test_the_checkpoint_is_a_404_until_one_is_signed_then_the_exact_signed_note(
    store_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    app = fresh_app(store_url, request, tmp_path)
    client, service = app.test_client(), app.extensions["greenlist"].service
    try:
        s.register_and_cultivate(service, s.credit_code(7))
        problem(client.get(f"{LOG}/checkpoint"), 404)
        key = SignerKey.generate(ORIGIN)
        first = write_checkpoint(service.recorder, key, tmp_path)
        answer = client.get(f"{LOG}/checkpoint")  # public: no token
        assert answer.status_code == 200 and answer.mimetype == "text/plain"
        note = answer.get_data(as_text=True)
        assert note == checkpoint_path(tmp_path, first.size).read_text(encoding="utf-8")
        assert verify_checkpoint(note, [key.verifier()]) == first
        assert first.size == len(stored_events(service)) and first.origin == ORIGIN
        with pytest.raises(ProofError):
            verify_checkpoint(note, [SignerKey.generate(ORIGIN).verifier()])
        s.register_and_cultivate(service, s.credit_code(8))
        second = write_checkpoint(service.recorder, key, tmp_path)
        latest = client.get(f"{LOG}/checkpoint", headers=token("auditor"))
        assert verify_checkpoint(latest.get_data(as_text=True), [key.verifier()]) == second
        assert second.size > first.size
    finally:
        service.close()


def test_a_log_shorter_than_its_checkpoint_is_named_not_a_500(
    store_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Leaves lost after a checkpoint was signed (a rollback): proofs against it cannot be
    made, and the answer says why instead of failing inside the tree."""
    app = fresh_app(store_url, request, tmp_path)
    client, service = app.test_client(), app.extensions["greenlist"].service
    try:
        s.register_and_cultivate(service, s.credit_code(9))
        leaves = cast(LeafStore, service.recorder)
        count = leaves.leaf_count()
        leaves.insert_checkpoint(StoredCheckpoint(count + 5, bytes(32), "forged\n"))
        auditor = token("auditor")
        body = problem(client.get(INCLUSION, query_string={"position": 1}, headers=auditor), 422)
        assert "greenlist verify" in body["detail"] and "greenlist verify" in body["messages"]["zh"]
        query = {"position": 1, "tree_size": count}
        assert client.get(INCLUSION, query_string=query, headers=auditor).status_code == 200
    finally:
        service.close()


def test_the_module_checkpoint_is_served_and_the_offline_verifier_accepts_it(
    logged: Logged, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = logged.client.get(f"{LOG}/checkpoint").get_data(as_text=True)
    assert note == logged.note_file.read_text(encoding="utf-8")
    assert logged.checkpoint.root == logged.root(logged.checkpoint.size)
    key = logged.key.verifier_key()
    assert offline.main(["checkpoint", "--key", key, str(logged.note_file)]) == 0
    assert f"at size {logged.checkpoint.size}" in capsys.readouterr().out


# --- inclusion ---------------------------------------------------------------------------------


def test_inclusion_proofs_of_every_event_verify_at_many_tree_sizes(logged: Logged) -> None:
    count = len(logged.events)
    auditor = AUDIT_READERS["auditor"]
    for index, event in enumerate(logged.events):
        sizes = {index + 1, (index + count) // 2 + 1, count}
        if index < logged.checkpoint.size:
            sizes.add(logged.checkpoint.size)
        for size in sorted(sizes):
            answer = inclusion(logged, auditor, position=event.position, tree_size=size)
            assert answer.status_code == 200, answer.json
            proof = answer.json
            assert (proof["leaf_index"], proof["tree_size"]) == (index, size)
            checked_inclusion(logged, proof)
            if not event.topic.startswith(SEALED):
                assert proof["event"]["originator_version"] == event.version
                assert proof["withheld"] is None


def test_the_default_tree_is_the_latest_checkpoints(logged: Logged) -> None:
    auditor = AUDIT_READERS["auditor"]
    covered = logged.events[logged.checkpoint.size - 1]
    proof = inclusion(logged, auditor, position=covered.position).json
    assert proof["tree_size"] == logged.checkpoint.size
    assert b64(proof["root"]) == logged.checkpoint.root
    checked_inclusion(logged, proof)
    later = logged.events[logged.checkpoint.size]  # recorded after the checkpoint
    refused = problem(inclusion(logged, auditor, position=later.position), 422)
    assert "tree_size" in refused["detail"]
    whole = inclusion(logged, auditor, position=later.position, tree_size=len(logged.events))
    checked_inclusion(logged, whole.json)


def test_the_offline_verifier_proves_a_decision_from_a_checkpoint_file(
    logged: Logged, tmp_path: Path
) -> None:
    """A decision cited by an auditor (HZ's publication-era decisions, read through its
    history) is proven against the checkpoint file; a changed byte anywhere fails."""
    history = logged.client.get(f"/api/v1/units/{HZ}/history", headers=enterprise(HZ)).json
    decision = next(i for i in history["items"] if i["type"] == "MunicipallyListed")
    answer = inclusion(logged, enterprise(HZ), position=decision["position"], credit_code=HZ)
    path = tmp_path / "proof.json"
    path.write_text(answer.get_data(as_text=True))
    key = logged.key.verifier_key()
    argv = ["inclusion", "--key", key, "--checkpoint", str(logged.note_file), str(path)]
    assert offline.main(argv) == 0
    proof = json.loads(path.read_text())
    state = bytearray(b64(proof["event"]["state"]))
    state[len(state) // 2] ^= 1
    proof["event"]["state"] = base64.b64encode(bytes(state)).decode()
    path.write_text(json.dumps(proof))
    assert offline.main(argv) == 1


BAD_INCLUSION: dict[str, tuple[dict[str, Any], int]] = {
    "position 0": ({"position": 0}, 422),
    "negative position": ({"position": -1}, 422),
    "position 2**63": ({"position": 2**63}, 422),
    "position 2**62 + 1": ({"position": 2**62 + 1}, 422),
    "position not an int": ({"position": "abc"}, 422),
    "position a fraction": ({"position": "1.5"}, 422),
    "position empty": ({"position": ""}, 422),
    "position missing": ({}, 422),
    "tree_size 0": ({"position": 1, "tree_size": 0}, 422),
    "tree_size negative": ({"position": 1, "tree_size": -5}, 422),
    "tree_size 2**64": ({"position": 1, "tree_size": 2**64}, 422),
    "tree_size not an int": ({"position": 1, "tree_size": "big"}, 422),
    "credit_code too long": ({"position": 1, "credit_code": "X" * 65}, 422),
}


@pytest.mark.parametrize("case", list(BAD_INCLUSION))
def test_bad_inclusion_queries_are_problems(logged: Logged, case: str) -> None:
    query, status = BAD_INCLUSION[case]
    problem(inclusion(logged, AUDIT_READERS["auditor"], **query), status)


def test_inclusion_beyond_the_log_or_outside_the_tree_is_refused(logged: Logged) -> None:
    auditor, count = AUDIT_READERS["auditor"], len(logged.events)
    last = logged.events[-1]
    problem(inclusion(logged, auditor, position=1, tree_size=count + 1), 422)
    problem(inclusion(logged, auditor, position=1, tree_size=2**62), 422)
    problem(inclusion(logged, auditor, position=last.position, tree_size=count - 1), 422)
    problem(inclusion(logged, auditor, position=last.position + 1), 404)
    problem(inclusion(logged, auditor, position=2**62), 404)


def test_a_position_without_an_event_is_a_404(logged: Logged, store_url: str) -> None:
    """PostgreSQL's positions have gaps (a refused write takes a number it never uses)."""
    gaps = logged.gaps()
    if store_url.startswith("postgresql"):
        assert gaps, "the refused write left no gap"
    for gap in gaps:
        for headers in (AUDIT_READERS["auditor"], AUDIT_READERS["inspector"]):
            problem(inclusion(logged, headers, position=gap), 404)
            problem(inclusion(logged, headers, position=gap, tree_size=len(logged.events)), 404)
        problem(inclusion(logged, enterprise(HZ), position=gap, credit_code=HZ), 404)


# --- who may read an event -----------------------------------------------------------------------


def test_the_audit_trails_readers_get_any_event(logged: Logged) -> None:
    size = len(logged.events)
    sides = (unit_id(HZ), unit_id(NB))
    others = [
        e for e in logged.events if e.originator_id not in sides and not e.topic.startswith(SEALED)
    ]
    samples = [logged.of(unit_id(HZ))[0], logged.of(unit_id(NB))[-1], others[0], others[-1]]
    for name, headers in AUDIT_READERS.items():
        for event in samples:
            proof = inclusion(logged, headers, position=event.position, tree_size=size).json
            assert proof["event"]["topic"] == event.topic, name
            assert b64(proof["event"]["state"]) == event.state
            checked_inclusion(logged, proof)


@pytest.mark.parametrize("reader", list(HZ_READERS))
def test_a_units_readers_get_its_events_by_naming_it_and_nothing_else(
    logged: Logged, reader: str
) -> None:
    headers, size = HZ_READERS[reader], len(logged.events)
    own = [e for e in logged.of(unit_id(HZ)) if not e.topic.startswith(SEALED)]
    for event in own:
        answer = inclusion(logged, headers, position=event.position, tree_size=size, credit_code=HZ)
        assert answer.status_code == 200, answer.json
        assert b64(answer.json["event"]["state"]) == event.state
        checked_inclusion(logged, answer.json)
    lower = inclusion(logged, headers, position=own[0].position, credit_code=HZ.lower())
    assert lower.status_code == 200, lower.json
    nb_event = logged.of(unit_id(NB))[0]
    round_event = next(e for e in logged.events if "round" in e.topic)
    details = set()
    for event in (nb_event, round_event):
        refused = inclusion(logged, headers, position=event.position, credit_code=HZ)
        body = problem(refused, 404)
        assert "event" not in body and "proof" not in body and "leaf_hash" not in body
        details.add(body["detail"].replace(str(event.position), "P"))
    beyond = logged.events[-1].position + 1
    details.add(
        problem(inclusion(logged, headers, position=beyond, credit_code=HZ), 404)["detail"].replace(
            str(beyond), "P"
        )
    )
    assert len(details) == 1, "another unit's event is told apart from no event"
    for event in (own[0], nb_event, round_event):  # without naming the unit: refused, whatever
        body = problem(inclusion(logged, headers, position=event.position), 403)
        assert body["rules"] == ["ID.3"]
    body = problem(inclusion(logged, headers, position=beyond), 403)
    assert body["rules"] == ["ID.3"]
    refused = inclusion(logged, headers, position=nb_event.position, credit_code=NB)
    assert problem(refused, 403)["rules"] == ["ID.3"]


@pytest.mark.parametrize("reader", list(NB_READERS))
def test_another_units_readers_are_refused_hz_events(logged: Logged, reader: str) -> None:
    headers = NB_READERS[reader]
    event = logged.of(unit_id(HZ))[0]
    for query in ({"credit_code": HZ}, {"credit_code": NB}, {}):
        answer = inclusion(logged, headers, position=event.position, **query)
        body = problem(answer, 403, 404)
        assert "event" not in body and "leaf_hash" not in body


def test_the_public_needs_a_token_for_events_but_not_for_checkpoints_and_consistency(
    logged: Logged,
) -> None:
    event = logged.of(unit_id(HZ))[0]
    for query in ({"position": event.position}, {"position": event.position, "credit_code": HZ}):
        answer = logged.client.get(INCLUSION, query_string=query)
        problem(answer, 401)
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert logged.client.get(f"{LOG}/checkpoint").status_code == 200
    answer = logged.client.get(CONSISTENCY, query_string={"from": 1, "to": 3})
    assert answer.status_code == 200, answer.json
    codept = inclusion(logged, token("codept", department="ndrc"), position=event.position)
    assert problem(codept, 403)["rules"] == ["ID.3"]


def test_a_filings_bytes_go_to_inspectors_only_yet_its_leaf_is_proven(
    logged: Logged, tmp_path: Path
) -> None:
    sealed = logged.sealed()
    topics = {e.topic.partition(":")[0] for e in sealed}
    expected = {"domain.events.complaint", "domain.events.objection", "domain.events.unit"}
    assert topics == expected, topics  # reports (A23.1), objections to the notice (A16.1)
    size = len(logged.events)
    for event in sealed:
        shown = inclusion(logged, AUDIT_READERS["inspector"], position=event.position).json
        if event.position > logged.events[logged.checkpoint.size - 1].position:
            shown = inclusion(
                logged, AUDIT_READERS["inspector"], position=event.position, tree_size=size
            ).json
        assert b64(shown["event"]["state"]) == event.state and shown["withheld"] is None
        checked_inclusion(logged, shown)
        for name in ("province", "auditor"):
            proof = inclusion(logged, AUDIT_READERS[name], position=event.position, tree_size=size)
            assert proof.status_code == 200, proof.json
            assert proof.json["event"] is None, name
            assert proof.json["withheld"]["zh"] and proof.json["withheld"]["en"]
            assert "A23.1" in proof.json["withheld"]["en"]
            text = proof.get_data(as_text=True)
            assert "王举报" not in text and "李举报" not in text
            checked_inclusion(logged, proof.json)
    received = next(e for e in sealed if e.topic.endswith("ComplaintReceived"))
    for headers in HZ_READERS.values():  # HZ's own stream: still withheld from its readers
        proof = inclusion(
            logged, headers, position=received.position, tree_size=size, credit_code=HZ
        )
        assert proof.status_code == 200 and proof.json["event"] is None, proof.json
        checked_inclusion(logged, proof.json)
    filed = next(e for e in sealed if e.topic.endswith("ComplaintFiled"))
    assert filed.position <= logged.events[logged.checkpoint.size - 1].position
    answer = inclusion(logged, AUDIT_READERS["auditor"], position=filed.position)
    path = tmp_path / "withheld.json"
    path.write_text(answer.get_data(as_text=True))
    key = logged.key.verifier_key()
    argv = ["inclusion", "--key", key, "--checkpoint", str(logged.note_file), str(path)]
    assert offline.main(argv) == 0


# --- consistency ---------------------------------------------------------------------------------


def test_consistency_proofs_verify_between_any_two_sizes(logged: Logged) -> None:
    count, held = len(logged.events), logged.checkpoint.size
    sizes = sorted({0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 31, 32, 33, held - 1, held, held + 1, count})
    for first in sizes:
        for second in (size for size in sizes if size >= first):
            answer = logged.client.get(CONSISTENCY, query_string={"from": first, "to": second})
            assert answer.status_code == 200, (first, second, answer.json)
            proof = answer.json
            assert (proof["from"], proof["to"]) == (first, second)
            roots = b64(proof["first_root"]), b64(proof["second_root"])
            assert roots == (logged.root(first), logged.root(second))
            hashes = [b64(h) for h in proof["proof"]]
            verify_consistency(first, second, *roots, hashes)
            if first in (0, second):
                assert hashes == []


def test_the_offline_verifier_proves_a_later_checkpoint_extends_the_module_one(
    logged: Logged, tmp_path: Path
) -> None:
    witness = tmp_path / "witness"
    witness.mkdir()
    (witness / logged.note_file.name).write_text(logged.note_file.read_text())
    service = logged.app.extensions["greenlist"].service
    new = write_checkpoint(service.recorder, logged.key, witness)
    query = {"from": logged.checkpoint.size, "to": new.size}
    path = tmp_path / "consistency.json"
    path.write_text(logged.client.get(CONSISTENCY, query_string=query).get_data(as_text=True))
    old_file, new_file = str(logged.note_file), str(checkpoint_path(witness, new.size))
    argv = ["consistency", "--key", logged.key.verifier_key(), "--old", old_file]
    assert offline.main([*argv, "--new", new_file, str(path)]) == 0
    assert offline.main([*argv, "--new", old_file, str(path)]) == 1


BAD_CONSISTENCY: dict[str, dict[str, Any]] = {
    "from missing": {"to": 3},
    "to missing": {"from": 1},
    "from negative": {"from": -1, "to": 3},
    "to negative": {"from": 0, "to": -3},
    "from not an int": {"from": "one", "to": 3},
    "to a fraction": {"from": 1, "to": "2.5"},
    "to 2**63": {"from": 1, "to": 2**63},
    "from larger than to": {"from": 5, "to": 4},
}


@pytest.mark.parametrize("case", list(BAD_CONSISTENCY))
def test_bad_consistency_queries_are_problems(logged: Logged, case: str) -> None:
    problem(logged.client.get(CONSISTENCY, query_string=BAD_CONSISTENCY[case]), 422)


def test_consistency_beyond_the_log_is_refused(logged: Logged) -> None:
    count = len(logged.events)
    for query in ({"from": 1, "to": count + 1}, {"from": count + 1, "to": count + 2}):
        problem(logged.client.get(CONSISTENCY, query_string=query), 422)
    problem(logged.client.get(CONSISTENCY, query_string={"from": 1, "to": 2**62}), 422)


# --- what reads say of the log ---------------------------------------------------------------


def leaves_up_to(logged: Logged, position: int) -> int:
    return sum(1 for e in logged.events if e.position <= position)


def test_the_published_list_names_the_tree_it_was_derived_from(logged: Logged) -> None:
    listed = logged.client.get("/api/v1/lists/provincial")
    assert listed.status_code == 200 and listed.json["items"]
    log = listed.json["log"]
    assert log["position"] == logged.events[-1].position  # the read model has caught up
    assert log["tree_size"] == leaves_up_to(logged, log["position"]) == len(logged.events)
    assert b64(log["root"]) == logged.root(log["tree_size"])
    link = {"from": logged.checkpoint.size, "to": log["tree_size"]}
    proof = logged.client.get(CONSISTENCY, query_string=link).json
    assert b64(proof["first_root"]) == logged.checkpoint.root
    verify_consistency(
        link["from"],
        link["to"],
        logged.checkpoint.root,
        b64(log["root"]),
        [b64(h) for h in proof["proof"]],
    )


def test_each_announcement_names_the_tree_up_to_its_event(logged: Logged) -> None:
    items = logged.client.get("/api/v1/announcements").json["items"]
    assert items
    for item in items:
        log = item["log"]
        assert log["position"] == item["position"]
        assert log["tree_size"] == leaves_up_to(logged, item["position"])
        assert b64(log["root"]) == logged.root(log["tree_size"])
        query = {"position": item["position"], "tree_size": log["tree_size"]}
        proof = logged.client.get(INCLUSION, query_string=query, headers=token("auditor")).json
        assert proof["root"] == log["root"] and proof["leaf_index"] == log["tree_size"] - 1
        checked_inclusion(logged, proof)


def test_history_decisions_and_the_audit_trail_name_the_same_positions(logged: Logged) -> None:
    client, auditor = logged.client, token("auditor")
    history = client.get(f"/api/v1/units/{HZ}/history", headers=enterprise(HZ)).json["items"]
    trail = client.get(
        "/api/v1/audit-trail", query_string={"unit": HZ, "limit": 500}, headers=auditor
    ).json["items"]
    hz = str(unit_id(HZ))  # the trail of a unit also names the other records about it
    by_version = {row["version"]: row["position"] for row in trail if row["aggregate_id"] == hz}
    rows = {(UUID(row["aggregate_id"]), row["version"]): row["position"] for row in trail}
    for (aggregate, version), position in rows.items():
        event = logged.events[logged.index(position)]
        assert (event.originator_id, event.version) == (aggregate, version)
    stream = logged.of(unit_id(HZ))
    assert [e.position for e in stream] == [item["position"] for item in history]
    assert by_version == {e.version: e.position for e in stream}
    for version, item in enumerate(history, start=1):
        decision = client.get(f"/api/v1/units/{HZ}/decisions/{version}", headers=city("330100"))
        assert decision.status_code == 200, decision.json
        assert decision.json["position"] == item["position"] == by_version[version]
    assert re.fullmatch(r"\d+", str(history[0]["position"]))
