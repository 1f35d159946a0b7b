"""The vault: sealed personal data (issue 14), the adapter of `domain.custody.Sealer`.

Each subject (a report, an objection) has a data key of its own, kept only wrapped by the KEK
(greenlist.vault.keys) in one row of the key table, outside the events:

- PostgreSQL: `greenlist_vault_keys` in the store's schema, owned by the service (the restricted
  writer may update it: shredding and rotation change it, the events never);
- SQLite: a file of its own beside the store (`<store>.vault`, 0600), so a copy of the events'
  file holds no key, and with `secure_delete` so a shredded key's bytes are overwritten;
- memory: an in-memory table that lives as long as the process.

Shredding overwrites the row's wrapped key with NULL and records when: the subject's sealed
records can never be opened again (`domain.custody.KeyDestroyed`). What the database keeps
elsewhere (PostgreSQL's dead tuples until VACUUM, its WAL and backups) expires with them: the
README's "Personal data" says how long. Rotation unwraps every live data key with the KEK it
was wrapped under and wraps it under the new one, in batches, without touching an event."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.custody import LEGACY_PREFIX, KeyDestroyed, opened_legacy
from greenlist.settings import Settings, StoreUrl
from greenlist.vault import envelope
from greenlist.vault.keys import KeyRequired, KeyRing, key_ring, required_for_server
from projections.engine.db import Db, Tx
from projections.engine.postgres_db import PostgresDb
from projections.engine.sqlite_db import SQLiteDb

__all__ = [
    "TABLE",
    "KeyRequired",
    "KeyRing",
    "Vault",
    "VaultStatus",
    "for_service",
    "required_for_server",
]

TABLE = "greenlist_vault_keys"


@dataclass(frozen=True)
class VaultStatus:
    """How many data keys are live under each KEK, and how many were shredded."""

    live: dict[str, int]
    shredded: int


class UnknownKey(Exception):
    """A data key wrapped under a KEK the vault was not given (zh/en)."""


class Vault:
    """Seals and opens subjects' personal data; shreds and re-wraps their data keys."""

    def __init__(self, db: Db, ring: KeyRing, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.ring = ring
        self.clock = clock
        with db.transaction() as tx:
            tx.one_setup_at_a_time(TABLE)  # workers starting at once: one creates it
            tx.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (subject TEXT PRIMARY KEY, "
                "kek_id TEXT NOT NULL, wrapped TEXT, created_at BIGINT NOT NULL, "
                "shredded_at BIGINT)"
            )

    # --- domain.custody.Sealer ----------------------------------------------------------

    def seal(self, subject: UUID, version: int, record: Mapping[str, Any]) -> str:
        return envelope.seal(self._data_key(subject, create=True), subject, version, record)

    def open(self, subject: UUID, version: int, sealed: str) -> dict[str, Any]:
        if sealed.startswith(LEGACY_PREFIX):
            return opened_legacy(sealed)
        return envelope.open_sealed(self._data_key(subject), subject, version, sealed)

    def shred(self, subject: UUID) -> bool:
        with self.db.transaction() as tx:
            if self.db.dialect == "sqlite":
                tx.execute("PRAGMA secure_delete=ON")
            tx.execute(
                f"UPDATE {TABLE} SET wrapped = NULL, kek_id = '', shredded_at = ? "
                "WHERE subject = ? AND wrapped IS NOT NULL",
                (_micros(self.clock()), str(subject)),
            )
            shredded = _rowcount(tx) > 0
        if shredded and isinstance(self.db, SQLiteDb):
            self.db.checkpoint()  # no older copy of the page left in the WAL
        return shredded

    def close(self) -> None:
        """Its database's connections closed (the service's `close`): on PostgreSQL each
        thread's stayed open until the vault was collected, and a test process of many
        services reached the server's 100 connections (issue 15's CI run)."""
        self.db.close()

    # --- operations ---------------------------------------------------------------------

    def rotate(self, new_kek: bytes, batch: int = 500) -> int:
        """Re-wrap every live data key under `new_kek` (the ring must unwrap the old ones);
        resumable: keys already under the new KEK are left. Returns how many were re-wrapped.
        After it the new KEK is the only one needed."""
        new_id = envelope.kek_id(new_kek)
        keks = self.ring.by_id()
        done = 0
        while True:
            with self.db.transaction() as tx:
                rows = tx.fetchall(
                    f"SELECT subject, kek_id, wrapped FROM {TABLE} WHERE wrapped IS NOT NULL "
                    "AND kek_id <> ? ORDER BY subject LIMIT ?",
                    (new_id, batch),
                )
                for row in rows:
                    data_key = self._unwrap(keks, row["kek_id"], row["wrapped"])
                    tx.execute(
                        f"UPDATE {TABLE} SET kek_id = ?, wrapped = ? WHERE subject = ? "
                        "AND kek_id = ?",
                        (
                            new_id,
                            _text(envelope.wrap(new_kek, data_key)),
                            row["subject"],
                            row["kek_id"],
                        ),
                    )
            done += len(rows)
            if len(rows) < batch:
                break
        self.ring = KeyRing(new_kek, (self.ring.current, *self.ring.others))
        return done

    def status(self) -> VaultStatus:
        rows = self.db.query(
            f"SELECT kek_id, count(*) AS n FROM {TABLE} WHERE wrapped IS NOT NULL GROUP BY kek_id"
        )
        shredded = self.db.query(f"SELECT count(*) AS n FROM {TABLE} WHERE wrapped IS NULL")
        return VaultStatus({r["kek_id"]: int(r["n"]) for r in rows}, int(shredded[0]["n"]))

    # --- data keys ----------------------------------------------------------------------

    def _data_key(self, subject: UUID, create: bool = False) -> bytes:
        """The subject's data key; with `create`, a new one when it has none. A filing seals a
        new subject: its key is inserted first, in one statement, and used as generated (no
        read back, no unwrap: two round trips fewer per filing, bench/sealing.py); only a
        subject that has a row already (a seal again, or one shredded) is read."""
        if create:
            data_key = envelope.new_data_key()
            with self.db.transaction() as tx:
                tx.execute(
                    f"INSERT INTO {TABLE} (subject, kek_id, wrapped, created_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (subject) DO NOTHING",
                    (
                        str(subject),
                        self.ring.current_id,
                        _text(envelope.wrap(self.ring.current, data_key)),
                        _micros(self.clock()),
                    ),
                )
                if _rowcount(tx) == 1:
                    return data_key
        with self.db.transaction() as tx:
            row = _row(tx, subject)
        if row is None or row["wrapped"] is None:
            raise KeyDestroyed(str(subject))
        return self._unwrap(self.ring.by_id(), row["kek_id"], row["wrapped"])

    @staticmethod
    def _unwrap(keks: Mapping[str, bytes], kek_id: str, wrapped: str) -> bytes:
        kek = keks.get(kek_id)
        if kek is None:
            raise UnknownKey(
                f"a data key is wrapped under KEK {kek_id}, which is not configured "
                f"(GREENLIST_VAULT_KEY) / 数据密钥由未配置的密钥加密密钥{kek_id}封装"
            )
        return envelope.unwrap(kek, base64.b64decode(wrapped))


def _row(tx: Tx, subject: UUID) -> dict[str, Any] | None:
    rows = tx.fetchall(f"SELECT kek_id, wrapped FROM {TABLE} WHERE subject = ?", (str(subject),))
    return rows[0] if rows else None


def _rowcount(tx: Tx) -> int:
    return int(tx.cursor.rowcount or 0)


def _text(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _micros(seconds: float) -> int:
    return int(seconds * 1_000_000)


def key_db(store: StoreUrl) -> Db:
    """Where a store's wrapped data keys live (see the module's docstring)."""
    if store.kind == "postgres":
        return PostgresDb(store.conninfo, store.schema)
    if store.sqlite_file:
        return SQLiteDb(f"{store.sqlite_file}.vault")
    return SQLiteDb(":memory:")


def for_service(settings: Settings, ring: KeyRing | None = None) -> Vault:
    """The vault of a service on the configured store, under the configured KEK."""
    return Vault(key_db(settings.store), ring or key_ring(settings))
