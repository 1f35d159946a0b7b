"""Every setting of greenlist in one frozen object, read from the environment once per process.

Why one object: settings used to be read where they were used (seven modules read `os.environ`
and the database URL was parsed in three), so a process could start with a value it would only
refuse later, and nobody could list what configures the service. Now the root of each process
(the WSGI app factory `greenlist.web.make_app`, each `greenlist` command) calls
`Settings.from_env()` once and passes the object down; below it nothing reads the environment.
A value that cannot be used stops the process at load, naming the variable and what it expects
in Chinese and English (`SettingsError`). Each field declares its variable, default and why
(`describe()` prints them; the README's "Configuration" lists them). The store's URL is parsed
here, once, into a `StoreUrl`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlparse, urlunparse

from limits import parse_many

from domain.calendar import DEFAULT_NOTICE_DAYS

DATABASE_URL = "GREENLIST_DATABASE_URL"
RESTRICTED_WRITER = "GREENLIST_RESTRICTED_WRITER"
AGGREGATE_CACHE = "GREENLIST_AGGREGATE_CACHE"
JWT_SECRET = "GREENLIST_JWT_SECRET"
IDENTITY_KEY = "GREENLIST_IDENTITY_KEY"
TOKEN_MAX_HOURS = "GREENLIST_TOKEN_MAX_HOURS"
TEST_CLOCK = "GREENLIST_TEST_CLOCK"
FILING_LIMIT = "GREENLIST_FILING_LIMIT"
RATE_LIMIT_STORAGE = "GREENLIST_RATE_LIMIT_STORAGE"
NOTICE_DAYS = "GREENLIST_NOTICE_DAYS"
NOTICE_WORKING_DAYS = "GREENLIST_NOTICE_WORKING_DAYS"
READY_MAX_LAG = "GREENLIST_READY_MAX_LAG"
RECONNECT_INITIAL = "GREENLIST_RECONNECT_INITIAL"
RECONNECT_MAX = "GREENLIST_RECONNECT_MAX"
IDEMPOTENCY_CLAIM_SECONDS = "GREENLIST_IDEMPOTENCY_CLAIM_SECONDS"
CHECKPOINT_INTERVAL = "GREENLIST_CHECKPOINT_INTERVAL"
LOG_KEY_FILE = "GREENLIST_LOG_KEY_FILE"
LOG_ORIGIN = "GREENLIST_LOG_ORIGIN"
CHECKPOINT_DIR = "GREENLIST_CHECKPOINT_DIR"
LOG_VERIFIER_KEYS = "GREENLIST_LOG_VERIFIER_KEYS"
VAULT_KEY = "GREENLIST_VAULT_KEY"
VAULT_KEY_FILE = "GREENLIST_VAULT_KEY_FILE"
REPORT_RETENTION_DAYS = "GREENLIST_REPORT_RETENTION_DAYS"

DEFAULT_DATABASE_URL = "sqlite:///var/greenlist.db"
DEFAULT_FILING_LIMIT = "5 per minute;50 per day"
"""As api.limits.DEFAULT_FILING_LIMIT (a test holds them equal): a person files a report now and
then, a script hundreds."""
DEFAULT_ORIGIN = "greenlist.zhejiang.local/green-manufacturing"
"""The checkpoint origin (c2sp.org/tlog-checkpoint: a schema-less URL naming the log); the key
name equals it. Set `GREENLIST_LOG_ORIGIN` to the log's real address."""
REQUEST_TIMEOUT_SECONDS = 30.0
"""gunicorn's worker gives a client this long to send a whole request (greenlist.worker
.REQUEST_TIMEOUT; a test holds them equal)."""
DEFAULT_CLAIM_SECONDS = REQUEST_TIMEOUT_SECONDS + 60.0
"""An idempotency claim older than this is a crashed request's (api.idempotency): the request
timeout plus a minute, far longer than any command takes (a store call gives up after ~5 s)."""

CacheMode = Literal["trusted", "checked", "off"]
StoreKind = Literal["memory", "sqlite", "postgres"]


class SettingsError(ValueError):
    """A setting that cannot be used: the variable, what it expects, in English and Chinese."""

    def __init__(self, name: str, en: str, zh: str) -> None:
        super().__init__(f"{name}: {en} / {zh}")
        self.name, self.en, self.zh = name, en, zh


@dataclass(frozen=True)
class StoreUrl:
    """`GREENLIST_DATABASE_URL`, parsed once: which store and where.

    - `sqlite:///path/to/file.db` (default `sqlite:///var/greenlist.db`): the embedded store;
    - `postgresql://user:password@host:port/dbname[?schema=name]`: the production store;
    - `memory://`: in-process, for fast tests."""

    url: str = field(repr=False)
    """As given (it may hold a password: print `redacted()`)."""
    kind: StoreKind
    path: str = ""
    """SQLite: the events' file, or `:memory:`."""
    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"
    password: str = field(default="", repr=False)
    dbname: str = "postgres"
    schema: str | None = None
    """PostgreSQL: `?schema=`; None means the server's default (public)."""

    @classmethod
    def parse(cls, url: str) -> StoreUrl:
        parsed = urlparse(url)
        if parsed.scheme == "memory":
            return cls(url, "memory")
        if parsed.scheme == "sqlite":
            path = unquote(parsed.netloc + parsed.path[1:])
            if not path:
                raise SettingsError(
                    DATABASE_URL,
                    "SQLite needs a file: sqlite:///path/to/file.db",
                    "SQLite 须指定数据库文件：sqlite:///路径/文件.db",
                )
            return cls(url, "sqlite", path=path)
        if parsed.scheme in ("postgresql", "postgres"):
            try:
                port = parsed.port or 5432
            except ValueError:
                raise SettingsError(
                    DATABASE_URL, "the port is not a number", "端口须为数字"
                ) from None
            return cls(
                url,
                "postgres",
                host=parsed.hostname or "127.0.0.1",
                port=port,
                user=unquote(parsed.username or "postgres"),
                password=unquote(parsed.password or ""),
                dbname=parsed.path.lstrip("/") or "postgres",
                schema=parse_qs(parsed.query).get("schema", [None])[0],
            )
        raise SettingsError(
            DATABASE_URL,
            f"unsupported store {_redacted(url)!r}: use sqlite:///FILE, "
            "postgresql://user@host:5432/db?schema=name or memory://",
            "不支持的存储地址，请使用 sqlite:///文件、postgresql://… 或 memory://",
        )

    @property
    def conninfo(self) -> str:
        """PostgreSQL: the URL without its query (psycopg's connection string)."""
        return self.url.split("?", 1)[0]

    @property
    def schema_name(self) -> str:
        """PostgreSQL: the schema the store's tables live in."""
        return self.schema or "public"

    @property
    def sqlite_file(self) -> str | None:
        """The embedded store's file, None in memory (`memory://`, `sqlite:///:memory:`)."""
        return self.path if self.kind == "sqlite" and self.path != ":memory:" else None

    def file_beside(self, suffix: str, server_name: str) -> Path:
        """A file that belongs to this store (a demo's secret, a log key, the witness copy): next
        to its SQLite file, else `var/<server_name>` with `{digest}` filled in by a digest of
        the URL (never the URL, which may hold a password)."""
        if self.sqlite_file:
            return Path(self.sqlite_file + suffix)
        digest = hashlib.sha256(self.url.encode()).hexdigest()[:16]
        return Path("var") / server_name.format(digest=digest)

    def redacted(self) -> str:
        """The URL without its password, to print."""
        return _redacted(self.url)

    @property
    def default_cache(self) -> CacheMode:
        """How commands use copies of aggregates unless configured: checked on PostgreSQL,
        where several processes may write; trusted on SQLite and in memory, where one does."""
        return "checked" if self.kind == "postgres" else "trusted"


def _redacted(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@", 1)
    return urlunparse(parsed._replace(netloc=netloc))


# --- how each variable is read ---------------------------------------------------------------

Parse = Callable[[str, str], Any]


def _text(_name: str, raw: str) -> str:
    return raw


def _identity_key(name: str, raw: str) -> str:
    """A22.3's identity key: HMAC-SHA256 keys no shorter than the hash (RFC 2104 §3)."""
    if len(raw.encode()) < 32:
        raise SettingsError(
            name, "must be at least 32 bytes (random)", "至少须为32字节（随机生成）"
        )
    return raw


def _vault_key(name: str, raw: str) -> str:
    """A key-encryption key: 32 random bytes, base64url (`greenlist vault new-key` prints one)."""
    try:
        key = base64.urlsafe_b64decode(raw.strip() + "=" * (-len(raw.strip()) % 4))
    except (ValueError, binascii.Error):
        key = b""
    if len(key) != 32:
        raise SettingsError(
            name,
            "must be 32 random bytes in base64url (greenlist vault new-key)",
            "须为base64url编码的32字节随机密钥（greenlist vault new-key）",
        )
    return raw.strip()


def _path(_name: str, raw: str) -> Path:
    return Path(raw)


def _store(_name: str, raw: str) -> StoreUrl:
    return StoreUrl.parse(raw)


def _switch(name: str, raw: str) -> bool:
    """Strictly 1 or 0: a switch that changes who may do what is never guessed."""
    if raw not in ("0", "1"):
        raise SettingsError(name, f"must be 1 or 0, not {raw!r}", f"须为 1 或 0，而不是 {raw!r}")
    return raw == "1"


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    raise SettingsError(name, f"must be 1 or 0, not {raw!r}", f"须为 1 或 0，而不是 {raw!r}")


def _number(
    minimum: float, maximum: float = math.inf, above: bool = False, whole: bool = False
) -> Parse:
    """A number in [minimum, maximum] (or (minimum, maximum] when `above`)."""
    low = "(" if above else "["
    span = f"{low}{minimum:g}, {maximum:g}]" if maximum < math.inf else f"{low}{minimum:g}, ∞)"

    def parse(name: str, raw: str) -> float | int:
        try:
            value: float | int = int(raw) if whole else float(raw)
        except ValueError:
            kind = "a whole number" if whole else "a number"
            raise SettingsError(
                name, f"must be {kind}: {raw!r}", f"须为{'整数' if whole else '数字'}：{raw!r}"
            ) from None
        if not (minimum < value if above else minimum <= value) or not value <= maximum:
            raise SettingsError(name, f"must be in {span}: {raw!r}", f"须在 {span} 之内：{raw!r}")
        return value

    return parse


def _notice_days(name: str, raw: str) -> int:
    try:
        days = int(raw)
    except ValueError:
        raise SettingsError(
            name, f"must be a whole number of days: {raw!r}", f"须为整数天数：{raw!r}"
        ) from None
    if days < 1:
        raise SettingsError(name, f"must be at least 1: {days}", f"至少为 1：{days}")
    return days


def _hours(name: str, raw: str) -> timedelta:
    try:
        hours = float(raw)
    except ValueError:
        hours = -1.0
    if not 0 < hours <= 24 * 31:
        raise SettingsError(
            name, "must be a number of hours in (0, 744]", "须为 (0, 744] 之内的小时数"
        )
    return timedelta(hours=hours)


def _cache(name: str, raw: str) -> CacheMode:
    if raw == "trusted":
        return "trusted"
    if raw == "checked":
        return "checked"
    if raw == "off":
        return "off"
    raise SettingsError(
        name,
        f"unsupported mode {raw!r}: trusted, checked or off",
        f"不支持的模式 {raw!r}：可选 trusted、checked 或 off",
    )


def _rate_limit(name: str, raw: str) -> str:
    try:
        if parse_many(raw):
            return raw
    except ValueError:
        pass
    raise SettingsError(
        name,
        f"not a rate limit: {raw!r} (e.g. {DEFAULT_FILING_LIMIT!r})",
        f"不是有效的频率限制：{raw!r}",
    )


def _origin(name: str, raw: str) -> str:
    value = raw.strip()
    if not value or any(c.isspace() or c == "+" for c in value):
        raise SettingsError(
            name, "must be non-empty, without spaces or '+'", "不能为空，且不得含空格或“+”"
        )
    return value


def _key_list(_name: str, raw: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in raw.replace(",", "\n").splitlines() if t.strip())


def about(env: str, parse: Parse, why: str) -> dict[str, Any]:
    """A field's metadata: read from the variable `env` with `parse`; `why` documents it."""
    return {"env": env, "parse": parse, "why": why}


# --- the settings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What configures a greenlist process; `Settings.from_env()` reads it, once."""

    store: StoreUrl = field(
        default=StoreUrl.parse(DEFAULT_DATABASE_URL),
        metadata=about(
            DATABASE_URL,
            _store,
            "which store holds the log and the read models: sqlite:///FILE (embedded, default), "
            "postgresql://user@host:5432/db?schema=name (production) or memory:// (tests)",
        ),
    )
    restricted_writer: bool = field(
        default=False,
        metadata=about(
            RESTRICTED_WRITER,
            _switch,
            "1: log in as the restricted writer, which may add to the log but never change it "
            "(PostgreSQL only; README, 'Restricted writer')",
        ),
    )
    aggregate_cache: CacheMode | None = field(
        default=None,
        metadata=about(
            AGGREGATE_CACHE,
            _cache,
            "copies of aggregates kept in memory: trusted (default on SQLite and in memory, one "
            "writer), checked (default on PostgreSQL: brought up to date first) or off",
        ),
    )
    jwt_secret: str | None = field(
        default=None,
        metadata=about(
            JWT_SECRET,
            _text,
            "signs and checks every bearer token (HS256, at least 32 bytes); checked where "
            "tokens are signed or verified (greenlist.token_secret): commands that use none "
            "run without it",
        ),
        repr=False,
    )
    identity_key: str | None = field(
        default=None,
        metadata=about(
            IDENTITY_KEY,
            _identity_key,
            "keys the HMAC-SHA256 under which a legal representative's ID number is kept (A22.3; "
            "at least 32 bytes, never changed once used: agencies of one person share a quota by "
            "it); unset: each store gets one generated beside it, a memory store one per "
            "process (greenlist.identity_key)",
        ),
        repr=False,
    )
    vault_key: str | None = field(
        default=None,
        metadata=about(
            VAULT_KEY,
            _vault_key,
            "the key-encryption key that wraps each report's data key (issue 14; 32 bytes, "
            "base64url); else GREENLIST_VAULT_KEY_FILE; unset on SQLite: one generated beside the "
            "store (0600); a PostgreSQL store refuses to start without one (greenlist.vault)",
        ),
        repr=False,
    )
    vault_key_file: Path | None = field(
        default=None,
        metadata=about(
            VAULT_KEY_FILE,
            _path,
            "a file holding the key-encryption key (mode 0600), instead of GREENLIST_VAULT_KEY",
        ),
    )
    report_retention_days: int = field(
        default=1095,
        metadata=about(
            REPORT_RETENTION_DAYS,
            _number(0, whole=True),
            "days a report's or an objection's personal data is kept after it was closed "
            "(verified, or decided), before the scheduler erases it (issue 14 item 3)",
        ),
    )
    token_max_lifetime: timedelta = field(
        default=timedelta(hours=24),
        metadata=about(
            TOKEN_MAX_HOURS,
            _hours,
            "the longest a bearer token may live, in hours (a stolen token is worth a day at most)",
        ),
    )
    test_clock: bool = field(
        default=False,
        metadata=about(
            TEST_CLOCK,
            _switch,
            "1: PUT /api/v1/test/clock moves the service's clock (black-box tests and demos only)",
        ),
    )
    filing_limit: str = field(
        default=DEFAULT_FILING_LIMIT,
        metadata=about(
            FILING_LIMIT,
            _rate_limit,
            "real-name reports one client may file (Flask-Limiter's notation); over it: 429",
        ),
    )
    rate_limit_storage: str = field(
        default="memory://",
        metadata=about(
            RATE_LIMIT_STORAGE,
            _text,
            "where the filing counts live: memory:// (per process) or a shared storage (redis://)",
        ),
    )
    notice_days: int = field(
        default=DEFAULT_NOTICE_DAYS,
        metadata=about(
            NOTICE_DAYS, _notice_days, "the length of the public notice (A16.1), in days"
        ),
    )
    notice_working_days: bool = field(
        default=False,
        metadata=about(
            NOTICE_WORKING_DAYS,
            _flag,
            "1: count the notice in working days (China's holidays and 调休, chinese-calendar)",
        ),
    )
    ready_max_lag: int = field(
        default=1000,
        metadata=about(
            READY_MAX_LAG,
            _number(0, whole=True),
            "events a read model may be behind the log while /health/ready still says ready",
        ),
    )
    reconnect_initial: float = field(
        default=0.1,
        metadata=about(
            RECONNECT_INITIAL,
            _number(0, above=True),
            "seconds a projection runner first waits to reconnect to an unreachable store",
        ),
    )
    reconnect_max: float = field(
        default=5.0,
        metadata=about(
            RECONNECT_MAX,
            _number(0, above=True),
            "the longest wait between reconnection attempts (doubling from the first, ±20 %)",
        ),
    )
    idempotency_claim_seconds: float = field(
        default=DEFAULT_CLAIM_SECONDS,
        metadata=about(
            IDEMPOTENCY_CLAIM_SECONDS,
            _number(0, above=True),
            "seconds after which an Idempotency-Key still claimed by a request that never answered "
            "(its process crashed) may be claimed again, instead of answering 409 for ever",
        ),
    )
    checkpoint_interval: float = field(
        default=3600.0,
        metadata=about(
            CHECKPOINT_INTERVAL,
            _number(0),
            "seconds between the scheduler's signed checkpoints of the log (0: none)",
        ),
    )
    log_key_file: Path | None = field(
        default=None,
        metadata=about(
            LOG_KEY_FILE,
            _path,
            "the checkpoint signing key's file (never in the database); else the demo's own key",
        ),
    )
    log_origin: str = field(
        default=DEFAULT_ORIGIN,
        metadata=about(LOG_ORIGIN, _origin, "the log's name in its checkpoints and key"),
    )
    checkpoint_dir: Path | None = field(
        default=None,
        metadata=about(
            CHECKPOINT_DIR,
            _path,
            "the witness copy of the checkpoints, outside the store (default <store>.checkpoints/)",
        ),
    )
    log_verifier_keys: tuple[str, ...] = field(
        default=(),
        metadata=about(
            LOG_VERIFIER_KEYS,
            _key_list,
            "keys `greenlist verify` checks checkpoints with (default: the signer's public key)",
        ),
    )

    def __post_init__(self) -> None:
        check_restricted(self.store, self.restricted_writer)
        if self.reconnect_initial > self.reconnect_max:
            raise SettingsError(
                RECONNECT_INITIAL,
                f"must not exceed {RECONNECT_MAX} ({self.reconnect_max:g})",
                f"不得大于 {RECONNECT_MAX}（{self.reconnect_max:g}）",
            )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, database_url: str | None = None
    ) -> Settings:
        """The settings from the environment (or `environ`); an empty variable counts as unset.
        `database_url` (a command's `--database-url`, a test's store) stands in for
        `GREENLIST_DATABASE_URL`."""
        source = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = source.get(f.metadata["env"], "")
            if raw != "":
                values[f.name] = f.metadata["parse"](f.metadata["env"], raw)
        if database_url:
            values["store"] = StoreUrl.parse(database_url)
        return cls(**values)

    def with_store(self, url: str | None) -> Settings:
        """These settings on another store (unchanged when `url` is None or empty)."""
        return replace(self, store=StoreUrl.parse(url)) if url else self

    def with_checked_cache(self) -> Settings:
        """For a process that writes beside others (a scheduler, several web workers): copies
        of aggregates are checked against the store before use, unless configured otherwise."""
        return replace(self, aggregate_cache=self.aggregate_cache or "checked")

    @property
    def cache_mode(self) -> CacheMode:
        """The configured mode, else the store's default (`StoreUrl.default_cache`)."""
        return self.aggregate_cache or self.store.default_cache


def settings_or_env(settings: Settings | None, url: str | None = None) -> Settings:
    """The settings a process's root passed down, else (a test, the demo) those of the
    environment, read now; `url`, if given, names the store instead."""
    if settings is None:
        return Settings.from_env(database_url=url)
    return settings.with_store(url)


def check_restricted(store: StoreUrl, restricted: bool) -> None:
    """The restricted writer is a PostgreSQL role: on another store it is a mistake."""
    if restricted and store.kind != "postgres":
        raise SettingsError(
            RESTRICTED_WRITER,
            f"set to 1, needs PostgreSQL (its roles and grants), not {store.kind}://",
            "受限写入角色仅适用于 PostgreSQL",
        )


def describe() -> str:
    """Every setting as a Markdown table: variable, default, why."""
    lines = ["| setting | default | why |", "|---|---|---|"]
    for f in fields(Settings):
        lines.append(f"| `{f.metadata['env']}` | {_shown(f.default)} | {f.metadata['why']} |")
    return "\n".join(lines)


def _shown(default: Any) -> str:
    if default is None or default == ():
        return "unset"
    if isinstance(default, StoreUrl):
        return f"`{default.url}`"
    if isinstance(default, timedelta):
        return f"{default.total_seconds() / 3600:g} h"
    if isinstance(default, bool):
        return "`1`" if default else "`0`"
    if isinstance(default, float):
        return f"{default:g}"
    return f"`{default}`"
