"""Processes starting at once (two web workers, a scheduler) each create the service's own tables
(`CREATE TABLE IF NOT EXISTS`): on PostgreSQL two such statements at once fail with a unique
violation in the catalogue, and a worker would not boot. Each setup takes the table's advisory
lock first (engine.db.Tx.one_setup_at_a_time)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from api.idempotency import Idempotency
from api.refusals import Refusals
from greenlist.settings import StoreUrl
from greenlist.vault import KeyRing, Vault
from greenlist.vault.envelope import new_data_key
from projections.engine.postgres_db import PostgresDb

SETUPS: dict[str, Callable[[PostgresDb], Any]] = {
    "refusals": Refusals,
    "idempotency": lambda db: Idempotency(db, b"k" * 32),
    "vault": lambda db: Vault(db, KeyRing(new_data_key())),
}


@pytest.mark.postgres
@pytest.mark.parametrize("setup", list(SETUPS))
def test_workers_starting_at_once_each_find_the_table_made_once(
    postgres_schema: str, setup: str
) -> None:
    store = StoreUrl.parse(postgres_schema)
    dbs = [PostgresDb(store.conninfo, store.schema) for _ in range(6)]
    start = threading.Barrier(len(dbs))
    failures: list[BaseException] = []

    def boot(db: PostgresDb) -> None:
        start.wait()
        try:
            SETUPS[setup](db)
        except BaseException as error:  # what would stop a worker from booting
            failures.append(error)

    threads = [threading.Thread(target=boot, args=(db,)) for db in dbs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for db in dbs:
        db.close()
    assert failures == []
