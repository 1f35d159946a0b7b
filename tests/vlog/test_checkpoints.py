"""Signed checkpoints (issue 10 item 2): `greenlist checkpoint` and the scheduler sign the log's
size and root as a C2SP signed note with a key kept out of the database, write the witness copy
outside the store and keep the note in the store for `GET /api/v1/log/checkpoint`."""

from __future__ import annotations

import base64
import itertools
import os
import stat
from pathlib import Path

import pytest

from auditlog.offline import verify_checkpoint, verify_consistency
from auditlog.signing import SignerKey
from auditlog.tree import root_of
from domain.service import Greenlist
from greenlist import cli
from greenlist.adapters.stores import LeafStore
from greenlist.scheduling import checkpointing
from greenlist.settings import Settings
from greenlist.vlog.checkpoints import (
    LEAVES_FILE,
    checkpoint_path,
    held_checkpoints,
    write_checkpoint,
)
from greenlist.vlog.tree import tree_of
from projections.catalogue import all_projections
from projections.engine.db import Db
from projections.engine.runner import Runner
from simulation import scenarios as s

ORIGIN = "greenlist.test/zhejiang"


def leaves(app: Greenlist) -> LeafStore:
    store: LeafStore = app.recorder  # type: ignore[assignment]
    return store


def test_a_checkpoint_commits_to_every_leaf_and_is_held_outside(
    app: Greenlist, tmp_path: Path
) -> None:
    key = SignerKey.generate(ORIGIN)
    s.list_provincially(app, s.credit_code(21))
    size = leaves(app).leaf_count()
    checkpoint = write_checkpoint(app.recorder, key, tmp_path)
    assert checkpoint.size == size
    assert checkpoint.root == root_of(leaves(app).leaf_hashes(0, size))
    note = checkpoint_path(tmp_path, size).read_text(encoding="utf-8")
    assert verify_checkpoint(note, [key.verifier()]) == checkpoint
    stored = leaves(app).latest_checkpoint()
    assert stored is not None and stored.note == note and stored.size == size
    copy = (tmp_path / LEAVES_FILE).read_bytes()
    assert copy == b"".join(leaves(app).leaf_hashes(0, size))


def test_a_log_that_has_not_grown_is_not_signed_again(app: Greenlist, tmp_path: Path) -> None:
    key = SignerKey.generate(ORIGIN)
    s.register_and_cultivate(app, s.credit_code(22))
    first = write_checkpoint(app.recorder, key, tmp_path)
    again = write_checkpoint(app.recorder, key, tmp_path)
    assert again == first
    assert len(held_checkpoints(tmp_path)) == 1


def test_each_checkpoint_extends_the_one_before(app: Greenlist, tmp_path: Path) -> None:
    key = SignerKey.generate(ORIGIN)
    sizes = []
    for n in range(23, 27):
        s.register_and_cultivate(app, s.credit_code(n))
        sizes.append(write_checkpoint(app.recorder, key, tmp_path))
    tree = tree_of(app.recorder)
    for old, new in itertools.pairwise(sizes):
        proof = tree.consistency_proof(old.size, new.size)
        verify_consistency(old.size, new.size, old.root, new.root, proof)
    assert (tmp_path / LEAVES_FILE).stat().st_size == sizes[-1].size * 32


@pytest.mark.stores("sqlite")
def test_greenlist_log_key_and_checkpoint_keep_the_private_key_out_of_the_store(
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    app: Greenlist,
) -> None:
    s.register_and_cultivate(app, s.credit_code(27))
    key_file = tmp_path / "log.key"
    assert cli.main(["log-key", "--generate", str(key_file)]) == 0
    verifier = capsys.readouterr().out.strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert cli.main(["log-key", "--generate", str(key_file)]) == 2  # never overwritten
    capsys.readouterr()
    monkeypatch.setenv("GREENLIST_LOG_KEY_FILE", str(key_file))
    monkeypatch.setenv("GREENLIST_CHECKPOINT_DIR", str(tmp_path / "witness"))
    assert cli.main(["log-key", "--database-url", store_url]) == 0
    assert capsys.readouterr().out.strip() == verifier
    assert cli.main(["checkpoint", "--database-url", store_url]) == 0
    assert "checkpoint" in capsys.readouterr().out
    key = SignerKey.parse(key_file.read_text().strip())
    seed_text = key.text().split("+", 4)[4]  # PRIVATE+KEY+<name>+<id>+<key>
    database = Path(store_url.removeprefix("sqlite:///")).read_bytes()
    assert seed_text.encode() not in database
    assert base64.b64decode(seed_text)[1:] not in database
    assert held_checkpoints(tmp_path / "witness")


@pytest.mark.stores("sqlite")
def test_no_key_no_checkpoint(
    store_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GREENLIST_LOG_KEY_FILE", raising=False)
    assert cli.main(["checkpoint", "--database-url", store_url]) == 2
    assert "GREENLIST_LOG_KEY_FILE" in capsys.readouterr().err


@pytest.mark.stores("sqlite")
def test_the_scheduler_signs_checkpoints_when_a_key_is_configured(
    app: Greenlist, store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = SignerKey.generate(ORIGIN)
    key_file = tmp_path / "k"
    key_file.write_text(key.text())
    os.chmod(key_file, 0o600)
    monkeypatch.setenv("GREENLIST_CHECKPOINT_DIR", str(tmp_path / "w"))
    monkeypatch.delenv("GREENLIST_LOG_KEY_FILE", raising=False)
    nowhere = Settings.from_env(database_url="sqlite:////nonexistent/x.db")
    assert checkpointing(app, nowhere) == []  # no key: nothing signed
    monkeypatch.setenv("GREENLIST_LOG_KEY_FILE", str(key_file))
    monkeypatch.setenv("GREENLIST_CHECKPOINT_INTERVAL", "0")
    assert checkpointing(app, Settings.from_env(database_url=store_url)) == []  # turned off
    monkeypatch.setenv("GREENLIST_CHECKPOINT_INTERVAL", "600")
    (job,) = checkpointing(app, Settings.from_env(database_url=store_url))
    assert job.seconds == 600
    s.register_and_cultivate(app, s.credit_code(28))
    job.job()
    (held,) = held_checkpoints(tmp_path / "w")
    assert verify_checkpoint(held.note, [key.verifier()]).size == leaves(app).leaf_count()


@pytest.mark.stores("sqlite", "postgres")
def test_a_rebuild_of_the_read_models_changes_no_leaf(app: Greenlist, views: Db) -> None:
    """Leaves belong to the store's events: nothing a rebuild derives can change them."""
    s.list_provincially(app, s.credit_code(29))
    runner = Runner(app, views, all_projections())
    runner.catch_up()
    before = list(leaves(app).leaf_hashes(0, leaves(app).leaf_count()))
    runner.rebuild()
    assert list(leaves(app).leaf_hashes(0, leaves(app).leaf_count())) == before
