"""Tamper evidence (issue 10): every kind of direct edit of the stored log is found by
`greenlist verify`, which names the first bad position and what is wrong; a clean store
verifies. Each test edits a store past the service (tests/vlog/tampering.py) after a checkpoint
was signed and held outside it, as the audit office would hold it."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from auditlog.offline import Checkpoint, event_leaf_hash
from auditlog.signing import SignerKey, sign_checkpoint
from domain.service import Greenlist
from greenlist import cli
from greenlist.vlog.checkpoints import LogDiverged, checkpoint_path, write_checkpoint
from greenlist.vlog.verify import Report, verify_store
from simulation import scenarios as s
from tests.vlog.tampering import Tamperer

pytestmark = pytest.mark.stores("sqlite", "postgres")

ORIGIN = "greenlist.test/zhejiang"


@pytest.fixture
def key() -> SignerKey:
    return SignerKey.generate(ORIGIN)


@pytest.fixture
def witness(tmp_path: Path) -> Path:
    return tmp_path / "witness"


@pytest.fixture
def recorded(app: Greenlist, key: SignerKey, witness: Path) -> list[Any]:
    """Two listed units, a checkpoint held outside the store, then one more unit: the log's
    events in order."""
    s.list_provincially_together(app, s.credit_code(11), s.credit_code(12))
    write_checkpoint(app.recorder, key, witness)
    s.register_and_cultivate(app, s.credit_code(13))
    write_checkpoint(app.recorder, key, witness)
    return list(app.recorder.select_notifications(start=None, limit=10**6))


def verify(app: Greenlist, key: SignerKey, witness: Path) -> Report:
    return verify_store(app.recorder, [key.verifier()], witness)


def only(report: Report, kind: str) -> None:
    assert report.findings, "the edit went unnoticed"
    assert {f.kind for f in report.findings} == {kind}, [str(f) for f in report.findings]


def test_a_clean_store_verifies(
    app: Greenlist, key: SignerKey, witness: Path, recorded: list[Any]
) -> None:
    report = verify(app, key, witness)
    assert report.ok, [str(f) for f in report.findings]
    assert report.events == report.leaves == len(recorded)
    assert report.checkpoints == 2


def test_a_byte_changed_in_a_state_is_altered_at_its_position(
    app: Greenlist, key: SignerKey, witness: Path, recorded: list[Any]
) -> None:
    target = recorded[len(recorded) // 2].id
    Tamperer(app).change_byte(target)
    report = verify(app, key, witness)
    only(report, "altered")
    assert report.first is not None and report.first.position == target


def test_a_forged_actor_is_altered_at_its_position(
    app: Greenlist, key: SignerKey, witness: Path, recorded: list[Any]
) -> None:
    target = recorded[7].id
    Tamperer(app).forge_actor(target, "someone-else")
    report = verify(app, key, witness)
    only(report, "altered")
    assert report.first is not None and report.first.position == target


def test_two_versions_swapped_are_reordered(
    app: Greenlist, key: SignerKey, witness: Path, recorded: list[Any]
) -> None:
    unit = recorded[0].originator_id
    first, second = [n.id for n in recorded if n.originator_id == unit][2:4]
    Tamperer(app).swap_states(first, second)
    report = verify(app, key, witness)
    only(report, "reordered")
    assert report.first is not None and report.first.position == first
    assert f"position {second}" in report.first.detail


def test_a_middle_row_deleted_is_missing_at_its_position(
    app: Greenlist, key: SignerKey, witness: Path, recorded: list[Any]
) -> None:
    target = recorded[10].id
    Tamperer(app).delete_event(target)
    report = verify(app, key, witness)
    only(report, "missing")
    assert report.first is not None and report.first.position == target


def test_the_tail_truncated_below_a_held_checkpoint_is_found(
    app: Greenlist, key: SignerKey, witness: Path, recorded: list[Any]
) -> None:
    """Events and their leaves deleted together: the store agrees with itself, only the held
    checkpoint shows that leaves are gone."""
    cut = recorded[-3].id
    Tamperer(app).truncate_from(cut)
    report = verify(app, key, witness)
    only(report, "truncated")
    assert report.first is not None and report.first.leaf == len(recorded) - 3
    with pytest.raises(LogDiverged):
        write_checkpoint(app.recorder, key, witness)


def test_a_checkpoint_re_signed_with_another_key_is_unsigned(
    app: Greenlist, key: SignerKey, witness: Path, recorded: list[Any]
) -> None:
    size = len(recorded)
    path = checkpoint_path(witness, size)
    other = SignerKey.generate(ORIGIN)
    forged = Checkpoint(ORIGIN, size, b"\x00" * 32)
    path.write_text(sign_checkpoint(forged, other), encoding="utf-8")
    report = verify(app, key, witness)
    only(report, "unsigned")


def test_an_event_and_its_leaf_rewritten_together_break_the_held_checkpoint(
    app: Greenlist, key: SignerKey, witness: Path, recorded: list[Any]
) -> None:
    """The forger recomputes the leaf too: the store agrees with itself, but not with the
    checkpoint held outside; the witness copy of the leaves names the first changed one."""
    victim = recorded[5]
    tamper = Tamperer(app)
    tamper.forge_actor(victim.id, "forger")
    forged = tamper.state(victim.id)
    digest = event_leaf_hash(
        victim.id, victim.originator_id, victim.originator_version, victim.topic, forged
    )
    tamper.set_leaf(victim.id, digest)
    report = verify(app, key, witness)
    only(report, "inconsistent")
    assert report.first is not None
    assert (report.first.leaf, report.first.position) == (5, victim.id)


def test_an_event_written_past_the_service_is_unlogged(
    app: Greenlist, key: SignerKey, witness: Path, recorded: list[Any]
) -> None:
    Tamperer(app).insert_event(str(uuid4()), 1, "domain.events.unit:Registered", b"{}")
    report = verify(app, key, witness)
    only(report, "unlogged")


def test_greenlist_verify_exits_0_only_when_all_holds(
    app: Greenlist,
    key: SignerKey,
    witness: Path,
    recorded: list[Any],
    store_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["verify", "--database-url", store_url, "--checkpoints", str(witness)]
    args += ["--key", key.verifier_key()]
    assert cli.main(args) == 0
    assert "verified" in capsys.readouterr().out
    target = recorded[3].id
    Tamperer(app).change_byte(target)
    assert cli.main(args) == 1
    said = capsys.readouterr().err
    assert f"first bad: altered at position {target}" in said


def test_no_checkpoint_is_signed_over_a_rewritten_log(
    app: Greenlist, key: SignerKey, witness: Path, recorded: list[Any]
) -> None:
    victim = recorded[2]
    tamper = Tamperer(app)
    tamper.change_byte(victim.id)
    state = tamper.state(victim.id)
    tamper.set_leaf(
        victim.id,
        event_leaf_hash(
            victim.id, victim.originator_id, victim.originator_version, victim.topic, state
        ),
    )
    s.register_and_cultivate(app, s.credit_code(14))
    with pytest.raises(LogDiverged):
        write_checkpoint(app.recorder, key, witness)
    assert not checkpoint_path(witness, app.recorder.max_notification_id() or 0).exists()
