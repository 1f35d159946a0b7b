"""The RFC 6962 / RFC 9162 hashing and proof checks against the vectors of transparency-dev/merkle
(`rfc6962/rfc6962_test.go`, `proof/verify_test.go`): our verifier accepts each known-good proof and
refuses every corruption that project's tests try (wrong index, size, leaf or root, garbage before
or after, a flipped bit, a missing or inserted hash)."""

from __future__ import annotations

from uuid import UUID

import pytest

from auditlog.offline import (
    EMPTY_ROOT,
    entry_bytes,
    event_leaf_hash,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from auditlog.tree import LeafList, MerkleTree, root_of
from tests.auditlog.refusing import refused

h = bytes.fromhex
LEAVES = [h(x) for x in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                         "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
ROOTS = [h(x) for x in (  # ROOTS[n - 1] is the root of the first n leaves
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]  # fmt: skip
SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")
P96A, P5F08, P6B47 = (h(x) for x in (
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"))  # fmt: skip
PBC1A, PCA85, PD37E = (h(x) for x in (
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"))  # fmt: skip
P0EBC = h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a")
PB086 = h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f")
PFAC5, P6E34 = ROOTS[1], ROOTS[0]

INCLUSION = [  # (0-based leaf index, tree size, proof), verify_test.go's table counts from 1
    (0, 8, [P96A, P5F08, P6B47]),
    (5, 8, [PBC1A, PCA85, PD37E]),
    (2, 3, [PFAC5]),
    (1, 5, [P6E34, P5F08, PBC1A]),
]
CONSISTENCY = [
    (1, 8, [P96A, P5F08, P6B47]),
    (6, 8, [P0EBC, PCA85, PD37E]),
    (2, 5, [P5F08, PBC1A]),
    (6, 7, [P0EBC, PB086, PD37E]),
]


def test_the_hashes_of_rfc_6962() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert leaf_hash(b"L123456").hex() == (
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert node_hash(b"N123", b"N456").hex() == (
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


@pytest.mark.parametrize("size", range(1, 9))
def test_the_roots_of_the_eight_leaf_table(size: int) -> None:
    hashes = [leaf_hash(leaf) for leaf in LEAVES[:size]]
    assert root_of(hashes) == ROOTS[size - 1]
    assert MerkleTree(LeafList(hashes)).root(size) == ROOTS[size - 1]
    assert root_of([]) == MerkleTree(LeafList()).root(0) == EMPTY_ROOT


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_known_inclusion_proofs_are_generated_and_verify(
    index: int, size: int, proof: list[bytes]
) -> None:
    leaf, root = leaf_hash(LEAVES[index]), ROOTS[size - 1]
    tree = MerkleTree(LeafList(leaf_hash(x) for x in LEAVES))
    assert tree.inclusion_proof(index, size) == proof
    assert root_from_inclusion_proof(index, size, leaf, proof) == root
    verify_inclusion(index, size, leaf, proof, root)


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_every_corruption_of_an_inclusion_proof_is_refused(
    index: int, size: int, proof: list[bytes]
) -> None:
    leaf, root = leaf_hash(LEAVES[index]), ROOTS[size - 1]
    probes: list[tuple[int, int, bytes, list[bytes], bytes]] = [
        (index - 1, size, leaf, proof, root),
        (index + 1, size, leaf, proof, root),
        (index ^ 2, size, leaf, proof, root),
        (index, size * 2, leaf, proof, root),
        (index, size // 2, leaf, proof, root),
        (index, size, b"WrongLeaf", proof, root),
        (index, size, leaf, proof, EMPTY_ROOT),
        (index, size, leaf, proof, SOME_HASH),
        (index, size, leaf, [*proof, b""], root),
        (index, size, leaf, [*proof, root], root),
        (index, size, leaf, [b"", *proof], root),
        (index, size, leaf, [root, *proof], root),
        (index, size, leaf, proof[:-1], root),
        (index, size, leaf, [proof[0], SOME_HASH, *proof[1:]], root),
    ]
    for i in range(len(proof)):
        flipped = [*proof]
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        probes.append((index, size, leaf, flipped, root))
    assert [p for p in probes if not refused(verify_inclusion, *p)] == []


def test_inclusion_in_a_one_leaf_tree_and_impossible_positions() -> None:
    leaf = leaf_hash(b"data")
    verify_inclusion(0, 1, leaf, [], leaf)
    assert refused(verify_inclusion, 0, 1, leaf, [], b"")
    assert refused(verify_inclusion, 0, 1, b"", [], leaf)
    assert refused(verify_inclusion, 0, 1, b"", [], b"")
    for index, size in ((0, 0), (1, 0), (2, 1), (1, 1), (-1, 4)):
        assert refused(verify_inclusion, index, size, SOME_HASH, [], EMPTY_ROOT)


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY)
def test_known_consistency_proofs_are_generated_and_verify(
    size1: int, size2: int, proof: list[bytes]
) -> None:
    tree = MerkleTree(LeafList(leaf_hash(x) for x in LEAVES))
    assert tree.consistency_proof(size1, size2) == proof
    verify_consistency(size1, size2, ROOTS[size1 - 1], ROOTS[size2 - 1], proof)


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY)
def test_every_corruption_of_a_consistency_proof_is_refused(
    size1: int, size2: int, proof: list[bytes]
) -> None:
    root1, root2, wrong = ROOTS[size1 - 1], ROOTS[size2 - 1], SOME_HASH
    probes: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
        (size1 - 1, size2, root1, root2, proof),
        (size1 + 1, size2, root1, root2, proof),
        (size1 ^ 2, size2, root1, root2, proof),
        (size1, size2 * 2, root1, root2, proof),
        (size1, size2 // 2, root1, root2, proof),
        (size1, size2, wrong, root2, proof),
        (size1, size2, root1, wrong, proof),
        (size1, size2, root2, root1, proof),
        (size1, size2, root1, root2, []),
        (size1, size2, root1, root2, [*proof, b""]),
        (size1, size2, root1, root2, [*proof, root1]),
        (size1, size2, root1, root2, [*proof, root2]),
        (size1, size2, root1, root2, [b"", *proof]),
        (size1, size2, root1, root2, [root1, *proof]),
        (size1, size2, root1, root2, [root2, *proof]),
        (size1, size2, root1, root2, [proof[0], *proof]),
        (size1, size2, root1, root2, proof[:-1]),
    ]
    for i in range(len(proof)):
        flipped = [*proof]
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        probes.append((size1, size2, root1, root2, flipped))
    assert [p for p in probes if not refused(verify_consistency, *p)] == []


def test_the_cases_rfc_9162_leaves_out_are_decided_first() -> None:
    """Equal sizes: only an empty proof and equal roots; from 0: only an empty proof (and, being
    stricter than transparency-dev, the first root must be the empty tree's); never backwards."""
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    verify_consistency(0, 1, EMPTY_ROOT, a, [])
    verify_consistency(1, 1, a, a, [])
    verify_consistency(5, 5, ROOTS[4], ROOTS[4], [])
    assert refused(verify_consistency, 0, 0, EMPTY_ROOT, a, [])
    assert refused(verify_consistency, 1, 1, a, b, [])
    assert refused(verify_consistency, 0, 1, a, b, [])  # a tree of no leaves has one root
    assert refused(verify_consistency, 1, 0, a, b, [])
    assert refused(verify_consistency, 2, 1, a, b, [])
    assert refused(verify_consistency, 1, 2, a, b, [])  # an empty proof between sizes
    for size1, size2 in ((0, 0), (0, 1), (1, 1)):
        assert refused(verify_consistency, size1, size2, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])
    assert refused(verify_consistency, 1, 1, b"short", b"short", [])


def test_the_entry_layout_of_a_stored_event() -> None:
    """position (8) || UUID (16) || version (8) || topic length (4) || topic || state length (4)
    || state, all big-endian: the bytes the leaf of every stored event hashes."""
    originator = UUID("12345678-9abc-def0-1234-56789abcdef0")
    entry = entry_bytes(258, originator, 3, "公示", b"{}")
    assert entry == (
        bytes.fromhex("0000000000000102")
        + originator.bytes
        + bytes.fromhex("0000000000000003")
        + bytes.fromhex("00000006")
        + "公示".encode()
        + bytes.fromhex("00000002")
        + b"{}"
    )
    assert event_leaf_hash(258, originator, 3, "公示", b"{}") == leaf_hash(entry)
