"""Every proof the tree generates for trees of 1 to 64 leaves verifies with the offline verifier,
and none survives a change: a flipped byte, a hash dropped or added, another index or size."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from auditlog.offline import (
    EMPTY_ROOT,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from auditlog.tree import LeafList, MerkleTree, root_of
from tests.auditlog.refusing import refused

MAX = 64
HASHES = [leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(MAX)]
TREE = MerkleTree(LeafList(HASHES))
ROOTS = [root_of(HASHES[:n]) for n in range(MAX + 1)]


def test_every_inclusion_and_consistency_proof_up_to_64_leaves_verifies() -> None:
    for size in range(1, MAX + 1):
        assert TREE.root(size) == ROOTS[size]
        for index in range(size):
            verify_inclusion(
                index, size, HASHES[index], TREE.inclusion_proof(index, size), ROOTS[size]
            )
        for size1 in range(size + 1):
            proof = TREE.consistency_proof(size1, size)
            verify_consistency(size1, size, ROOTS[size1], ROOTS[size], proof)
    assert ROOTS[0] == EMPTY_ROOT


def corrupt(proof: list[bytes], data: st.DataObject) -> list[bytes]:
    """One change to a proof: a flipped byte, a hash removed, or one added anywhere."""
    kinds = ["add"] + (["flip", "drop"] if proof else [])
    kind = data.draw(st.sampled_from(kinds))
    if kind == "add":
        at = data.draw(st.integers(0, len(proof)))
        return [*proof[:at], data.draw(st.binary(min_size=32, max_size=32)), *proof[at:]]
    at = data.draw(st.integers(0, len(proof) - 1))
    if kind == "drop":
        return proof[:at] + proof[at + 1 :]
    byte, bit = data.draw(st.integers(0, 31)), data.draw(st.integers(0, 7))
    changed = bytearray(proof[at])
    changed[byte] ^= 1 << bit
    return [*proof[:at], bytes(changed), *proof[at + 1 :]]


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_changed_inclusion_proof_is_refused(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, MAX))
    index = data.draw(st.integers(0, size - 1))
    proof = TREE.inclusion_proof(index, size)
    assert refused(verify_inclusion, index, size, HASHES[index], corrupt(proof, data), ROOTS[size])
    other = data.draw(st.integers(0, MAX).filter(lambda i: i != index))
    assert refused(verify_inclusion, other, size, HASHES[index], proof, ROOTS[size])
    assert refused(verify_inclusion, index, size, HASHES[(index + 1) % MAX], proof, ROOTS[size])


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_changed_consistency_proof_is_refused(data: st.DataObject) -> None:
    size2 = data.draw(st.integers(2, MAX))
    size1 = data.draw(st.integers(1, size2 - 1))
    proof = TREE.consistency_proof(size1, size2)
    root1, root2 = ROOTS[size1], ROOTS[size2]
    assert refused(verify_consistency, size1, size2, root1, root2, corrupt(proof, data))
    other = data.draw(st.integers(0, size2).filter(lambda s: s != size1))
    assert refused(verify_consistency, other, size2, root1, root2, proof)
    assert refused(verify_consistency, size1, size2, root2, root1, proof)
    assert refused(verify_consistency, size1, size2 - 1, root1, ROOTS[size2 - 1], proof)
