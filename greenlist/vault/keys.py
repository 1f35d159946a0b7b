"""The key-encryption key (KEK) of the vault: configuration, never in the store (issue 14).

Where it comes from, first found wins: `GREENLIST_VAULT_KEY` (base64url of 32 random bytes),
the file `GREENLIST_VAULT_KEY_FILE`, else, for an embedded (SQLite) store, a file generated
beside it once (`<store>.vault-key`, mode 0600, as the demo's other keys); a memory store gets
one for its process. A PostgreSQL store refuses to start without one configured
(`required_for_server`): its hosts must share it, and a key generated on one host would leave
the reports filed there unreadable on the others.

During a rotation (`greenlist vault rotate`) the next key of a generated key file is written
beside it first (`.next`), so a rotation cut short leaves both keys readable."""

from __future__ import annotations

import base64
import secrets
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from greenlist.settings import Settings, StoreUrl
from greenlist.vault.envelope import KEY_BYTES, kek_id
from greenlist.vlog.keys import write_private

__all__ = [
    "KeyRequired",
    "KeyRing",
    "decode_key",
    "encode_key",
    "key_ring",
    "new_key_text",
    "required_for_server",
    "store_key_path",
]


class KeyRequired(Exception):
    """A server store's service refuses to start without a configured KEK (zh/en)."""


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode().rstrip("=")


def decode_key(text: str) -> bytes:
    text = text.strip()
    key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(key) != KEY_BYTES:
        raise ValueError("a vault key is 32 bytes in base64url")
    return key


def new_key_text() -> str:
    return encode_key(secrets.token_bytes(KEY_BYTES))


@dataclass(frozen=True)
class KeyRing:
    """The KEK new data keys are wrapped under (`current`) and every KEK the vault can unwrap
    with, by id (the current one, and during a rotation the next or the previous one)."""

    current: bytes = field(repr=False)
    others: tuple[bytes, ...] = field(default=(), repr=False)

    @property
    def current_id(self) -> str:
        return kek_id(self.current)

    def by_id(self) -> dict[str, bytes]:
        return {kek_id(k): k for k in (self.current, *self.others)}

    def with_key(self, key: bytes) -> KeyRing:
        return KeyRing(self.current, (*self.others, key))


def store_key_path(store: StoreUrl) -> Path:
    return store.file_beside(".vault-key", "vault-key-{digest}")


def next_key_path(path: Path) -> Path:
    return path.with_name(path.name + ".next")


def required_for_server(settings: Settings) -> None:
    """`greenlist serve`, `greenlist scheduler` and the WSGI app refuse to start on PostgreSQL
    without a configured KEK (except with the test clock)."""
    if settings.store.kind != "postgres" or settings.test_clock or configured(settings):
        return
    raise KeyRequired(
        "GREENLIST_VAULT_KEY (or GREENLIST_VAULT_KEY_FILE) is not set: a PostgreSQL store needs "
        "the key that wraps the reporters' data keys, the same on every host (greenlist vault "
        "new-key) / 未设置GREENLIST_VAULT_KEY（或GREENLIST_VAULT_KEY_FILE）：PostgreSQL存储须配置"
        "各主机共用的举报人信息密钥加密密钥"
    )


def configured(settings: Settings) -> bool:
    return bool(settings.vault_key or settings.vault_key_file)


def key_ring(settings: Settings) -> KeyRing:
    """The KEK of a service (see the module's docstring for where it comes from)."""
    if settings.vault_key:
        return KeyRing(decode_key(settings.vault_key))
    if settings.vault_key_file:
        return KeyRing(decode_key(settings.vault_key_file.read_text()))
    if settings.store.kind == "memory":
        return KeyRing(secrets.token_bytes(KEY_BYTES))
    path = store_key_path(settings.store)
    if not path.exists():
        with suppress(FileExistsError):  # another process of the same store got there first
            write_private(path, new_key_text())
    ring = KeyRing(decode_key(path.read_text()))
    pending = next_key_path(path)
    if pending.exists():  # a rotation cut short: both keys unwrap
        ring = ring.with_key(decode_key(pending.read_text()))
    return ring
