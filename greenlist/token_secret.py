"""The secret that signs bearer tokens (issue 9, item 1: no published secret).

Production sets `GREENLIST_JWT_SECRET` (at least 32 bytes, RFC 7518 §3.2: an HS256 key is at
least as long as the hash). Nothing starts without it, except the demo (`greenlist serve
--demo`, `make run`) and the test clock (`GREENLIST_TEST_CLOCK=1`): they generate a random
secret for their store, kept next to the SQLite file (mode 0600), so that a token printed for
one demo store opens nothing else. No secret is written in the source or the README any more;
the one that used to be is refused, so that nobody who read an old README can sign a token."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from greenlist.settings import JWT_SECRET, Settings, StoreUrl

SETTING = JWT_SECRET
MIN_BYTES = 32
PUBLISHED = frozenset({"greenlist-local-development-secret"})
"""Secrets that were printed in the source or the README: they sign nothing, anywhere."""


class SecretRefused(Exception):
    """The configured secret is missing, too short or published; the message says what to do,
    in Chinese and English."""


def check(secret: str) -> str:
    """A usable secret: at least 32 bytes (UTF-8) and never one that holds a published one
    (with a newline or a space around it, say)."""
    if any(published in secret for published in PUBLISHED):
        raise SecretRefused(
            f"{SETTING} is a secret printed in greenlist's own sources: choose your own, e.g. "
            f"`python -c 'import secrets; print(secrets.token_urlsafe(48))'` / "
            f"{SETTING}是源码中公开过的密钥，请另行生成"
        )
    if len(secret.encode()) < MIN_BYTES:
        raise SecretRefused(
            f"{SETTING} must be at least {MIN_BYTES} bytes long (HS256 keys no shorter than the "
            f"hash, RFC 7518 §3.2) / {SETTING}至少须为{MIN_BYTES}字节"
        )
    return secret


def configured(settings: Settings) -> str | None:
    """`GREENLIST_JWT_SECRET` when it is set (checked), else None."""
    value = settings.jwt_secret
    return check(value) if value else None


def required(settings: Settings) -> str:
    """The configured secret; a service that verifies tokens refuses to start without one."""
    value = configured(settings)
    if value is None:
        raise SecretRefused(
            f"{SETTING} is not set: production needs a secret of at least {MIN_BYTES} bytes "
            f"(only `greenlist serve --demo` and GREENLIST_TEST_CLOCK=1 generate their own) / "
            f"未设置{SETTING}：生产环境必须配置至少{MIN_BYTES}字节的密钥"
        )
    return value


def store_secret_path(store: StoreUrl) -> Path:
    """Where the demo's generated secret of a store is kept: next to the SQLite file, or under
    `var/` for a server store (named by a digest of its URL, never the URL itself)."""
    return store.file_beside(".jwt-secret", "jwt-secret-{digest}")


def existing_store_secret(store: StoreUrl) -> str | None:
    """The demo secret generated earlier for this store, if any."""
    path = store_secret_path(store)
    try:
        return check(path.read_text().strip())
    except FileNotFoundError:
        return None


def store_secret(store: StoreUrl) -> str:
    """The demo's secret for this store: read, or generated once (48 random bytes, URL-safe)
    into a file only its owner may read (0600; created with that mode, never widened)."""
    found = existing_store_secret(store)
    if found is not None:
        return found
    path = store_secret_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of the same demo got there first
        return check(path.read_text().strip())
    with os.fdopen(fd, "w") as file:
        file.write(value + "\n")
    return value


def for_service(settings: Settings, generate: bool) -> str:
    """The secret a service verifies tokens with: the configured one, else (demo or test clock
    only, `generate`) the store's own; otherwise refused."""
    value = configured(settings)
    if value is not None:
        return value
    if generate:
        return store_secret(settings.store)
    return required(settings)
