"""The service's side of the verifiable log: the RFC 6962 Merkle tree over the stored events'
leaf hashes, its root at any size, and the inclusion and consistency proofs of RFC 6962 §2.1.1
and §2.1.2 (what transparency-dev/merkle produces) that `auditlog.offline` verifies.

The leaves live elsewhere (the event store, a list): a `LeafSource` gives their hashes by range.
In an append-only log the hash of a complete subtree never changes, so the tree keeps those of
the complete, aligned subtrees of at least `CHUNK` (256) leaves. After first use, a root or a
proof over n leaves then costs O(log n) node hashes plus the leaves of at most a few chunks (the
one holding the leaf, the ragged right edge, the old size's edge): a few hundred hash reads,
whatever n is. The cache is a few hundred bytes per 256 leaves (about 250 kB per 200k leaves).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Protocol

from auditlog.offline import EMPTY_ROOT, HASH_SIZE, node_hash

CHUNK_LEVEL = 8
CHUNK = 1 << CHUNK_LEVEL
"""Complete aligned subtrees of this many leaves and more are cached; smaller ones are read."""
BATCH_LEVEL = 14
"""A subtree of up to 2**14 leaves not yet cached is read in one call to the source (first use
reads a large log in few calls), a larger one is built from its two halves."""


class LeafSource(Protocol):
    """The leaf hashes of an append-only log: `hashes(start, stop)` gives those of leaves
    start..stop-1 (each 32 bytes), for any range below `size()`."""

    def size(self) -> int: ...

    def hashes(self, start: int, stop: int) -> Sequence[bytes]: ...


class LeafList(LeafSource):
    """A LeafSource in memory: for tests, tools and logs small enough to hold."""

    def __init__(self, hashes: Iterable[bytes] = ()) -> None:
        self._hashes: list[bytes] = []
        self._lock = threading.Lock()
        self.extend(hashes)

    def append(self, leaf_hash: bytes) -> None:
        """Add one leaf hash at the end."""
        self.extend((leaf_hash,))

    def extend(self, hashes: Iterable[bytes]) -> None:
        """Add leaf hashes at the end, in order; refuse any that is not 32 bytes."""
        new = [bytes(h) for h in hashes]
        if any(len(h) != HASH_SIZE for h in new):
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes long")
        with self._lock:
            self._hashes.extend(new)

    def size(self) -> int:
        return len(self._hashes)

    def hashes(self, start: int, stop: int) -> Sequence[bytes]:
        with self._lock:
            return self._hashes[start:stop]


def root_of(hashes: Sequence[bytes]) -> bytes:
    """The RFC 6962 root over these leaf hashes, in one pass: bottom up, a lone right node
    carried up unchanged (which gives the RFC's root; duplicating it would not)."""
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = [*paired, level[-1]] if len(level) % 2 else paired
    return level[0]


def _split(n: int) -> int:
    """The largest power of two strictly below n (n > 1): where RFC 6962 splits n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """Roots and proofs over a LeafSource at any size up to its current one; thread-safe (the
    only shared state is the cache of complete subtrees, under a lock). One tree per log: the
    cache trusts that the source only ever appends."""

    def __init__(self, source: LeafSource) -> None:
        self.source = source
        self._nodes: dict[tuple[int, int], bytes] = {}  # (level, index) -> subtree hash
        self._lock = threading.Lock()

    def root(self, size: int | None = None) -> bytes:
        """The tree's root at `size` leaves (default: all the source has now)."""
        size = self._check_size(size)
        return _Walk(self, size).hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """RFC 6962 §2.1.1 PATH(index, D[0:size]): the sibling hashes from the leaf up."""
        self._check_size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
        walk, proof, start, stop = _Walk(self, size), [], 0, size
        while stop - start > 1:
            k = _split(stop - start)
            if index < start + k:
                proof.append(walk.hash(start + k, stop))
                stop = start + k
            else:
                proof.append(walk.hash(start, start + k))
                start += k
        proof.reverse()
        return proof

    def consistency_proof(self, size1: int, size2: int) -> list[bytes]:
        """RFC 6962 §2.1.2 PROOF(size1, D[0:size2]); empty when size1 is 0 or size2."""
        self._check_size(size2)
        if not 0 <= size1 <= size2:
            raise ValueError(f"a tree of {size1} leaves is not a prefix of one of {size2}")
        if size1 in (0, size2):
            return []
        walk, proof, start, stop, whole = _Walk(self, size2), [], 0, size2, True
        while stop != size1:  # SUBPROOF(size1 - start, D[start:stop], whole)
            k = _split(stop - start)
            if size1 - start <= k:
                proof.append(walk.hash(start + k, stop))
                stop = start + k
            else:
                proof.append(walk.hash(start, start + k))
                start, whole = start + k, False
        if not whole:
            proof.append(walk.hash(start, stop))
        proof.reverse()
        return proof

    def _check_size(self, size: int | None) -> int:
        available = self.source.size()
        if size is None:
            return available
        if not 0 <= size <= available:
            raise ValueError(f"the log has {available} leaves, not {size}")
        return size

    def _complete(self, level: int, index: int) -> bytes:
        """The hash of leaves index * 2**level .. (index + 1) * 2**level - 1 (level >= 8)."""
        with self._lock:
            cached = self._nodes.get((level, index))
            left_known = (level - 1, 2 * index) in self._nodes
        if cached is not None:
            return cached
        # too big to read at once, or a half known already (the log grew since): combine halves
        if level > CHUNK_LEVEL and (level > BATCH_LEVEL or left_known):
            left, right = (
                self._complete(level - 1, 2 * index),
                self._complete(level - 1, 2 * index + 1),
            )
            value = node_hash(left, right)
            with self._lock:
                self._nodes[(level, index)] = value
            return value
        return self._build(level, index)

    def _build(self, level: int, index: int) -> bytes:
        """Read the subtree's leaves in one call and cache all its subtrees of >= CHUNK leaves."""
        layer = _read(self.source, index << level, (index + 1) << level)
        found: dict[tuple[int, int], bytes] = {}
        for depth in range(1, level + 1):
            layer = [node_hash(layer[i], layer[i + 1]) for i in range(0, len(layer), 2)]
            if depth >= CHUNK_LEVEL:
                first = index << (level - depth)
                found.update(((depth, first + j), h) for j, h in enumerate(layer))
        with self._lock:
            self._nodes.update(found)
        return layer[0]


def _read(source: LeafSource, start: int, stop: int) -> list[bytes]:
    hashes = [bytes(h) for h in source.hashes(start, stop)]  # a driver may give memoryviews
    if len(hashes) != stop - start or any(len(h) != HASH_SIZE for h in hashes):
        raise ValueError(f"the leaf source gave no 32-byte hash for each of leaves {start}..{stop}")
    return hashes


class _Walk:
    """One root or proof: subtree hashes from the cache, the leaves of smaller subtrees read
    once per chunk (each such subtree lies inside one aligned chunk)."""

    def __init__(self, tree: MerkleTree, size: int) -> None:
        self.tree, self.size = tree, size
        self.chunks: dict[int, list[bytes]] = {}

    def hash(self, start: int, stop: int) -> bytes:
        """MTH(D[start:stop]) for a subtree of the RFC 6962 tree of `size` leaves."""
        n = stop - start
        if n >= CHUNK and n & (n - 1) == 0 and start % n == 0:
            return self.tree._complete(n.bit_length() - 1, start // n)
        first = start - start % CHUNK
        if n <= CHUNK and stop <= first + CHUNK:
            if first not in self.chunks:
                self.chunks[first] = _read(self.tree.source, first, min(first + CHUNK, self.size))
            return root_of(self.chunks[first][start - first : stop - first])
        k = _split(n)
        return node_hash(self.hash(start, start + k), self.hash(start + k, stop))
