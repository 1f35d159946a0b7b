"""Signed checkpoints of the log (c2sp.org/tlog-checkpoint v1.0.0, Ed25519 signed notes).

`greenlist checkpoint` (and the scheduler, on a schedule) signs the current tree size and root,
keeps the note in the store (public: `GET /api/v1/log/checkpoint`) and writes it to the witness
directory, outside the store, with a copy of the leaf hashes it covers (`leaves.bin`, 32 bytes
per leaf, in order) so that a later verification can name the first leaf that changed even if
the store's own leaves were rewritten too.

It never signs a log that no longer extends what it signed before: the latest held checkpoint
must still be the root of the first leaves of the tree (else `LogDiverged`, and the audit
office is told to run `greenlist verify`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from auditlog.offline import (
    Checkpoint,
    ProofError,
    VerifierKey,
    parse_checkpoint,
    verify_note,
)
from auditlog.signing import SignerKey, sign_checkpoint
from greenlist.adapters.stores import LeafStore, StoredCheckpoint
from greenlist.vlog.tree import tree_of

LEAVES_FILE = "leaves.bin"
SUFFIX = ".checkpoint"


class LogDiverged(Exception):
    """The log no longer extends the latest held checkpoint: nothing is signed."""


@dataclass(frozen=True)
class HeldCheckpoint:
    """A checkpoint file of the witness directory."""

    path: Path
    note: str


def checkpoint_path(directory: Path, size: int) -> Path:
    return directory / f"{size:012d}{SUFFIX}"


def held_checkpoints(directory: Path) -> list[HeldCheckpoint]:
    """The checkpoint files of a witness directory, smallest tree first."""
    if not directory.is_dir():
        return []
    files = sorted(p for p in directory.iterdir() if p.name.endswith(SUFFIX))
    return [HeldCheckpoint(p, p.read_text(encoding="utf-8")) for p in files]


def latest_held(directory: Path, keys: list[VerifierKey]) -> Checkpoint | None:
    """The largest held checkpoint that bears a valid signature of one of `keys`."""
    for held in reversed(held_checkpoints(directory)):
        try:
            return parse_checkpoint(verify_note(held.note, keys))
        except ProofError:
            continue
    return None


def write_checkpoint(recorder: object, key: SignerKey, directory: Path) -> Checkpoint:
    """Sign the log's current size and root, write the witness copy and keep the note in the
    store. Returns the checkpoint (the held one when the log has not grown)."""
    store = cast(LeafStore, recorder)
    tree = tree_of(recorder)
    size = store.leaf_count()
    keys = [key.verifier()]
    held = latest_held(directory, keys)
    if held is not None:
        if held.size > size:
            raise LogDiverged(
                f"the log holds {size} leaves but checkpoint {held.size} was signed: it was "
                f"truncated; run `greenlist verify` / 日志条目少于已签名检查点，疑被截断"
            )
        if tree.root(held.size) != held.root:
            raise LogDiverged(
                f"the first {held.size} leaves no longer have the root signed in checkpoint "
                f"{held.size}: run `greenlist verify` / 日志与已签名检查点不一致"
            )
        if held.size == size:
            return held
    checkpoint = Checkpoint(key.name, size, tree.root(size), ())
    note = sign_checkpoint(checkpoint, key)
    directory.mkdir(parents=True, exist_ok=True)
    _append_leaves(store, directory / LEAVES_FILE, size)
    _write_new(checkpoint_path(directory, size), note)
    store.insert_checkpoint(StoredCheckpoint(size, checkpoint.root, note))
    return checkpoint


def _append_leaves(store: LeafStore, path: Path, size: int) -> None:
    """Extend the witness copy of the leaf hashes to `size` leaves (it is only ever
    appended to; a copy longer than the log is left for the verifier to report)."""
    have = path.stat().st_size // 32 if path.exists() else 0
    if have >= size:
        return
    with path.open("ab") as file:
        file.truncate(have * 32)
        step = 10_000
        for start in range(have, size, step):
            file.write(b"".join(store.leaf_hashes(start, min(start + step, size))))
        file.flush()
        os.fsync(file.fileno())


def _write_new(path: Path, text: str) -> None:
    """Write a file atomically (a temporary file renamed), readable by all: checkpoints are
    public."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    with temporary.open("rb") as file:
        os.fsync(file.fileno())
    temporary.replace(path)
