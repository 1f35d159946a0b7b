"""Signing the log's checkpoints (the service's side): an Ed25519 note signer key in the text
form of Go's golang.org/x/mod/sumdb/note, `PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 ||
32-byte seed)>`, and notes signed with it (c2sp.org/signed-note) that `auditlog.offline`
verifies. The key's text is a secret: it is never printed, not even in the key's repr.
"""

from __future__ import annotations

import base64
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from auditlog.offline import Checkpoint, VerifierKey, checkpoint_text, key_id

_SIGNER = re.compile(r"PRIVATE\+KEY\+([^\s+]+)\+([0-9a-fA-F]{8})\+(\S+)")
_NAME = re.compile(r"[^\s+]+")
"""A key name: not empty, no space (Unicode's included) and no '+' (c2sp.org/signed-note)."""
_ED25519 = b"\x01"


class SignerKey:
    """An Ed25519 note signer: its name, and a private key given by its 32-byte seed."""

    def __init__(self, name: str, seed: bytes) -> None:
        if not _NAME.fullmatch(name):
            raise ValueError(f"key name {name!r} is empty or holds a space or '+'")
        if len(seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")
        self.name = name
        self._seed = bytes(seed)
        self._private = Ed25519PrivateKey.from_private_bytes(self._seed)
        self.public = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id(name, self.public)

    @classmethod
    def generate(cls, name: str) -> SignerKey:
        """A new key from the operating system's randomness."""
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def parse(cls, text: str) -> SignerKey:
        """Read `PRIVATE+KEY+<name>+<8 hex>+<base64(0x01 || seed)>`, refusing a key whose ID
        does not match its name and public key (a mistyped or tampered key)."""
        match = _SIGNER.fullmatch(text.strip())
        if not match:
            raise ValueError("a signer key reads PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>")
        try:
            raw = base64.b64decode(match[3], validate=True)
        except ValueError:
            raw = b""
        if len(raw) != 33 or raw[:1] != _ED25519 or base64.b64encode(raw).decode() != match[3]:
            raise ValueError("a signer key's last part is base64(0x01 || 32-byte Ed25519 seed)")
        key = cls(match[1], raw[1:])
        if key.key_id != bytes.fromhex(match[2]):
            raise ValueError("the signer key's ID does not match its name and public key")
        return key

    def text(self) -> str:
        """The key as `parse` reads it (a secret: store it as one)."""
        encoded = base64.b64encode(_ED25519 + self._seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{encoded}"

    def verifier_key(self) -> str:
        """The public verifier key, `<name>+<8 hex>+<base64(0x01 || public key)>`, for auditors."""
        encoded = base64.b64encode(_ED25519 + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def verifier(self) -> VerifierKey:
        """The verifier key as `auditlog.offline` uses it."""
        return VerifierKey(self.name, self.key_id, self.public)

    def sign_note(self, body: str) -> str:
        """The signed note: `body` (non-empty lines of text each ending "\\n"), a blank line and
        `— <name> <base64(key ID || signature)>` (U+2014, space)."""
        if not body.endswith("\n") or re.search(r"[\x00-\x09\x0b-\x1f]", body):
            raise ValueError("a note's text ends in a newline and holds no control character")
        signature = self._private.sign(body.encode("utf-8"))
        return f"{body}\n— {self.name} {base64.b64encode(self.key_id + signature).decode()}\n"

    def __repr__(self) -> str:
        return f"SignerKey({self.verifier_key()!r})"


def sign_checkpoint(cp: Checkpoint, key: SignerKey) -> str:
    """The checkpoint as a note signed by `key` (whose name should be the checkpoint's origin)."""
    return key.sign_note(checkpoint_text(cp))
