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
from greenlist.settings import Settings, StoreUrl
from greenlist.vlog.keys import write_private

__all__ = ["KeyRequired", "KeyedHash", "for_service", "required_for_server", "store_key_path"]


def store_key_path(store: StoreUrl) -> Path:
    return store.file_beside(".identity-key", "identity-key-{digest}")


class KeyRequired(Exception):
    """A server store's service refuses to start without the configured key (zh/en)."""


def required_for_server(settings: Settings) -> None:
    """`greenlist serve`, `greenlist scheduler` and the WSGI app refuse to start on PostgreSQL
    without `GREENLIST_IDENTITY_KEY` (except with the test clock): the store is shared by
    hosts, each of which would generate a key of its own, and the agencies of one person
    would then count on different quotas (A22.3)."""
    if settings.store.kind != "postgres" or settings.identity_key or settings.test_clock:
        return
    raise KeyRequired(
        "GREENLIST_IDENTITY_KEY is not set: a PostgreSQL store is shared by hosts and needs one "
        "key (at least 32 random bytes) for the legal representatives' ID numbers (A22.3) / "
        "未设置GREENLIST_IDENTITY_KEY：PostgreSQL存储须配置统一的身份号码密钥"
    )


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
