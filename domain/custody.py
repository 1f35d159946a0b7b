"""Custody of the personal data of reporters and objectors (A23.1, A16.1; issue 14).

A23.1 asks a reporter for a real name and contact details, A16.1 (as the province applies it)
asks the same of an objector: the system must protect them as a whistle-blowing platform
protects its sources. So what identifies them, and what they wrote, is sealed before it is
stored: the event keeps a ciphertext (`Sealed`), encrypted under a data key of the report's
own, which is wrapped by a key-encryption key the store never holds. The domain sees only this
port; the composition root passes the vault (`greenlist.vault`: AES-256-GCM, RFC 3394 key
wrap, associated data binding each ciphertext to its aggregate and version).

What is sealed (the README's "Personal data" lists it too):
- a report (`ComplaintFiled`): the reporter's name and contact, the evidence, the statement, and
  the account that filed it (a token's holder);
- an objection (`ObjectionFiled`): the objector's name and contact, the evidence, the grounds,
  and the account that filed it.
The filing events themselves are recorded under the neutral reporter (`domain.reporters`), so
no stored column names the filer.

Reading a sealed record is an act (a disclosure, recorded with its reason); erasing one
destroys its data key (crypto-shredding): the event, and so its leaf in the verifiable log,
stays as it was, and the record can never be opened again."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol
from uuid import UUID

__all__ = [
    "LEGACY_PREFIX",
    "KeyDestroyed",
    "NoVault",
    "Sealer",
    "legacy_envelope",
]

LEGACY_PREFIX = "clear:"
"""An envelope of a record filed before sealing existed (an upcast event of class version 1):
its fields were stored in clear, and are read back as they were (see `legacy_envelope`)."""


class KeyDestroyed(LookupError):
    """The vault holds no data key for the subject any more (it was shredded): the caller
    turns it into the domain's `Erased`, naming what was erased and why."""


class Sealer(Protocol):
    """Seals and opens the personal data of one aggregate (its `subject`), under a data key of
    its own; `version` is the event's version, bound to the ciphertext with the subject, so a
    ciphertext copied into another record or event does not open."""

    def seal(self, subject: UUID, version: int, record: Mapping[str, Any]) -> str:
        """The stored envelope of `record` (JSON-able): its data key is created on the first
        seal of a subject, wrapped and kept outside the events."""
        ...

    def open(self, subject: UUID, version: int, envelope: str) -> dict[str, Any]:
        """The record sealed in `envelope`; raises `KeyDestroyed` when the subject's data key
        was destroyed (or never existed in this vault)."""
        ...

    def shred(self, subject: UUID) -> bool:
        """Destroy the subject's data key (every copy the vault holds): True if there was one."""
        ...

    def close(self) -> None:
        """Release what the vault holds open (its database's connections): the service's
        `close` closes its vault."""
        ...


class NoVault:
    """The port of a service built without a vault: it refuses to seal, so a report is never
    stored in clear by mistake (the composition root always passes one)."""

    def seal(self, subject: UUID, version: int, record: Mapping[str, Any]) -> str:
        raise RuntimeError("no vault is configured: personal data cannot be sealed")

    def open(self, subject: UUID, version: int, envelope: str) -> dict[str, Any]:
        if envelope.startswith(LEGACY_PREFIX):
            return opened_legacy(envelope)
        raise RuntimeError("no vault is configured: personal data cannot be opened")

    def shred(self, subject: UUID) -> bool:
        return False

    def close(self) -> None:
        pass


def legacy_envelope(record: Mapping[str, Any]) -> str:
    """The envelope an upcast reads for a filing stored in clear before sealing existed (class
    version 1). Its data stays where it was stored: erasing such a record destroys no key and
    hides it from every read, but the stored event still holds it (README, "Personal data")."""
    return LEGACY_PREFIX + json.dumps(dict(record), ensure_ascii=False, sort_keys=True)


def upcast_clear_filing(state: dict[str, Any], name: str, contact: str, statement: str) -> None:
    """Upcast a filing stored in clear (class version 1 of ComplaintFiled, ObjectionFiled):
    its personal fields, named as that version named them, and its actor (the filer) move
    into a legacy envelope, the shape version 2 reads."""
    state["sealed"] = legacy_envelope(
        {
            "name": state.pop(name),
            "contact": state.pop(contact),
            "evidence": state.pop("evidence"),
            "statement": state.pop(statement),
            "filed_by": [state["actor_id"], state["actor_role"], state["actor_region"]],
        }
    )


def opened_legacy(envelope: str) -> dict[str, Any]:
    opened: dict[str, Any] = json.loads(envelope.removeprefix(LEGACY_PREFIX))
    return opened
