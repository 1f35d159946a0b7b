"""Verify greenlist's log offline: leaves, Merkle inclusion and consistency proofs (RFC 6962 /
RFC 9162) and signed checkpoints (c2sp.org/tlog-checkpoint v1.0.0, c2sp.org/signed-note).

Self-contained (standard library and `cryptography`): an auditor copies this one file to check,
with the service stopped, that a decision they cite is in the log their checkpoint commits to.

A leaf is SHA-256(0x00 || entry); an entry is the stored event in canonical bytes (big-endian):
position (8 bytes: the event's notification id) || aggregate id (16 bytes: the UUID's bytes) ||
version (8 bytes) || topic length (4 bytes) || topic (UTF-8) || state length (4 bytes) || state
(the stored bytes, as the store holds them).

A checkpoint is a signed note whose text is the origin, the tree size and the base64 root hash,
a line each; a verifier key reads `<name>+<8 hex key ID>+<base64(0x01 || Ed25519 public key)>`.
Proof files are JSON, in standard padded base64, exactly what the HTTP API returns:

    inclusion: {"position": int, "leaf_index": int, "tree_size": int, "root": b64,
                "leaf_hash": b64, "proof": [b64, ...], "event": {"position": int,
                "originator_id": "uuid", "originator_version": int, "topic": str, "state": b64}}
    consistency: {"from": int, "to": int, "first_root": b64, "second_root": b64, "proof": [b64]}

    python offline.py checkpoint --key VKEY CHECKPOINT
    python offline.py inclusion --key VKEY --checkpoint CHECKPOINT PROOF.json
    python offline.py consistency --key VKEY --old CHECKPOINT --new CHECKPOINT PROOF.json

VKEY: a key or a file holding it (repeatable). Exit 0 only if all holds, 1 with what failed, 2 on
bad usage. The leaf is recomputed from "event" (null when withheld: a reporter's filing, A23.1,
then the leaf hash alone is proven); sizes and roots must be the checkpoints'.
"""

import argparse
import base64
import hashlib
import json
import re
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # the root of the tree of no leaves
_COMMANDS = {"checkpoint": [], "inclusion": ["--checkpoint"], "consistency": ["--old", "--new"]}
Hashes: TypeAlias = Sequence[bytes]


def entry_bytes(
    position: int, originator_id: UUID, version: int, topic: str, state: bytes
) -> bytes:
    """The canonical bytes of a stored event (the module docstring gives the layout)."""
    topic_bytes = topic.encode("utf-8")
    head = struct.pack(">Q16sQI", position, originator_id.bytes, version, len(topic_bytes))
    return head + topic_bytes + struct.pack(">I", len(state)) + bytes(state)


def leaf_hash(entry: bytes) -> bytes:
    """RFC 6962 §2.1: the hash of a leaf, SHA-256(0x00 || entry)."""
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def event_leaf_hash(
    position: int, originator_id: UUID, version: int, topic: str, state: bytes
) -> bytes:
    """The leaf hash of a stored event."""
    return leaf_hash(entry_bytes(position, originator_id, version, topic, state))


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 §2.1: the hash of an interior node, SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class ProofError(ValueError):
    """What does not hold, in words an auditor can act on (a proof, checkpoint, key or note)."""


def _hashes(*hashes: bytes) -> None:
    if any(len(h) != HASH_SIZE for h in hashes):
        raise ProofError(f"every hash must be {HASH_SIZE} bytes long (哈希须为 32 字节)")


def root_from_inclusion_proof(index: int, size: int, leaf_hash: bytes, proof: Hashes) -> bytes:
    """The root `proof` leads to from leaf `index` of `size` (RFC 9162 §2.1.3.2), or ProofError."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not inside a tree of {size} leaves")
    _hashes(leaf_hash, *proof)
    inner = (index ^ (size - 1)).bit_length()
    if len(proof) != (expected := inner + (index >> inner).bit_count()):
        raise ProofError(f"the inclusion proof has {len(proof)} hashes, {expected} expected")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:  # sn reaches 0 exactly at the end: the length check ensures it
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r


def verify_inclusion(index: int, size: int, leaf_hash: bytes, proof: Hashes, root: bytes) -> None:
    """Raise ProofError unless `proof` shows leaf `index` (`leaf_hash`) is in the tree `root`."""
    if root_from_inclusion_proof(index, size, leaf_hash, proof) != root:
        raise ProofError(f"the inclusion proof of leaf {index} does not lead to the root")


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: Hashes) -> None:
    """Raise ProofError unless `proof` shows the tree (size1, root1) is a prefix of (size2,
    root2): RFC 9162 §2.1.4.2, after the cases it leaves out (size1 == size2, size1 == 0)."""
    _hashes(root1, root2, *proof)
    if not 0 <= size1 <= size2:
        raise ProofError(f"a tree of {size1} leaves cannot grow into one of {size2}")
    if size1 in (0, size2):
        if proof or (size1 == 0 and root1 != EMPTY_ROOT) or (size1 == size2 and root1 != root2):
            raise ProofError(f"from size {size1} to {size2} only [] and the same root hold")
        return
    inner = ((size1 - 1) ^ (size2 - 1)).bit_length()
    shift = (size1 & -size1).bit_length() - 1
    seeded = size1 == 1 << shift  # the first tree is perfect: its root starts the walk
    expected = inner - shift + ((size1 - 1) >> inner).bit_count() + (not seeded)
    if len(proof) != expected:
        raise ProofError(f"the consistency proof has {len(proof)} hashes, {expected} expected")
    path = [root1, *proof] if seeded else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    for size, got, root in ((size1, fr, root1), (size2, sr, root2)):
        if got != root or sn != 0:
            raise ProofError(f"the consistency proof does not lead to the root of size {size}")


def _b64(text: object, what: str, size: int | None = None) -> bytes:
    """Strict standard padded base64 (one spelling per value), of `size` bytes if given."""
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else None
    except ValueError:  # binascii.Error
        raw = None
    if raw is None or base64.b64encode(raw).decode() != text or size not in (None, len(raw)):
        raise ProofError(f"{what} is not standard base64" + (f" of {size} bytes" if size else ""))
    return raw


@dataclass(frozen=True)
class Checkpoint:
    """A log's statement that its tree of `size` leaves has `root` (c2sp.org/tlog-checkpoint)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        lines = (self.origin, *self.extensions)
        if not all(lines) or re.search(r"[\x00-\x1f]", "".join(lines)):
            raise ProofError("the origin and extensions must be non-empty lines without controls")
        if not 0 <= self.size < 1 << 64 or len(self.root) != HASH_SIZE:
            raise ProofError(f"tree size {self.size} out of range or root not {HASH_SIZE} bytes")


def checkpoint_text(cp: Checkpoint) -> str:
    """The checkpoint's note text (what is signed), each line ending "\\n"."""
    lines = (cp.origin, str(cp.size), base64.b64encode(cp.root).decode(), *cp.extensions)
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(body: str) -> Checkpoint:
    """Read a checkpoint's text strictly: a size without leading zeros, a 32-byte base64 root."""
    lines = body[:-1].split("\n")
    if not body.endswith("\n") or len(lines) < 3 or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise ProofError("a checkpoint is origin, size (no leading zeros), root: lines ending \\n")
    return Checkpoint(lines[0], int(lines[1]), _b64(lines[2], "the root hash", 32), (*lines[3:],))


def key_id(name: str, public: bytes) -> bytes:
    """SHA-256(name || 0x0A || 0x01 || public key)[:4]: an Ed25519 key's ID in signed notes."""
    return hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]


@dataclass(frozen=True)
class VerifierKey:
    """An Ed25519 note verifier key: its name, 4-byte key ID and 32-byte public key."""

    name: str
    key_id: bytes
    public: bytes


def parse_verifier_key(text: str) -> VerifierKey:
    """Read `<name>+<8 hex>+<base64(0x01 || public key)>`, split at the first two '+' only."""
    if not (match := re.fullmatch(r"([^\s+]+)\+([0-9a-fA-F]{8})\+(\S+)", text.strip())):
        raise ProofError("a verifier key reads <name>+<8 hex digits>+<base64 key>")
    name, kid, raw = match[1], bytes.fromhex(match[2]), _b64(match[3], "the verifier key", 33)
    if raw[0] != 1 or key_id(name, raw[1:]) != kid:
        raise ProofError("the verifier key is not Ed25519 or its ID does not match name and key")
    return VerifierKey(name, kid, raw[1:])


def verify_note(note_text: str, keys: Sequence[VerifierKey]) -> str:
    """The text of a signed note once a known key's signature verifies it (c2sp.org/signed-note):
    unknown signers are ignored, a known signer's failing signature refuses the whole note."""
    split = note_text.rfind("\n\n")
    body, sigs = note_text[: split + 1], note_text[split + 2 :].split("\n")
    bad = split < 0 or sigs.pop() or not 0 < len(sigs) <= 100  # at least 16 must pass
    if bad or re.search(r"[\x00-\x09\x0b-\x1f]", note_text):
        raise ProofError("a note is text, a blank line, 1 to 100 signature lines; no controls")
    known, verified = {(k.name, k.key_id): k for k in keys}, set()
    for line in sigs:
        match = re.fullmatch(r"— ([^\s+]+) (\S+)", line)
        name, b64 = match.groups() if match else ("", "")
        if len(sig := _b64(b64, f"the signature line {line!r}")) < 5:
            raise ProofError(f"malformed signature line {line!r}")
        if (key := known.get((name, sig[:4]))) is None:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key.public).verify(sig[4:], body.encode())
        except InvalidSignature:
            raise ProofError(f"the signature of {name} does not verify (签名无效)") from None
        verified.add(key)
    if not verified:
        raise ProofError("no signature on the note is by a known key (无可信签名)")
    return body


def verify_checkpoint(note_text: str, keys: Sequence[VerifierKey]) -> Checkpoint:
    """The checkpoint a signed note holds, once a known key's signature verifies it."""
    return parse_checkpoint(verify_note(note_text, keys))


def _get(obj: Any, key: str, kind: type) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    ok = isinstance(value, kind) and not isinstance(value, bool)
    if not ok or (isinstance(value, int) and not 0 <= value < 1 << 64):
        raise ProofError(f"the proof's {key!r} is missing, not a {kind.__name__} or out of range")
    return value


def _check(args: argparse.Namespace) -> str:
    keys = [parse_verifier_key(Path(k).read_text() if Path(k).is_file() else k) for k in args.key]
    files = [getattr(args, f) for f in ("checkpoint", "old", "new") if f in args]
    cp = (cps := [verify_checkpoint(Path(f).read_bytes().decode(), keys) for f in files])[0]
    if args.command == "checkpoint":
        return f"{cp.origin} at size {cp.size}, root {base64.b64encode(cp.root).decode()}"
    data = json.loads(Path(args.proof).read_bytes())
    proof = [_b64(h, "a proof hash", 32) for h in _get(data, "proof", list)]
    roots = [_b64(data.get(k), k, 32) for k in ("root", "first_root", "second_root") if k in data]
    if args.command == "consistency":
        (old, new), claimed = cps, (_get(data, "from", int), _get(data, "to", int), *roots)
        if old.origin != new.origin or claimed != (old.size, new.size, old.root, new.root):
            raise ProofError("the proof's sizes and roots are not those of the two checkpoints")
        verify_consistency(old.size, new.size, old.root, new.root, proof)
        return f"{new.origin} at size {new.size} extends its tree of size {old.size}"
    leaf, position = _b64(data.get("leaf_hash"), "leaf_hash", 32), _get(data, "position", int)
    if data.get("event") is not None:  # null: withheld (A23.1), the leaf alone is proven
        event = _get(data, "event", dict)
        originator = UUID(_get(event, "originator_id", str))  # a ValueError if it is not one
        version, topic = _get(event, "originator_version", int), _get(event, "topic", str)
        state = _b64(_get(event, "state", str), "the event's state")
        if event_leaf_hash(_get(event, "position", int), originator, version, topic, state) != leaf:
            raise ProofError("the event does not hash to the proof's leaf_hash")
        if event["position"] != position:
            raise ProofError("the event's position is not the proof's")
    if (_get(data, "tree_size", int), *roots) != (cp.size, cp.root):
        raise ProofError("the proof's tree_size and root are not the checkpoint's")
    verify_inclusion(_get(data, "leaf_index", int), cp.size, leaf, proof, cp.root)
    held = "" if data.get("event") is not None else " (event withheld: its leaf hash proven)"
    return f"event {position} is leaf {data['leaf_index']} of {cp.origin} at size {cp.size}{held}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the module docstring gives its commands and exit codes."""
    parser = argparse.ArgumentParser(description="Verify greenlist's checkpoints and proofs.")
    commands = parser.add_subparsers(dest="command", required=True)
    for command, names in _COMMANDS.items():
        sub = commands.add_parser(command)
        sub.add_argument("--key", action="append", required=True, help="a verifier key or file")
        for name in names:
            sub.add_argument(name, required=True)
        sub.add_argument("checkpoint" if command == "checkpoint" else "proof")
    try:
        print(f"OK: {_check(parser.parse_args(argv))}")
    except (OSError, ValueError) as error:  # ProofError, unreadable files, bad JSON or UUID
        print(f"FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
