"""Issue 14: the vault's key-encryption key (KEK) is configuration (greenlist.vault.keys). On
PostgreSQL, shared by hosts, the server, the scheduler, the WSGI app and the export refuse to
start without one (a key generated on one host would leave the reports filed there unreadable
on the others); an embedded store generates its own beside it, readable by its owner only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from greenlist import cli, vault
from greenlist.settings import Settings
from greenlist.vault.keys import decode_key, key_ring, store_key_path

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
VAULT_ENV = ("GREENLIST_VAULT_KEY", "GREENLIST_VAULT_KEY_FILE")


@pytest.fixture
def no_vault_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deployment configured whole but for the vault's KEK."""
    for name in VAULT_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GREENLIST_TEST_CLOCK", raising=False)
    monkeypatch.setenv("GREENLIST_JWT_SECRET", "s" * 48)
    monkeypatch.setenv("GREENLIST_DATABASE_URL", POSTGRES)


def test_a_server_store_refuses_to_start_without_the_vault_key(tmp_path: Path) -> None:
    bare = Settings.from_env({}, database_url=POSTGRES)
    with pytest.raises(vault.KeyRequired, match="GREENLIST_VAULT_KEY"):
        vault.required_for_server(bare)
    key_file = tmp_path / "vault.key"
    key_file.write_text(vault.keys.new_key_text())
    for configured in (
        {"GREENLIST_VAULT_KEY": vault.keys.new_key_text()},
        {"GREENLIST_VAULT_KEY_FILE": str(key_file)},
        {"GREENLIST_TEST_CLOCK": "1"},
    ):
        vault.required_for_server(Settings.from_env(configured, database_url=POSTGRES))
    vault.required_for_server(Settings.from_env({}, database_url="sqlite:///var/x.db"))


@pytest.mark.parametrize(
    "command",
    [
        ["serve"],
        ["scheduler"],
        ["export", "list", "--format", "csv", "--out", "/dev/null"],
    ],
)
def test_every_server_command_refuses_without_the_vault_key(
    no_vault_key: None, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(command) == 2
    err = capsys.readouterr().err
    assert "GREENLIST_VAULT_KEY" in err and "Traceback" not in err


def test_the_wsgi_app_refuses_without_the_vault_key(no_vault_key: None) -> None:
    from greenlist.web import make_app

    with pytest.raises(vault.KeyRequired):
        make_app(follow=False)


def test_an_embedded_store_generates_its_own_key_readable_by_its_owner(tmp_path: Path) -> None:
    settings = Settings.from_env({}, database_url=f"sqlite:///{tmp_path}/g.db")
    first, again = key_ring(settings), key_ring(settings)
    assert first.current == again.current
    path = store_key_path(settings.store)
    assert path == tmp_path / "g.db.vault-key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert decode_key(path.read_text()) == first.current
    memory = Settings.from_env({}, database_url="memory://")
    assert key_ring(memory).current != key_ring(memory).current  # one per process's vault
