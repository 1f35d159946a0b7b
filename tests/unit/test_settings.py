"""Issue 11 item 4: one settings object, read once at each process's root and passed down; the
store's URL parsed once; every setting documented and validated at load, in Chinese and
English; the adapters in one package, the old eventsourcing topics still resolving."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from eventsourcing.utils import resolve_topic

from api.limits import DEFAULT_FILING_LIMIT
from domain.clock import SettableClock
from domain.service import Greenlist
from greenlist import cli
from greenlist.adapters.stores.memory import TimelinePOPOFactory
from greenlist.adapters.stores.postgres import TimelinePostgresFactory, TimelinePostgresRecorder
from greenlist.adapters.stores.sqlite import TimelineSQLiteRecorder
from greenlist.config import notice_period, store_env
from greenlist.settings import (
    DEFAULT_CLAIM_SECONDS,
    REQUEST_TIMEOUT_SECONDS,
    Settings,
    SettingsError,
    StoreUrl,
    describe,
)
from greenlist.settings import (
    DEFAULT_FILING_LIMIT as SETTINGS_FILING_LIMIT,
)
from greenlist.worker import REQUEST_TIMEOUT
from simulation import scenarios as s
from tests.on_time import on_time

ROOT = Path(__file__).resolve().parents[2]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_the_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})
    assert settings.store.kind == "sqlite" and settings.store.path == "var/greenlist.db"
    assert settings.cache_mode == "trusted" and not settings.restricted_writer
    assert settings.token_max_lifetime == timedelta(hours=24)
    assert settings.filing_limit == DEFAULT_FILING_LIMIT == SETTINGS_FILING_LIMIT
    assert notice_period(settings).days == 15 and notice_period(settings).working is None
    assert settings.idempotency_claim_seconds == DEFAULT_CLAIM_SECONDS == REQUEST_TIMEOUT + 60
    assert REQUEST_TIMEOUT_SECONDS == REQUEST_TIMEOUT
    assert (settings.ready_max_lag, settings.checkpoint_interval) == (1000, 3600)


def test_each_variable_sets_its_field() -> None:
    settings = Settings.from_env(
        {
            "GREENLIST_DATABASE_URL": "postgresql://app:pw@db:5433/prod?schema=gl",
            "GREENLIST_RESTRICTED_WRITER": "1",
            "GREENLIST_TOKEN_MAX_HOURS": "2",
            "GREENLIST_TEST_CLOCK": "1",
            "GREENLIST_NOTICE_DAYS": "10",
            "GREENLIST_NOTICE_WORKING_DAYS": "yes",
            "GREENLIST_RECONNECT_INITIAL": "0.5",
            "GREENLIST_IDEMPOTENCY_CLAIM_SECONDS": "120",
            "GREENLIST_LOG_VERIFIER_KEYS": "a+1+x, b+2+y",
            "GREENLIST_CHECKPOINT_DIR": "/w",
        }
    )
    assert settings.store.kind == "postgres" and settings.cache_mode == "checked"
    assert (settings.store.host, settings.store.port, settings.store.dbname) == ("db", 5433, "prod")
    assert (settings.store.user, settings.store.password, settings.store.schema) == (
        "app",
        "pw",
        "gl",
    )
    assert settings.restricted_writer and settings.test_clock
    assert settings.token_max_lifetime == timedelta(hours=2)
    assert (settings.notice_days, settings.notice_working_days) == (10, True)
    assert settings.reconnect_initial == 0.5 and settings.idempotency_claim_seconds == 120
    assert settings.log_verifier_keys == ("a+1+x", "b+2+y")
    assert settings.checkpoint_dir == Path("/w")


def test_an_empty_variable_counts_as_unset_and_a_commands_url_stands_in() -> None:
    settings = Settings.from_env(
        {"GREENLIST_DATABASE_URL": "", "GREENLIST_NOTICE_DAYS": ""}, database_url="memory://"
    )
    assert settings.store.kind == "memory" and settings.notice_days == 15
    assert settings.with_store(None) is settings
    assert settings.with_store("sqlite:///x.db").store.sqlite_file == "x.db"
    assert settings.with_checked_cache().cache_mode == "checked"
    off = Settings.from_env({"GREENLIST_AGGREGATE_CACHE": "off"})
    assert off.with_checked_cache().cache_mode == "off"  # configured wins


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GREENLIST_DATABASE_URL", "mysql://db/x"),
        ("GREENLIST_DATABASE_URL", "sqlite://"),
        ("GREENLIST_DATABASE_URL", "postgresql://db:port/x"),
        ("GREENLIST_RESTRICTED_WRITER", "yes"),
        ("GREENLIST_RESTRICTED_WRITER", "1"),  # on the default SQLite store
        ("GREENLIST_AGGREGATE_CACHE", "sometimes"),
        ("GREENLIST_TOKEN_MAX_HOURS", "800"),
        ("GREENLIST_TEST_CLOCK", "true"),
        ("GREENLIST_FILING_LIMIT", "often"),
        ("GREENLIST_NOTICE_DAYS", "fifteen"),
        ("GREENLIST_NOTICE_WORKING_DAYS", "maybe"),
        ("GREENLIST_READY_MAX_LAG", "-1"),
        ("GREENLIST_READY_MAX_LAG", "1.5"),
        ("GREENLIST_RECONNECT_INITIAL", "0"),
        ("GREENLIST_RECONNECT_INITIAL", "9"),  # more than the maximum
        ("GREENLIST_IDEMPOTENCY_CLAIM_SECONDS", "soon"),
        ("GREENLIST_CHECKPOINT_INTERVAL", "-5"),
        ("GREENLIST_LOG_ORIGIN", "a log+name"),
    ],
)
def test_an_unusable_value_is_refused_at_load_naming_it_in_chinese_and_english(
    variable: str, value: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({variable: value})
    assert refused.value.name == variable and str(refused.value).startswith(variable)
    assert CHINESE.search(refused.value.zh) and not CHINESE.search(refused.value.en)


def test_a_command_with_unusable_settings_exits_2_saying_which(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GREENLIST_READY_MAX_LAG", "lots")
    assert cli.main(["tick", "--until", "2025-01-01", "--database-url", "memory://"]) == 2
    err = capsys.readouterr().err
    assert "GREENLIST_READY_MAX_LAG" in err and "整数" in err


def test_the_store_url_is_parsed_once_and_its_password_never_shown() -> None:
    store = StoreUrl.parse("postgresql://app:s3cret@db/prod?schema=gl")
    assert store.conninfo == "postgresql://app:s3cret@db/prod" and store.schema_name == "gl"
    assert "s3cret" not in repr(store) and "s3cret" not in store.redacted()
    assert "s3cret" not in repr(Settings(store=store, jwt_secret="x" * 40))
    assert "x" * 40 not in repr(Settings(jwt_secret="x" * 40))
    sqlite = StoreUrl.parse("sqlite:////tmp/a.db")
    assert sqlite.sqlite_file == "/tmp/a.db"
    assert sqlite.file_beside(".log-key", "{digest}.log-key") == Path("/tmp/a.db.log-key")
    beside = store.file_beside(".log-key", "{digest}.log-key")
    assert beside.parent == Path("var") and "s3cret" not in str(beside)
    assert StoreUrl.parse("sqlite:///:memory:").sqlite_file is None


def test_every_setting_is_documented_in_the_code_and_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    table = describe()
    for f in fields(Settings):
        assert f.metadata["env"].startswith("GREENLIST_") and len(f.metadata["why"]) > 20
        assert f"`{f.metadata['env']}`" in table
        assert f.metadata["env"] in readme, f"README does not mention {f.metadata['env']}"


SOURCES = ("api", "domain", "greenlist", "projections", "scheduler", "auditlog")
READS_ENVIRONMENT = {"greenlist/settings.py"}
"""The one module that reads the process's environment (greenlist.serve copies it, unread, for
the scheduler it starts)."""


def test_nothing_below_the_settings_reads_the_environment() -> None:
    readers = set()
    for package in SOURCES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                    owner = node.value
                    if isinstance(owner, ast.Name) and owner.id == "os":
                        readers.add(str(path.relative_to(ROOT)))
    assert readers <= READS_ENVIRONMENT | {"greenlist/serve.py", "api/metrics.py"}
    serve = (ROOT / "greenlist/serve.py").read_text()
    assert serve.count("os.environ") == 1 and "dict(os.environ)" in serve
    # api.metrics writes, never reads, the one variable prometheus-client's multiprocess mode
    # takes its directory from (the directory itself comes from serve)
    metrics = (ROOT / "api/metrics.py").read_text()
    assert metrics.count("os.environ") == 1
    assert 'os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory' in metrics


def test_eventsourcing_settings_written_with_the_old_store_topics_still_resolve() -> None:
    """Before issue 11 the stores were greenlist.stores.*: a deployment that names them in
    PERSISTENCE_MODULE / APPLICATION_RECORDER_TOPIC keeps working."""
    assert resolve_topic("greenlist.stores.memory:TimelinePOPOFactory") is TimelinePOPOFactory
    assert resolve_topic("greenlist.stores.sqlite:TimelineSQLiteRecorder") is (
        TimelineSQLiteRecorder
    )
    assert resolve_topic("greenlist.stores.postgres:TimelinePostgresFactory") is (
        TimelinePostgresFactory
    )
    assert resolve_topic("greenlist.stores.postgres:TimelinePostgresRecorder") is (
        TimelinePostgresRecorder
    )


def test_a_service_on_the_old_topics_records_and_reads(tmp_path: Path) -> None:
    env = store_env(f"sqlite:///{tmp_path}/old.db") | {
        "APPLICATION_RECORDER_TOPIC": "greenlist.stores.sqlite:TimelineSQLiteRecorder"
    }
    clock = SettableClock(datetime(2025, 1, 1, tzinfo=UTC))
    service = Greenlist(env=env, clock=clock, notice_period=notice_period(Settings()))
    try:
        assert isinstance(service.recorder, TimelineSQLiteRecorder)
        code = s.credit_code(7)
        s.register_and_cultivate(on_time(service), code)
        assert service.get_unit(code).version == 2
    finally:
        service.close()
