"""`greenlist verify`: is the stored log the log that was recorded?

It recomputes every event's leaf from its stored row, compares it with the leaf written in the
event's transaction, rebuilds the tree from the leaves and checks every held checkpoint (its
signature, its root, its consistency with the next). It names the first bad position and what is
wrong with it:

- `altered`: an event's stored bytes (its state, topic, aggregate or version) are not those its
  leaf was computed from;
- `reordered`: an event's bytes are those of another leaf's event or version (rows or versions
  swapped);
- `missing`: a leaf whose event is gone, or leaf numbers with a gap (rows deleted);
- `unlogged`: an event without a leaf (written past the service);
- `truncated`: a held checkpoint commits to more leaves than the log has (a rollback);
- `unsigned`: a held checkpoint without a valid signature of a known key;
- `inconsistent`: a held checkpoint whose root is not the root of the log's first leaves
  (leaves rewritten), or that the next one does not extend.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from auditlog.offline import (
    ProofError,
    VerifierKey,
    event_leaf_hash,
    parse_checkpoint,
    verify_consistency,
    verify_note,
)
from auditlog.tree import LeafList, MerkleTree
from greenlist.adapters.stores import Leaf, LeafStore
from greenlist.vlog.checkpoints import LEAVES_FILE, held_checkpoints

BATCH = 5_000
MAX_FINDINGS = 1_000


@dataclass(frozen=True, order=True)
class Finding:
    """What is wrong, where: `position` (the event's notification id) and `leaf` (its index in
    the tree), either of which may be unknown."""

    leaf: int
    position: int
    kind: str
    detail: str

    def __str__(self) -> str:
        where = f"position {self.position}" if self.position >= 0 else "position ?"
        leaf = f"leaf {self.leaf}" if self.leaf >= 0 else "leaf ?"
        return f"{self.kind} at {where} ({leaf}): {self.detail}"


@dataclass
class Report:
    events: int = 0
    leaves: int = 0
    root: bytes = b""
    checkpoints: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return min(self.findings) if self.findings else None


def _events(recorder: Any) -> Iterator[Any]:
    last: int | None = None
    while True:
        batch = recorder.select_notifications(start=last, limit=BATCH, inclusive_of_start=False)
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def _leaves(store: LeafStore) -> Iterator[Leaf]:
    start = 0
    while True:
        batch = store.select_leaves(start, BATCH)
        if not batch:
            return
        yield from batch
        start = batch[-1].index + 1


def verify_store(
    recorder: object, keys: Sequence[VerifierKey], witness: Path | None = None
) -> Report:
    """Verify the store's events and leaves, then every checkpoint held in `witness`.

    One merged walk over the events and the leaves, both in log order. The common case (the
    event at the leaf's position) is tested first and kept lean: this loop is most of what
    `greenlist verify` costs beyond reading the rows (bench.verify_log)."""
    store = cast(LeafStore, recorder)
    report = Report()
    findings = report.findings
    hashes: list[bytes] = []
    positions = array("q")
    mismatched: list[tuple[Any, Leaf]] = []
    events, leaves = _events(recorder), _leaves(store)
    event, leaf = next(events, None), next(leaves, None)
    expected = 0
    last_position = 0
    matched = 0
    leaf_hash_of = event_leaf_hash
    while event is not None or leaf is not None:
        if event is not None and leaf is not None and event.id == leaf.position:
            matched += 1
            index, position = leaf.index, leaf.position
            wrong = False
            if index != expected or (position <= last_position and index > 0):
                _check_numbering(report, leaf, expected, last_position)
                wrong = True
            expected, last_position = index + 1, position
            hashes.append(leaf.hash)
            positions.append(position)
            if leaf.hash != leaf_hash_of(
                position, event.originator_id, event.originator_version, event.topic, event.state
            ):
                mismatched.append((event, leaf))
                wrong = True
            event, leaf = next(events, None), next(leaves, None)
            if wrong and len(findings) + len(mismatched) > MAX_FINDINGS:
                break
            continue
        if leaf is not None and (event is None or leaf.position < event.id):
            report.leaves += 1
            _check_numbering(report, leaf, expected, last_position)
            expected, last_position = leaf.index + 1, leaf.position
            hashes.append(leaf.hash)
            positions.append(leaf.position)
            findings.append(
                Finding(leaf.index, leaf.position, "missing", "the event of this leaf is gone")
            )
            leaf = next(leaves, None)
        else:
            assert event is not None
            report.events += 1
            findings.append(
                Finding(
                    -1,
                    event.id,
                    "unlogged",
                    "an event without a leaf: written past the service, or its leaf was deleted",
                )
            )
            event = next(events, None)
        if len(findings) + len(mismatched) > MAX_FINDINGS:
            break
    report.events += matched
    report.leaves += matched
    findings.extend(_classify(mismatched))
    leaf_list = LeafList(hashes)
    tree = MerkleTree(leaf_list)
    report.root = tree.root(leaf_list.size())
    if witness is not None:
        _check_checkpoints(report, tree, leaf_list, positions, keys, witness)
    findings.sort()
    return report


def _check_numbering(report: Report, leaf: Leaf, expected: int, last_position: int) -> None:
    if leaf.index != expected:
        report.findings.append(
            Finding(
                expected,
                last_position,
                "missing",
                f"leaves {expected}..{leaf.index - 1} are gone (rows deleted)",
            )
        )
    if leaf.position <= last_position and leaf.index > 0:
        report.findings.append(
            Finding(leaf.index, leaf.position, "reordered", "leaf positions go backwards")
        )


def _classify(mismatched: list[tuple[Any, Leaf]]) -> list[Finding]:
    """Each changed event is `reordered` when its bytes are those recorded for another changed
    leaf (states or rows swapped, moved to another position) or differ from its own record
    only by another changed event's version or topic (versions swapped); else `altered`."""
    found = []
    others = mismatched[:64]
    for event, leaf in mismatched:
        source = _source(event, leaf, others)
        if source is not None:
            found.append(
                Finding(
                    leaf.index,
                    leaf.position,
                    "reordered",
                    f"its stored bytes are those "
                    f"recorded at position {source[0]} as version {source[1]}",
                )
            )
        else:
            found.append(
                Finding(
                    leaf.index,
                    leaf.position,
                    "altered",
                    "its stored bytes are not those recorded (changed after it was written)",
                )
            )
    return found


def _source(event: Any, leaf: Leaf, others: list[tuple[Any, Leaf]]) -> tuple[int, int] | None:
    """Where the bytes of a changed event were recorded, if at another changed leaf."""
    for other, other_leaf in others:
        if other_leaf is leaf:
            continue
        candidates = (
            (other_leaf, other.originator_id, other.originator_version, other.topic),
            (other_leaf, event.originator_id, event.originator_version, event.topic),
            (leaf, event.originator_id, other.originator_version, event.topic),
            (leaf, event.originator_id, event.originator_version, other.topic),
        )
        for target, originator, version, topic in candidates:
            digest = event_leaf_hash(target.position, originator, version, topic, event.state)
            if digest == target.hash:
                return target.position, version
    return None


def _check_checkpoints(
    report: Report,
    tree: MerkleTree,
    hashes: LeafList,
    positions: Sequence[int],
    keys: Sequence[VerifierKey],
    witness: Path,
) -> None:
    size = hashes.size()
    held_copy = _held_leaves(witness)
    previous = None
    for held in held_checkpoints(witness):
        report.checkpoints += 1
        name = held.path.name
        try:
            checkpoint = parse_checkpoint(verify_note(held.note, list(keys)))
        except (ProofError, ValueError) as error:
            report.findings.append(
                Finding(
                    -1,
                    -1,
                    "unsigned",
                    f"checkpoint {name} bears no valid signature of a known key: {error}",
                )
            )
            continue
        if checkpoint.size > size:
            report.findings.append(
                Finding(
                    size,
                    -1,
                    "truncated",
                    f"checkpoint {name} commits to "
                    f"{checkpoint.size} leaves but the log has {size}: leaves {size}.."
                    f"{checkpoint.size - 1} are gone",
                )
            )
            continue
        if tree.root(checkpoint.size) != checkpoint.root:
            first = _first_difference(hashes, held_copy, checkpoint.size)
            report.findings.append(
                Finding(
                    first,
                    positions[first] if first >= 0 else -1,
                    "inconsistent",
                    f"checkpoint {name}: the log's first "
                    f"{checkpoint.size} leaves do not have its root (leaves rewritten)",
                )
            )
            continue
        if previous is not None:
            try:
                verify_consistency(
                    previous.size,
                    checkpoint.size,
                    previous.root,
                    checkpoint.root,
                    tree.consistency_proof(previous.size, checkpoint.size),
                )
            except ProofError as error:
                report.findings.append(
                    Finding(
                        previous.size,
                        -1,
                        "inconsistent",
                        f"checkpoint {name} does not extend the one before: {error}",
                    )
                )
        previous = checkpoint


def _held_leaves(witness: Path) -> bytes:
    path = witness / LEAVES_FILE
    return path.read_bytes() if path.exists() else b""


def _first_difference(hashes: LeafList, held: bytes, size: int) -> int:
    """The first leaf below `size` that differs from the witness copy of the leaves (-1 when
    the copy does not reach it)."""
    count = min(size, len(held) // 32)
    for index, digest in enumerate(hashes.hashes(0, count)):
        if held[index * 32 : index * 32 + 32] != digest:
            return index
    return -1
