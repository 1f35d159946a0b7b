"""`greenlist vault new-key|status|rotate` (issue 14 item 4): a rotation re-wraps every report's
and objection's data key under a new key-encryption key (KEK) and never touches the events: the
events' rows are the same bytes afterwards and `greenlist verify` still passes. A service
configured with only the new KEK then discloses every identity, the old one opens nothing, and
what was erased stays erased. A rotation of a store's generated key file survives a crash at
any point (the next key is written beside it first)."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest

from domain.clock import SettableClock
from domain.errors import Erased
from domain.service import Greenlist
from greenlist import cli
from greenlist.adapters.stores.restricted import append_only_tables
from greenlist.config import build_service
from greenlist.settings import Settings, StoreUrl
from greenlist.vault import UnknownKey, Vault, envelope
from greenlist.vault.keys import decode_key, encode_key, next_key_path, store_key_path
from tests.custody_steps import HANGZHOU, agency, report, reporter_name, vault_of
from tests.on_time import on_time

NAMES = ["陈一", "林二", "张三"]
VAULT_ENV = ("GREENLIST_VAULT_KEY", "GREENLIST_VAULT_KEY_FILE")


def events(url: str) -> list[tuple[Any, ...]]:
    """Every row of the event store's table, as stored."""
    store = StoreUrl.parse(url)
    if store.kind == "sqlite":
        with sqlite3.connect(str(store.sqlite_file)) as db:
            return db.execute("SELECT rowid, * FROM stored_events ORDER BY rowid").fetchall()
    with psycopg.connect(store.conninfo) as conn:
        table = f"{store.schema_name}.{append_only_tables(Greenlist.name.lower())[0]}"
        return conn.execute(f"SELECT * FROM {table} ORDER BY notification_id").fetchall()  # type: ignore[arg-type]


def service(url: str) -> Greenlist:
    """A service as a process starts it: its vault's KEK from the environment as it is now."""
    app: Greenlist = on_time(build_service(url, SettableClock(datetime(2025, 1, 1, tzinfo=UTC))))
    return app


@pytest.fixture
def reports(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[UUID]]:
    """Three reports filed (the last one erased by order) with the KEK configured now."""
    app = service(store_url)
    against = agency(app)
    filed = [report(app, against, name, date(2025, 2, 1)) for name in NAMES]
    app.erase_reporter_data(HANGZHOU, filed[-1], "举报人申请删除")
    app.close()
    yield filed


@pytest.fixture
def signed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A log signing key and a witness directory, so that `greenlist verify` checks the log's
    checkpoints too."""
    key_file = tmp_path / "log.key"
    assert cli.main(["log-key", "--generate", str(key_file)]) == 0
    monkeypatch.setenv("GREENLIST_LOG_KEY_FILE", str(key_file))
    monkeypatch.setenv("GREENLIST_CHECKPOINT_DIR", str(tmp_path / "witness"))
    capsys.readouterr()


def readable(url: str, reports: list[UUID]) -> list[str]:
    """The reporters' names a service started now discloses (the erased one refused)."""
    app = service(url)
    try:
        with pytest.raises(Erased):
            reporter_name(app, reports[-1])
        return [reporter_name(app, r) for r in reports[:-1]]
    finally:
        app.close()


def opens_nothing(url: str, reports: list[UUID]) -> bool:
    app = service(url)
    try:
        for complaint in reports[:-1]:
            with pytest.raises(UnknownKey):
                reporter_name(app, complaint)
        return True
    finally:
        app.close()


def configured_key(url: str) -> str:
    """The KEK the tests configure (tests/conftest.py)."""
    key = Settings.from_env(database_url=url).vault_key
    assert key is not None
    return key


def vault(args: list[str], url: str) -> int:
    return cli.main(["vault", *args, "--database-url", url])


# --- a store's generated key file (the demo, the embedded store) ---------------------------


@pytest.fixture
def generated(monkeypatch: pytest.MonkeyPatch) -> None:
    """No KEK configured: the embedded store's key file is generated beside it."""
    for name in VAULT_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.stores("sqlite")
def test_rotating_the_generated_key_file_leaves_the_events_as_they_were(
    generated: None,
    signed: None,
    store_url: str,
    reports: list[UUID],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = store_key_path(StoreUrl.parse(store_url))
    old = path.read_text()
    assert cli.main(["checkpoint", "--database-url", store_url]) == 0
    before = events(store_url)
    assert len(before) == 5  # the agency, three reports, an erasure
    assert cli.main(["verify", "--database-url", store_url]) == 0
    capsys.readouterr()

    assert vault(["rotate"], store_url) == 0
    out = capsys.readouterr().out
    assert "re-wrapped 2 data keys" in out and "1 shredded" in out

    assert events(store_url) == before  # the same rows, byte for byte
    assert cli.main(["verify", "--database-url", store_url]) == 0
    assert path.read_text() != old and not next_key_path(path).exists()
    assert [p.name for p in path.parent.iterdir() if "vault-key" in p.name] == [path.name]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert readable(store_url, reports) == NAMES[:-1]
    capsys.readouterr()
    assert vault(["status"], store_url) == 0
    status = capsys.readouterr().out
    new_id = envelope.kek_id(decode_key(path.read_text()))
    assert f"{new_id}         2  current" in status and "shredded data keys: 1" in status
    monkeypatch.setenv("GREENLIST_VAULT_KEY", old.strip())  # the old key alone
    assert opens_nothing(store_url, reports)


@pytest.mark.stores("sqlite")
def test_a_rotation_cut_short_leaves_every_report_readable_and_finishes_when_run_again(
    generated: None,
    store_url: str,
    reports: list[UUID],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = store_key_path(StoreUrl.parse(store_url))
    old = decode_key(path.read_text())

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the operator's Ctrl-C, a killed process

    with monkeypatch.context() as m:  # 1. cut short after .next was written
        m.setattr(Vault, "rotate", crash)
        with pytest.raises(KeyboardInterrupt):
            vault(["rotate"], store_url)
    pending = next_key_path(path)
    new = decode_key(pending.read_text())
    assert readable(store_url, reports) == NAMES[:-1]

    calls = {"n": 0}  # 2. cut short half way: one data key re-wrapped, then the crash
    wrap = envelope.wrap

    def wrap_once(kek: bytes, data_key: bytes) -> bytes:
        calls["n"] += 1
        if calls["n"] > 1:
            raise KeyboardInterrupt
        return wrap(kek, data_key)

    app = service(store_url)
    with monkeypatch.context() as m:
        m.setattr(envelope, "wrap", wrap_once)
        with pytest.raises(KeyboardInterrupt):
            vault_of(app).rotate(new, batch=1)
    assert vault_of(app).status().live == {envelope.kek_id(old): 1, envelope.kek_id(new): 1}
    app.close()
    assert readable(store_url, reports) == NAMES[:-1]

    with monkeypatch.context() as m:  # 3. cut short after every key was re-wrapped
        m.setattr("greenlist.vault.commands.os.replace", crash)
        with pytest.raises(KeyboardInterrupt):
            vault(["rotate"], store_url)
    assert decode_key(pending.read_text()) == new  # the same next key, never a third
    assert readable(store_url, reports) == NAMES[:-1]

    assert vault(["rotate"], store_url) == 0  # run again: it finishes
    assert decode_key(path.read_text()) == new and not pending.exists()
    assert readable(store_url, reports) == NAMES[:-1]
    monkeypatch.setenv("GREENLIST_VAULT_KEY", encode_key(old))
    assert opens_nothing(store_url, reports)


# --- a configured KEK (production: GREENLIST_VAULT_KEY or _FILE) ----------------------------


@pytest.mark.stores("sqlite", "postgres")
def test_rotating_a_configured_key_to_a_new_key_file(
    signed: None,
    store_url: str,
    reports: list[UUID],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = configured_key(store_url)
    assert cli.main(["checkpoint", "--database-url", store_url]) == 0
    before = events(store_url)
    assert len(before) == 5  # the agency, three reports, an erasure
    new_file = tmp_path / "keys" / "vault.key"

    assert vault(["rotate"], store_url) == 2  # where would the new key go?
    assert "--to" in capsys.readouterr().err
    assert vault(["rotate", "--to", str(new_file)], store_url) == 2  # no such file
    assert vault(["rotate", "--to", str(new_file), "--generate"], store_url) == 0
    assert "re-wrapped 2 data keys" in capsys.readouterr().out
    assert stat.S_IMODE(new_file.stat().st_mode) == 0o600
    written = new_file.read_text()
    assert vault(["rotate", "--to", str(new_file), "--generate"], store_url) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert new_file.read_text() == written
    assert events(store_url) == before
    assert cli.main(["verify", "--database-url", store_url]) == 0

    monkeypatch.delenv("GREENLIST_VAULT_KEY")
    monkeypatch.setenv("GREENLIST_VAULT_KEY_FILE", str(new_file))
    assert readable(store_url, reports) == NAMES[:-1]
    capsys.readouterr()
    assert vault(["status"], store_url) == 0
    assert f"GREENLIST_VAULT_KEY_FILE={new_file}" in capsys.readouterr().out
    monkeypatch.delenv("GREENLIST_VAULT_KEY_FILE")
    monkeypatch.setenv("GREENLIST_VAULT_KEY", old)
    assert opens_nothing(store_url, reports)


@pytest.mark.stores("sqlite", "postgres")
def test_keys_left_under_the_old_key_are_reported_and_rewrapped_with_from(
    store_url: str,
    reports: list[UUID],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A host still configured with the old KEK filed a report during the rotation: `status`
    says its data key is under a KEK the new configuration does not give (exit 1), `rotate`
    cannot re-wrap it without that KEK (exit 1) and does with `--from OLDFILE`."""
    old = configured_key(store_url)
    old_file, new_file = tmp_path / "old.key", tmp_path / "new.key"
    old_file.write_text(old)
    assert vault(["rotate", "--to", str(new_file), "--generate"], store_url) == 0
    app = service(store_url)  # still configured with the old key
    late = report(app, agency(app, 602), "王五", date(2025, 2, 3))
    app.close()
    monkeypatch.setenv("GREENLIST_VAULT_KEY", new_file.read_text().strip())
    capsys.readouterr()
    assert vault(["status"], store_url) == 1
    assert envelope.kek_id(decode_key(old)) in capsys.readouterr().err
    assert vault(["rotate", "--to", str(new_file)], store_url) == 1
    assert "--from" in capsys.readouterr().err
    assert vault(["rotate", "--to", str(new_file), "--from", str(old_file)], store_url) == 0
    assert "re-wrapped 1 data keys" in capsys.readouterr().out
    assert vault(["status"], store_url) == 0
    assert readable(store_url, [*reports[:-1], late, reports[-1]]) == [*NAMES[:-1], "王五"]


def test_new_key_prints_a_fresh_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["vault", "new-key"]) == 0
    first = capsys.readouterr().out.strip()
    assert cli.main(["vault", "new-key"]) == 0
    second = capsys.readouterr().out.strip()
    assert len(decode_key(first)) == 32 and first != second


def test_a_memory_store_has_nothing_to_rotate(
    generated: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert vault(["rotate"], "memory://") == 2
    assert "memory" in capsys.readouterr().err
