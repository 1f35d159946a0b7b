"""A22.3's identity key (greenlist.identity_key): configured like the token secret, at least 32
bytes; unset, a store keeps one of its own (0600) so that one person hashes alike across
restarts."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from greenlist import identity_key
from greenlist.settings import IDENTITY_KEY, Settings, SettingsError

NUMBER = "110105197501010018"


def test_a22_3_a_configured_key_is_used_and_a_short_one_refused() -> None:
    key = "k" * 32
    settings = Settings.from_env({IDENTITY_KEY: key}, database_url="memory://")
    assert identity_key.for_service(settings)(NUMBER) == identity_key.KeyedHash(key.encode())(
        NUMBER
    )
    with pytest.raises(SettingsError, match=IDENTITY_KEY):
        Settings.from_env({IDENTITY_KEY: "k" * 31})


def test_a22_3_a_store_without_a_key_keeps_its_own(tmp_path: Path) -> None:
    settings = Settings.from_env({}, database_url=f"sqlite:///{tmp_path}/g.db")
    first, again = identity_key.for_service(settings), identity_key.for_service(settings)
    assert first(NUMBER) == again(NUMBER) and len(first(NUMBER)) == 64
    path = identity_key.store_key_path(settings.store)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert NUMBER not in first(NUMBER)


def test_a_server_store_refuses_to_start_without_the_key() -> None:
    """A22.3: on PostgreSQL every host must hash with one key, or one person's agencies would
    count on different quotas; serve, the scheduler and the WSGI app refuse to start."""
    from greenlist.identity_key import KeyRequired, required_for_server

    url = "postgresql://postgres@127.0.0.1:5432/test"
    bare = Settings.from_env({}, database_url=url)
    with pytest.raises(KeyRequired, match="GREENLIST_IDENTITY_KEY"):
        required_for_server(bare)
    required_for_server(Settings.from_env({"GREENLIST_IDENTITY_KEY": "k" * 32}, database_url=url))
    required_for_server(Settings.from_env({"GREENLIST_TEST_CLOCK": "1"}, database_url=url))
    required_for_server(Settings.from_env({}, database_url="sqlite:///var/x.db"))
