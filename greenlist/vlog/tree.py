"""The Merkle tree over a store's leaves, one per store and process: complete subtrees never
change once their leaves are written, so a process keeps their hashes (auditlog.tree) and
answers roots and proofs with a few reads."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import cast
from weakref import WeakKeyDictionary

from auditlog.tree import MerkleTree
from greenlist.adapters.stores import LeafStore


class StoreLeaves:
    """A store's leaves as the tree's leaf source."""

    def __init__(self, store: LeafStore) -> None:
        self.store = store

    def size(self) -> int:
        return self.store.leaf_count()

    def hashes(self, start: int, stop: int) -> Sequence[bytes]:
        return self.store.leaf_hashes(start, stop)


_trees: WeakKeyDictionary[object, MerkleTree] = WeakKeyDictionary()
_lock = threading.Lock()


def tree_of(recorder: object) -> MerkleTree:
    """The (cached) tree over the leaves of this recorder's store."""
    with _lock:
        tree = _trees.get(recorder)
        if tree is None:
            tree = MerkleTree(StoreLeaves(cast(LeafStore, recorder)))
            _trees[recorder] = tree
        return tree
