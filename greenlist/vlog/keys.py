"""Where the log's signing key, origin and witness directory come from.

The private half of the checkpoint key is never in the database: production names a file
(`GREENLIST_LOG_KEY_FILE`, the signer key in the signed-note format
`PRIVATE+KEY+<name>+<id>+<key>`, readable by the signing process only). The demo and the test
clock generate one per store, next to the SQLite file (mode 0600), as they do their token
secret. Checkpoints are also written to a directory outside the store
(`GREENLIST_CHECKPOINT_DIR`): the witness copy that the audit office keeps."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from auditlog.offline import VerifierKey, parse_verifier_key
from auditlog.signing import SignerKey

KEY_FILE_SETTING = "GREENLIST_LOG_KEY_FILE"
ORIGIN_SETTING = "GREENLIST_LOG_ORIGIN"
WITNESS_SETTING = "GREENLIST_CHECKPOINT_DIR"
VERIFIER_KEYS_SETTING = "GREENLIST_LOG_VERIFIER_KEYS"
DEFAULT_ORIGIN = "greenlist.zhejiang.local/green-manufacturing"
"""The checkpoint origin (c2sp.org/tlog-checkpoint: a schema-less URL naming the log); the key
name equals it. Set `GREENLIST_LOG_ORIGIN` to the log's real address."""


class KeyUnavailable(Exception):
    """No signing key is configured (message in Chinese and English)."""


def origin() -> str:
    value = os.environ.get(ORIGIN_SETTING, DEFAULT_ORIGIN).strip()
    if not value or any(c.isspace() or c == "+" for c in value):
        raise ValueError(f"{ORIGIN_SETTING} must be non-empty, without spaces or '+'")
    return value


def _store_file(url: str, suffix: str) -> Path:
    """A file that belongs to a store: next to its SQLite file, else under `var/` named by a
    digest of its URL (never the URL, which may hold a password)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.netloc + parsed.path[1:])
        if path and path != ":memory:":
            return Path(path + suffix)
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return Path("var") / f"{digest}{suffix}"


def witness_dir(url: str) -> Path:
    """`GREENLIST_CHECKPOINT_DIR`, else `<store>.checkpoints/` beside the embedded store."""
    configured = os.environ.get(WITNESS_SETTING)
    return Path(configured) if configured else _store_file(url, ".checkpoints")


def store_key_path(url: str) -> Path:
    return _store_file(url, ".log-key")


def _read_key(path: Path) -> SignerKey:
    return SignerKey.parse(path.read_text().strip())


def signer(url: str, generate: bool = False) -> SignerKey:
    """The checkpoint signer: `GREENLIST_LOG_KEY_FILE`, else the key generated for this store
    by the demo or the test clock (`generate` creates it once, 0600); else `KeyUnavailable`."""
    configured = os.environ.get(KEY_FILE_SETTING)
    if configured:
        return _read_key(Path(configured))
    path = store_key_path(url)
    if path.exists():
        return _read_key(path)
    if not generate:
        raise KeyUnavailable(
            f"{KEY_FILE_SETTING} is not set and no key was generated for this store: "
            f"create one with `greenlist log-key --generate FILE` / "
            f"未配置日志签名密钥（{KEY_FILE_SETTING}）"
        )
    key = SignerKey.generate(origin())
    write_private(path, key.text())
    return key


def write_private(path: Path, text: str) -> None:
    """Create a file only its owner may read (0600 from the start); never overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(text + "\n")


def verifier_keys(url: str, given: list[str] | None = None) -> list[VerifierKey]:
    """The keys a checkpoint is checked with: those given (`--key`), else
    `GREENLIST_LOG_VERIFIER_KEYS` (one per line or comma-separated), else the public half of
    the configured signer."""
    texts = list(given or [])
    if not texts:
        raw = os.environ.get(VERIFIER_KEYS_SETTING, "")
        texts = [t.strip() for t in raw.replace(",", "\n").splitlines() if t.strip()]
    if not texts:
        texts = [signer(url).verifier_key()]
    return [parse_verifier_key(t) for t in texts]
