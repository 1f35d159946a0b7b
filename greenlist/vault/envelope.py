"""Envelope encryption of one subject's personal data (issue 14 item 1; trust-and-console-notes
D): AES-256-GCM under a data key of the subject's own, the data key wrapped (RFC 3394 AES key
wrap) by a key-encryption key (KEK) that is configuration, never stored.

- A record is `v1.` + base64url(nonce ‖ ciphertext ‖ tag): a fresh 12-byte random nonce per
  record (NIST SP 800-38D §8.2.2; one data key seals a handful of records, far below the 2^32
  random nonces a key allows).
- The associated data binds the ciphertext to its place: the subject (the aggregate) and the
  event's version. A ciphertext copied into another report or another event fails its tag.
- AES key wrap is deterministic and needs no nonce, so one KEK may wrap any number of data keys
  (GCM-wrapping would spend the KEK's nonce budget on every report).
No home-made cryptography: every primitive is `cryptography`'s."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

FORMAT = "v1."
"""The envelope format's prefix: a later format gets another, and both stay readable."""

NONCE_BYTES = 12
KEY_BYTES = 32


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def associated_data(subject: UUID, version: int) -> bytes:
    """What the tag binds the ciphertext to: the format, the subject and the event's version."""
    return f"greenlist-sealed-v1\n{subject}\n{version}".encode()


def seal(data_key: bytes, subject: UUID, version: int, record: Mapping[str, Any]) -> str:
    plain = json.dumps(dict(record), ensure_ascii=False, sort_keys=True).encode()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, plain, associated_data(subject, version))
    return FORMAT + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def open_sealed(data_key: bytes, subject: UUID, version: int, envelope: str) -> dict[str, Any]:
    """The record; `cryptography.exceptions.InvalidTag` if it was altered or moved."""
    if not envelope.startswith(FORMAT):
        raise ValueError("not a sealed envelope of format v1")
    body = envelope.removeprefix(FORMAT)
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    plain = AESGCM(data_key).decrypt(nonce, sealed, associated_data(subject, version))
    record: dict[str, Any] = json.loads(plain)
    return record


def wrap(kek: bytes, data_key: bytes) -> bytes:
    return aes_key_wrap(kek, data_key)


def unwrap(kek: bytes, wrapped: bytes) -> bytes:
    """The data key; `cryptography.hazmat.primitives.keywrap.InvalidUnwrap` under another KEK."""
    return aes_key_unwrap(kek, wrapped)


def kek_id(kek: bytes) -> str:
    """A KEK's public name (which key wrapped a data key), revealing nothing of the key: 16 hex
    digits of a domain-separated SHA-256."""
    return hashlib.sha256(b"greenlist-vault-kek-id\n" + kek).hexdigest()[:16]
