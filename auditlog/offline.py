"""Verify greenlist's log offline: leaves, Merkle inclusion and consistency proofs (RFC 6962 /
RFC 9162) and signed checkpoints (c2sp.org/tlog-checkpoint v1.0.0, c2sp.org/signed-note).

Self-contained on purpose: the standard library and `cryptography` only, so that an auditor can
copy this one file and check, with the service stopped, that a decision they cite is in the log
that a checkpoint they hold commits to.

A leaf is SHA-256(0x00 || entry); an entry is the stored event in canonical bytes:

    position (8 bytes, big-endian: the event's notification id in the log)
    aggregate id (16 bytes: the UUID's bytes)
    version (8 bytes, big-endian)
    topic length (4 bytes, big-endian) || topic (UTF-8)
    state length (4 bytes, big-endian) || state (the stored bytes, as the store holds them)
"""

from __future__ import annotations

import hashlib
from uuid import UUID

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
HASH_SIZE = 32


def entry_bytes(
    position: int, originator_id: UUID, version: int, topic: str, state: bytes
) -> bytes:
    """The canonical bytes of a stored event (the module docstring gives the layout)."""
    topic_bytes = topic.encode("utf-8")
    return b"".join(
        (
            position.to_bytes(8, "big"),
            originator_id.bytes,
            version.to_bytes(8, "big"),
            len(topic_bytes).to_bytes(4, "big"),
            topic_bytes,
            len(state).to_bytes(4, "big"),
            bytes(state),
        )
    )


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


EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The root of the tree of no leaves: SHA-256 of the empty string."""
