"""The service's tree: the same roots and proofs as RFC 6962's recursive definitions, over a log
that keeps growing, from a cache of complete subtrees that leaves few leaf reads per request and
is safe to share between threads."""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Sequence

import pytest

from auditlog.offline import EMPTY_ROOT, node_hash, verify_consistency, verify_inclusion
from auditlog.tree import CHUNK, LeafList, LeafSource, MerkleTree, root_of


def hashes(n: int, salt: str = "") -> list[bytes]:
    return [hashlib.sha256(f"{salt}{i}".encode()).digest() for i in range(n)]


def mth(leaves: Sequence[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, as written there."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """RFC 6962 §2.1.1 PATH(m, D[n]), as written there."""
    if len(leaves) <= 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    """RFC 6962 §2.1.2 SUBPROOF(m, D[n], b), as written there."""
    if m == len(leaves):
        return [] if whole else [mth(leaves)]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m <= k:
        return [*subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


class Counting(LeafSource):
    """A LeafSource that counts what is read from it (as a store would be queried)."""

    def __init__(self, leaves: LeafList) -> None:
        self.leaves, self.calls, self.read = leaves, 0, 0

    def size(self) -> int:
        return self.leaves.size()

    def hashes(self, start: int, stop: int) -> Sequence[bytes]:
        self.calls, self.read = self.calls + 1, self.read + stop - start
        return self.leaves.hashes(start, stop)

    def reset(self) -> None:
        self.calls = self.read = 0


LEAVES = hashes(3000)
TREE = MerkleTree(LeafList(LEAVES))


@pytest.mark.parametrize("size", [0, 1, 2, 3, 255, 256, 257, 511, 512, 513, 1024, 1025, 2999, 3000])
def test_roots_at_the_chunk_edges_are_the_rfc_roots(size: int) -> None:
    assert TREE.root(size) == root_of(LEAVES[:size]) == mth(LEAVES[:size])


def test_roots_and_proofs_at_random_sizes_up_to_3000_are_the_rfc_ones_and_verify() -> None:
    rng = random.Random(10)
    for _ in range(60):
        size = rng.randint(1, 3000)
        index, size1 = rng.randrange(size), rng.randint(0, size)
        root = root_of(LEAVES[:size])
        assert TREE.root(size) == root
        proof = TREE.inclusion_proof(index, size)
        assert proof == path(index, LEAVES[:size])
        verify_inclusion(index, size, LEAVES[index], proof, root)
        consistency = TREE.consistency_proof(size1, size)
        assert consistency == ([] if size1 in (0, size) else subproof(size1, LEAVES[:size], True))
        verify_consistency(size1, size, root_of(LEAVES[:size1]), root, consistency)


def test_the_tree_follows_a_growing_log() -> None:
    """Old roots stay what they were, new leaves count, and proofs link old sizes to new."""
    rng, leaves = random.Random(7), LeafList()
    tree, seen = MerkleTree(leaves), {0: EMPTY_ROOT}
    for batch in range(40):
        leaves.extend(hashes(rng.randint(0, 130), salt=f"{batch}."))
        size = leaves.size()
        seen[size] = tree.root()
        assert seen[size] == root_of(leaves.hashes(0, size))
        for old, root in seen.items():
            assert tree.root(old) == root
            verify_consistency(old, size, root, seen[size], tree.consistency_proof(old, size))
        if size:
            index = rng.randrange(size)
            leaf = leaves.hashes(index, index + 1)[0]
            verify_inclusion(index, size, leaf, tree.inclusion_proof(index, size), seen[size])


def test_after_first_use_a_request_reads_a_few_chunks_of_leaves_whatever_the_size() -> None:
    size = 70_000  # past the 2**14-leaf batches and the 2**16-leaf subtrees
    source = Counting(LeafList(hashes(size)))
    tree = MerkleTree(source)
    root = tree.root()
    # each leaf read once, in batches of up to 2**14 (and smaller ones at the ragged end)
    assert source.read == size and source.calls <= size // 2**14 + 8
    rng = random.Random(3)
    for _ in range(50):
        source.reset()
        index = rng.randrange(size)
        proof = tree.inclusion_proof(index, size)
        assert source.read <= 2 * CHUNK and source.calls <= 2
        verify_inclusion(index, size, source.leaves.hashes(index, index + 1)[0], proof, root)
        source.reset()
        old = rng.randint(1, size)
        tree.consistency_proof(old, size)
        assert source.read <= 2 * CHUNK and source.calls <= 2
        source.reset()
        assert tree.root(old) == root_of(source.leaves.hashes(0, old))
        assert source.read <= CHUNK
    source.reset()
    source.leaves.extend(hashes(1000, salt="more"))
    tree.root()  # the new leaves and the edge chunk, not the old log again
    assert source.read <= 1000 + 2 * CHUNK


def test_threads_share_one_tree_safely() -> None:
    leaves = LeafList(hashes(5000))
    tree, expected = MerkleTree(leaves), MerkleTree(LeafList(hashes(5000)))
    rng = random.Random(5)
    asks = [(rng.randrange(5000), rng.randint(4000, 5000)) for _ in range(400)]
    asks = [(min(i, size - 1), size) for i, size in asks]
    results: dict[int, list[list[bytes]]] = {}
    barrier = threading.Barrier(8)

    def work(worker: int) -> None:
        barrier.wait()
        results[worker] = [tree.inclusion_proof(i, size) for i, size in asks[worker::8]]

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in range(8):
        assert results[worker] == [expected.inclusion_proof(i, s) for i, s in asks[worker::8]]


def test_impossible_requests_are_refused() -> None:
    tree = MerkleTree(LeafList(hashes(10)))
    for call in (
        lambda: tree.root(11),
        lambda: tree.root(-1),
        lambda: tree.inclusion_proof(10, 10),
        lambda: tree.inclusion_proof(0, 0),
        lambda: tree.inclusion_proof(0, 11),
        lambda: tree.consistency_proof(6, 5),
        lambda: tree.consistency_proof(5, 11),
    ):
        with pytest.raises(ValueError):
            call()
    with pytest.raises(ValueError):
        LeafList([b"short"])


def test_a_source_that_gives_too_few_hashes_is_an_error_not_a_wrong_root() -> None:
    class Short(LeafSource):
        def size(self) -> int:
            return 600

        def hashes(self, start: int, stop: int) -> Sequence[bytes]:
            return hashes(600)[start : stop - 1]

    with pytest.raises(ValueError, match="leaf source"):
        MerkleTree(Short()).root()
