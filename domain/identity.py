"""A person's stable identity, kept only as a keyed hash (A22.3).

A22.3 caps the projects of the agencies of one legal representative: the person, not the name
typed at registration (two people share a name, one person's name is typed two ways). The
person is identified by the ID number (居民身份证号码), which the service must never keep: the
domain receives a port that turns it into an HMAC-SHA256 under a secret key, and stores only
that. The key is configured at the composition root (greenlist.identity_key,
`GREENLIST_IDENTITY_KEY`); the domain never reads the environment."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Protocol

MIN_KEY_BYTES = 32
"""HMAC-SHA256 keys no shorter than the hash (RFC 2104 §3)."""


class IdentityHasher(Protocol):
    """Turns a validated ID number into the stable, keyed identity the domain stores."""

    def __call__(self, id_number: str) -> str: ...


@dataclass(frozen=True)
class KeyedHash:
    """HMAC-SHA256 of the compact ID number under `key`, as 64 hex digits: without the key,
    nobody can test a guessed ID number against what is stored (an ID number has little
    entropy: a plain hash would be reversed by enumeration)."""

    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.key) < MIN_KEY_BYTES:
            raise ValueError(f"an identity key has at least {MIN_KEY_BYTES} bytes")

    def __call__(self, id_number: str) -> str:
        return hmac.new(self.key, id_number.encode(), hashlib.sha256).hexdigest()

    @classmethod
    def ephemeral(cls) -> KeyedHash:
        """A key that lives as long as the process: for a service built without one (tests, a
        memory store); identities hashed under it mean nothing to another process."""
        return cls(secrets.token_bytes(MIN_KEY_BYTES))
