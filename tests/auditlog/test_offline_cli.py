"""An auditor's session: with only `auditlog/offline.py` copied out of the project, a verifier
key, two checkpoints and the proof files the API hands out, the command line says whether an event
is in the log and whether the log only grew; exit 0 only when all holds, 1 saying what failed, 2
on a usage error."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import auditlog.offline
from auditlog.offline import Checkpoint, event_leaf_hash, main
from auditlog.signing import SignerKey, sign_checkpoint
from auditlog.tree import LeafList, MerkleTree

ORIGIN = "greenlist.example/log"
REPO = Path(__file__).resolve().parents[2]


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class Log:
    """A small log of stored events (positions 1..n, leaf index = position - 1), its tree, and
    the signed checkpoints and proof files the service would give out."""

    def __init__(self, events: int) -> None:
        self.key = SignerKey(ORIGIN, bytes(range(32)))
        self.events = [
            {
                "position": position,
                "originator_id": str(uuid.UUID(int=position % 7 + 1)),
                "originator_version": position // 7 + 1,
                "topic": "domain.aggregates.unit:Unit.Listed" if position % 3 else "公示.Started",
                "state": b64(json.dumps({"n": position, "名称": "绿色工厂"}).encode()),
            }
            for position in range(1, events + 1)
        ]
        self.leaves = LeafList(self.leaf(e) for e in self.events)
        self.tree = MerkleTree(self.leaves)

    @staticmethod
    def leaf(event: dict[str, Any]) -> bytes:
        return event_leaf_hash(
            event["position"],
            uuid.UUID(event["originator_id"]),
            event["originator_version"],
            event["topic"],
            base64.b64decode(event["state"]),
        )

    def checkpoint(self, size: int) -> str:
        return sign_checkpoint(Checkpoint(ORIGIN, size, self.tree.root(size)), self.key)

    def inclusion(self, position: int, size: int) -> dict[str, Any]:
        index = position - 1
        return {
            "position": position,
            "leaf_index": index,
            "tree_size": size,
            "root": b64(self.tree.root(size)),
            "leaf_hash": b64(self.leaves.hashes(index, index + 1)[0]),
            "proof": [b64(h) for h in self.tree.inclusion_proof(index, size)],
            "event": dict(self.events[index]),
        }

    def consistency(self, size1: int, size2: int) -> dict[str, Any]:
        return {
            "from": size1,
            "to": size2,
            "first_root": b64(self.tree.root(size1)),
            "second_root": b64(self.tree.root(size2)),
            "proof": [b64(h) for h in self.tree.consistency_proof(size1, size2)],
        }


@pytest.fixture
def files(tmp_path: Path) -> Callable[..., str]:
    def write(name: str, content: str | dict[str, Any]) -> str:
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
        return str(path)

    return write


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_an_auditor_checks_a_checkpoint_an_event_and_the_growth_of_the_log(
    capsys: pytest.CaptureFixture[str], files: Callable[..., str]
) -> None:
    log = Log(300)
    vkey = files("greenlist.vkey", log.key.verifier_key() + "\n")
    old, new = files("old.cp", log.checkpoint(150)), files("new.cp", log.checkpoint(300))
    assert run(capsys, "checkpoint", "--key", vkey, new) == (
        0,
        f"OK: {ORIGIN} at size 300, root {b64(log.tree.root(300))}\n",
    )
    code, said = run(
        capsys, "inclusion", "--key", log.key.verifier_key(), "--checkpoint", new,
        files("inclusion.json", log.inclusion(123, 300)),
    )  # fmt: skip
    assert (code, said) == (0, f"OK: event 123 is leaf 122 of {ORIGIN} at size 300\n")
    consistency = files("consistency.json", log.consistency(150, 300))
    code, said = run(capsys, "consistency", "--key", vkey, "--old", old, "--new", new, consistency)
    assert (code, said) == (0, f"OK: {ORIGIN} at size 300 extends its tree of size 150\n")


def test_a_withheld_event_proves_its_leaf_and_says_so(
    capsys: pytest.CaptureFixture[str], files: Callable[..., str]
) -> None:
    """A reporter's filing (A23.1) comes without its bytes: the leaf hash alone is proven, and
    a wrong leaf hash still fails."""
    log = Log(40)
    new = files("new.cp", log.checkpoint(40))
    withheld = {**log.inclusion(7, 40), "event": None}
    code, said = run(
        capsys, "inclusion", "--key", log.key.verifier_key(), "--checkpoint", new,
        files("withheld.json", withheld),
    )  # fmt: skip
    assert code == 0 and "event withheld" in said
    forged = {**withheld, "leaf_hash": log.inclusion(8, 40)["leaf_hash"]}
    code, said = run(
        capsys, "inclusion", "--key", log.key.verifier_key(), "--checkpoint", new,
        files("forged.json", forged),
    )  # fmt: skip
    assert code == 1 and "FAILED" in said


def test_a_checkpoint_signed_by_another_key_or_altered_fails(
    capsys: pytest.CaptureFixture[str], files: Callable[..., str]
) -> None:
    log = Log(10)
    stranger = SignerKey.generate(ORIGIN).verifier_key()
    note = log.checkpoint(10)
    code, said = run(capsys, "checkpoint", "--key", stranger, files("a.cp", note))
    assert code == 1 and "no signature on the note is by a known key" in said
    altered = note.replace("\n10\n", "\n9\n", 1)
    code, said = run(capsys, "checkpoint", "--key", log.key.verifier_key(), files("b.cp", altered))
    assert code == 1 and "does not verify" in said
    assert run(capsys, "checkpoint", "--key", "nonsense", files("c.cp", note))[0] == 1


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda p: p["event"].update(topic="domain.aggregates.unit:Unit.Delisted"), "leaf_hash"),
        (lambda p: p["event"].update(state=b64(b"{}")), "leaf_hash"),
        (lambda p: p["event"].update(originator_version=2), "leaf_hash"),
        (lambda p: p.update(position=124), "position"),
        (lambda p: p.update(leaf_index=123), "does not lead to the root"),
        (lambda p: p.update(tree_size=299), "not the checkpoint's"),
        (lambda p: p.update(root=b64(bytes(32))), "not the checkpoint's"),
        (lambda p: p["proof"].pop(), "hashes"),
        (lambda p: p["proof"].reverse(), "does not lead to the root"),
        (lambda p: p.update(proof=[h.rstrip("=") for h in p["proof"]]), "base64"),
        (lambda p: p.pop("leaf_hash"), "leaf_hash"),
        (lambda p: p["event"].update(originator_id="not-a-uuid"), "UUID"),
        (lambda p: p["event"].update(position=-1), "out of range"),
        (lambda p: p.update(leaf_index=True), "leaf_index"),
    ],
)
def test_an_inclusion_proof_that_does_not_hold_fails_saying_why(
    capsys: pytest.CaptureFixture[str],
    files: Callable[..., str],
    change: Callable[[dict[str, Any]], object],
    says: str,
) -> None:
    log = Log(300)
    proof = log.inclusion(123, 300)
    change(proof)
    code, said = run(
        capsys, "inclusion", "--key", log.key.verifier_key(),
        "--checkpoint", files("cp", log.checkpoint(300)), files("p.json", proof),
    )  # fmt: skip
    assert code == 1 and said.startswith("FAILED: ") and says in said, said


def test_a_proof_against_another_checkpoint_fails(
    capsys: pytest.CaptureFixture[str], files: Callable[..., str]
) -> None:
    log = Log(300)
    vkey, proof = log.key.verifier_key(), files("p.json", log.inclusion(5, 200))
    code, said = run(
        capsys, "inclusion", "--key", vkey, "--checkpoint", files("cp", log.checkpoint(300)), proof
    )
    assert code == 1 and "tree_size" in said


@pytest.mark.parametrize(
    ("old", "new", "proof", "says"),
    [
        (300, 150, (150, 300), "not those of the two checkpoints"),  # swapped
        (100, 300, (150, 300), "not those of the two checkpoints"),
        (150, 300, (150, 299), "not those of the two checkpoints"),
    ],
)
def test_a_consistency_proof_that_does_not_hold_fails(
    capsys: pytest.CaptureFixture[str],
    files: Callable[..., str],
    old: int,
    new: int,
    proof: tuple[int, int],
    says: str,
) -> None:
    log = Log(300)
    code, said = run(
        capsys, "consistency", "--key", log.key.verifier_key(),
        "--old", files("old", log.checkpoint(old)), "--new", files("new", log.checkpoint(new)),
        files("p.json", log.consistency(*proof)),
    )  # fmt: skip
    assert code == 1 and says in said, said


def test_a_forked_log_fails_its_consistency_proof(
    capsys: pytest.CaptureFixture[str], files: Callable[..., str]
) -> None:
    """The operator rewrote event 42 after the old checkpoint: the new checkpoint and a proof
    built over the rewritten log do not extend the old one."""
    log, forked = Log(300), Log(300)
    forked.events[41]["state"] = b64(b'{"rewritten": true}')
    forked.leaves = LeafList(forked.leaf(e) for e in forked.events)
    forked.tree = MerkleTree(forked.leaves)
    proof = forked.consistency(150, 300)
    proof["first_root"] = b64(log.tree.root(150))
    code, said = run(
        capsys, "consistency", "--key", log.key.verifier_key(),
        "--old", files("old", log.checkpoint(150)), "--new", files("new", forked.checkpoint(300)),
        files("p.json", proof),
    )  # fmt: skip
    assert code == 1 and "does not lead to the root of size 150" in said, said


def test_unreadable_inputs_fail_and_bad_usage_is_exit_2(
    capsys: pytest.CaptureFixture[str], files: Callable[..., str], tmp_path: Path
) -> None:
    log = Log(3)
    vkey, cp = log.key.verifier_key(), files("cp", log.checkpoint(3))
    code, said = run(capsys, "inclusion", "--key", vkey, "--checkpoint", cp, files("p", "{"))
    assert code == 1 and "JSONDecodeError" in said
    code, said = run(capsys, "checkpoint", "--key", vkey, str(tmp_path / "missing"))
    assert code == 1 and "No such file" in said
    for args in ([], ["checkpoint", cp], ["inclusion", "--key", vkey, cp], ["verify"]):
        with pytest.raises(SystemExit) as exit_:
            main(args)
        assert exit_.value.code == 2


def test_the_file_runs_alone_as_a_script_and_as_a_module(tmp_path: Path) -> None:
    """Copied alone into an empty directory it runs with `python offline.py` (isolated mode: no
    project on the path); from the project `python -m auditlog.offline` works too."""
    log = Log(20)
    script = tmp_path / "offline.py"
    shutil.copy(auditlog.offline.__file__, script)
    (tmp_path / "cp").write_text(log.checkpoint(20), "utf-8")
    (tmp_path / "p.json").write_text(json.dumps(log.inclusion(7, 20)), "utf-8")
    vkey = log.key.verifier_key()
    alone = [sys.executable, "-I", str(script), "inclusion", "--key", vkey, "--checkpoint", "cp"]
    done = subprocess.run([*alone, "p.json"], cwd=tmp_path, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, f"OK: event 7 is leaf 6 of {ORIGIN} at size 20\n")
    module = [sys.executable, "-m", "auditlog.offline", "checkpoint", "--key", vkey]
    done = subprocess.run([*module, str(tmp_path / "cp")], cwd=REPO, capture_output=True)
    assert done.returncode == 0
    done = subprocess.run(module[:4], cwd=REPO, capture_output=True)
    assert done.returncode == 2
