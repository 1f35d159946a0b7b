"""The key under which a legal representative's ID number is kept (A22.3, domain.identity).

Production sets `GREENLIST_IDENTITY_KEY` (at least 32 bytes, random, never changed once used:
the agencies of one person share a yearly quota because their representative's ID number hashes
to the same value under it). Unset, a store gets a key of its own, generated once next to its
SQLite file (or under `var/` for a server store; mode 0600), as the demo's token secret is; a
memory store, which lives as long as its process, gets one for the process. A server store
served from several hosts must have the key configured: each host would generate its own."""

from __future__ import annotations

import secrets
from contextlib import suppress
from pathlib import Path

from domain.identity import KeyedHash

__all__ = ["KeyedHash", "for_service", "store_key_path"]
from greenlist.settings import Settings, StoreUrl
from greenlist.vlog.keys import write_private


def store_key_path(store: StoreUrl) -> Path:
    return store.file_beside(".identity-key", "identity-key-{digest}")


def for_service(settings: Settings) -> KeyedHash:
    """The identity port of a service: the configured key, else the store's own."""
    if settings.identity_key:
        return KeyedHash(settings.identity_key.encode())
    if settings.store.kind == "memory":
        return KeyedHash.ephemeral()
    path = store_key_path(settings.store)
    if not path.exists():
        with suppress(FileExistsError):  # another process of the same store got there first
            write_private(path, secrets.token_urlsafe(48))
    return KeyedHash(path.read_text().strip().encode())
