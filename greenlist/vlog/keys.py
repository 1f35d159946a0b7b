"""Where the log's signing key, origin and witness directory come from.

The private half of the checkpoint key is never in the database: production names a file
(`GREENLIST_LOG_KEY_FILE`, the signer key in the signed-note format
`PRIVATE+KEY+<name>+<id>+<key>`, readable by the signing process only). The demo and the test
clock generate one per store, next to the SQLite file (mode 0600), as they do their token
secret. Checkpoints are also written to a directory outside the store
(`GREENLIST_CHECKPOINT_DIR`): the witness copy that the audit office keeps."""

from __future__ import annotations

import os
from pathlib import Path

from auditlog.offline import VerifierKey, parse_verifier_key
from auditlog.signing import SignerKey
from greenlist.settings import (
    CHECKPOINT_DIR,
    LOG_KEY_FILE,
    LOG_ORIGIN,
    LOG_VERIFIER_KEYS,
    Settings,
    StoreUrl,
)

KEY_FILE_SETTING = LOG_KEY_FILE
ORIGIN_SETTING = LOG_ORIGIN
WITNESS_SETTING = CHECKPOINT_DIR
VERIFIER_KEYS_SETTING = LOG_VERIFIER_KEYS


class KeyUnavailable(Exception):
    """No signing key is configured (message in Chinese and English)."""


def witness_dir(settings: Settings) -> Path:
    """`GREENLIST_CHECKPOINT_DIR`, else `<store>.checkpoints/` beside the embedded store."""
    return settings.checkpoint_dir or settings.store.file_beside(
        ".checkpoints", "{digest}.checkpoints"
    )


def store_key_path(store: StoreUrl) -> Path:
    return store.file_beside(".log-key", "{digest}.log-key")


def _read_key(path: Path) -> SignerKey:
    return SignerKey.parse(path.read_text().strip())


def signer(settings: Settings, generate: bool = False) -> SignerKey:
    """The checkpoint signer: `GREENLIST_LOG_KEY_FILE`, else the key generated for this store
    by the demo or the test clock (`generate` creates it once, 0600); else `KeyUnavailable`."""
    if settings.log_key_file:
        return _read_key(settings.log_key_file)
    path = store_key_path(settings.store)
    if path.exists():
        return _read_key(path)
    if not generate:
        raise KeyUnavailable(
            f"{KEY_FILE_SETTING} is not set and no key was generated for this store: "
            f"create one with `greenlist log-key --generate FILE` / "
            f"未配置日志签名密钥（{KEY_FILE_SETTING}）"
        )
    key = SignerKey.generate(settings.log_origin)
    write_private(path, key.text())
    return key


def write_private(path: Path, text: str) -> None:
    """Create a file only its owner may read (0600 from the start); never overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(text + "\n")


def verifier_keys(settings: Settings, given: list[str] | None = None) -> list[VerifierKey]:
    """The keys a checkpoint is checked with: those given (`--key`), else
    `GREENLIST_LOG_VERIFIER_KEYS` (one per line or comma-separated), else the public half of
    the configured signer."""
    texts = list(given or settings.log_verifier_keys)
    if not texts:
        texts = [signer(settings).verifier_key()]
    return [parse_verifier_key(t) for t in texts]
