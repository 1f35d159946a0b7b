"""The national view over provincial stores (issue 15, item 2): a national follower reads several
provinces' notification logs, each from its own tracking position, and builds the national
lists and announcements, tagged by province, exactly once.

What must hold: for each province, its rows in the national tables are its own read side's
rows, row for row (the national lists are the union of the provincial ones, nothing doubled);
each tracking position is its log's head; a follower killed (SIGKILL) in the middle of a batch
and restarted ends the same; a province writing more later is picked up. On PostgreSQL the two
provinces and the national view are three databases of their own (CREATE DATABASE, dropped
afterwards), as in production (README, "A national view")."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import Level
from greenlist import cli, national
from greenlist.config import build_service, views_db
from greenlist.settings import StoreUrl
from projections.announcements import Announcements, announcements
from projections.engine.checksum import table_rows
from projections.engine.db import Db
from projections.engine.outage import Backoff
from projections.engine.runner import Runner
from projections.engine.sqlite_db import SQLiteDb
from projections.lists import Lists, list_as_of
from projections.national import (
    NATIONAL_MODELS,
    NationalFollower,
    ProvinceFollower,
    Upstream,
    national_announcements,
    national_list,
    province_summary,
)
from projections.national.models import national_table
from simulation import scenarios as s
from tests.on_time import on_time
from tests.projections import killing
from tests.throwaway_postgres import Cluster

ROOT = Path(__file__).resolve().parents[2]
CITIES = list(s.ALL_QUOTAS)
LEVELS = [level.value for level in Level]
TIMEOUT = 120.0
"""Seconds to wait for a child before failing (a loaded server is slow)."""


# --- the provinces' histories ----------------------------------------------------------------


def province_history(app: Greenlist, base: int, listed: int) -> list[str]:
    """A province's two years: `listed` factories on the provincial list (2025), two renamed
    (A20.2), two with an A17 ground (removal pending, then done at the 2027 annual publication),
    two recommended to MIIT (A16.3: one listed nationally, one not). Credit codes from `base`."""
    codes = [s.credit_code(base + i, CITIES[i % len(CITIES)]) for i in range(listed)]
    s.list_provincially_together(app, *codes)
    for code in codes[:2]:
        change = app.declare_change(
            s.enterprise_actor(code),
            code,
            "name",
            "更名",
            new_name=f"新名称{code[-4:]}",
            occurred_at=s.at(date(2025, 10, 2)),
        )
        city = s.city_actor(code[2:6] + "00")
        app.recheck_change(
            city, code, change.details["change_id"], True, True, occurred_at=s.at(date(2025, 10, 9))
        )
    for code in codes[2:4]:
        s.record_ground(app, code, "A17.4", date(2025, 10, 20), date(2025, 11, 1))
    recommended = codes[4:6]
    for code in recommended:
        s.evaluate(app, code, Level.NATIONAL, 2026)
    s.ensure_round(app, Level.NATIONAL, 2026)
    for code in recommended:
        s.nominate(app, code, Level.NATIONAL, 2026)
    for code in recommended:
        s.review(app, code, Level.NATIONAL, 2026)
    s.recommend_to_miit(app, 2026)
    s.miit_outcome(app, recommended[0], 2026)
    s.miit_outcome(app, recommended[1], 2026, listed=False)
    s.annual_publication(app, 2027)
    return codes


def more_history(app: Greenlist, base: int, count: int) -> None:
    """Later acts of a province: `count` new factories on their city's municipal list (2028)."""
    for i in range(count):
        code = s.credit_code(base + i, CITIES[i % len(CITIES)])
        s.register_and_cultivate(app, code, year=2028)
        s.evaluate(app, code, Level.MUNICIPAL, 2028)
        s.list_municipally(app, code, 2028)


def service(url: str) -> Greenlist:
    return on_time(build_service(url, SettableClock(datetime(2025, 1, 2, tzinfo=UTC))))


# --- what must hold --------------------------------------------------------------------------


def provincial_views(app: Greenlist, views: Db) -> Db:
    """The province's own read side of the national models, caught up."""
    Runner(app, views, [Lists(), Announcements()]).catch_up()
    return views


def assert_union(db: Db, provinces: dict[str, Db]) -> None:
    """Every national table holds, for each province, exactly that province's own rows (each
    once), and nothing of any other province; the national lists of every level and the
    announcements read as the union of the provincial ones."""
    for projection in NATIONAL_MODELS:
        for table in projection.tables:
            rows = table_rows(db, national_table(table))
            assert {row[0] for row in rows} <= set(provinces), table.name
            for name, views in provinces.items():
                mine = Counter(row[1:] for row in rows if row[0] == name)
                assert mine == Counter(table_rows(views, table)), f"{table.name} of {name}"
    for level in LEVELS:
        union = Counter(
            (name, r["credit_code"], r["name"], r["listed_on"], r["removed_on"])
            for name, views in provinces.items()
            for r in list_as_of(views, level)
        )
        rows = national_list(db, level)
        got = Counter(
            (r["province"], r["credit_code"], r["name"], r["listed_on"], r["removed_on"])
            for r in rows
        )
        assert got == union, level
        assert len({(r["province"], r["unit_id"]) for r in rows}) == len(rows), "doubled"
    union_texts = Counter(
        (name, r["text"]) for name, views in provinces.items() for r in announcements(views)
    )
    assert Counter((r["province"], r["text"]) for r in national_announcements(db)) == union_texts


def tracked(db: Db) -> dict[str, int]:
    return {r["province"]: r["position"] for r in province_summary(db)}


# --- in process: memory stores, a SQLite or PostgreSQL national database ----------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def national_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The national database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/national.db"
    return str(request.getfixturevalue("postgres_schema"))


@pytest.fixture
def provinces() -> Iterator[dict[str, Greenlist]]:
    apps = {"ZJ": service("memory://"), "JS": service("memory://")}
    province_history(apps["ZJ"], 1000, 14)
    province_history(apps["JS"], 2000, 9)
    yield apps
    for app in apps.values():
        app.close()


@pytest.mark.parametrize("remember_rows", [200_000, 40, 0])
def test_the_national_lists_are_the_union_of_the_provincial_lists_each_row_once(
    provinces: dict[str, Greenlist],
    national_url: str,
    remember_rows: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whether the follower remembers its rows from batch to batch, forgets them often (past
    40 rows) or reads every row from the tables, the rows are the same."""
    monkeypatch.setattr(ProvinceFollower, "remember_rows", remember_rows)
    db = national.national_db(national_url)
    follower = NationalFollower([Upstream(n, a) for n, a in provinces.items()], db, batch_size=7)
    heads = {name: int(app.recorder.max_notification_id() or 0) for name, app in provinces.items()}
    assert follower.catch_up() == sum(heads.values())
    own = {n: provincial_views(a, SQLiteDb(":memory:")) for n, a in provinces.items()}
    assert_union(db, own)
    assert tracked(db) == heads
    assert NationalFollower([Upstream(n, a) for n, a in provinces.items()], db).catch_up() == 0
    assert_union(db, own)  # a follower started again applies nothing twice
    summary = {row["province"]: row for row in province_summary(db, heads)}
    assert summary["ZJ"]["lists"]["provincial/factory"] == 12  # 14 listed, 2 removed (A17.4)
    assert summary["JS"]["lists"]["national/factory"] == 1  # MIIT listed one of two (A16.3)
    assert summary["ZJ"]["lag"] == summary["JS"]["lag"] == 0


def test_two_followers_of_the_same_province_at_once_apply_each_event_once(
    provinces: dict[str, Greenlist], national_url: str
) -> None:
    """Both read the same first batch; the second to write waits for the province's lock, then
    skips what the first applied (the tracking position re-read inside its transaction)."""
    followers = [
        NationalFollower(
            [Upstream(n, a) for n, a in provinces.items()], national.national_db(national_url), size
        )
        for size in (11, 17)
    ]
    together = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(follower: NationalFollower) -> None:
        try:
            together.wait(timeout=TIMEOUT)
            follower.catch_up()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(f,)) for f in followers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert errors == []
    own = {n: provincial_views(a, SQLiteDb(":memory:")) for n, a in provinces.items()}
    assert_union(national.national_db(national_url), own)


def test_followers_taking_turns_on_the_same_provinces_read_again_what_the_other_wrote(
    provinces: dict[str, Greenlist], national_url: str
) -> None:
    """Each batch finds the province where the other follower left it, not where its own last
    batch did: the rows it remembers may be stale, so it forgets them and reads the tables."""
    followers = [
        NationalFollower(
            [Upstream(n, a) for n, a in provinces.items()], national.national_db(national_url), 9
        )
        for _ in range(2)
    ]
    while sum(f.run_once() for follower in followers for f in follower.followers):
        pass
    own = {n: provincial_views(a, SQLiteDb(":memory:")) for n, a in provinces.items()}
    assert_union(national.national_db(national_url), own)


def test_a_province_writing_later_is_picked_up_by_the_next_batch(
    provinces: dict[str, Greenlist], national_url: str
) -> None:
    db = national.national_db(national_url)
    follower = NationalFollower([Upstream(n, a) for n, a in provinces.items()], db, batch_size=50)
    follower.catch_up()
    before = len(national_list(db, "municipal", province="JS"))
    head = int(provinces["JS"].recorder.max_notification_id() or 0)
    more_history(provinces["JS"], 2500, 3)
    assert follower.catch_up() == int(provinces["JS"].recorder.max_notification_id() or 0) - head
    assert len(national_list(db, "municipal", province="JS")) == before + 3
    own = {n: provincial_views(a, SQLiteDb(":memory:")) for n, a in provinces.items()}
    assert_union(db, own)


# --- on PostgreSQL: three databases, the follower killed and restarted -----------------------


@contextmanager
def databases(server_url: str, *labels: str) -> Iterator[dict[str, str]]:
    """New databases on the server (CREATE DATABASE), as store URLs; dropped afterwards."""
    tag = uuid.uuid4().hex[:10]
    base = server_url.split("?", 1)[0].rsplit("/", 1)[0]
    names = {label: f"t_national_{tag}_{label}" for label in labels}
    with psycopg.connect(server_url, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f"CREATE DATABASE {name}")
    try:
        yield {label: f"{base}/{name}" for label, name in names.items()}
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def read_only(server_url: str, urls: dict[str, str], *labels: str) -> None:
    """Make these databases refuse writes to every new connection (the others allow them)."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        for label, url in urls.items():
            setting = "on" if label in labels else "off"
            name = url.rsplit("/", 1)[1]
            conn.execute(f"ALTER DATABASE {name} SET default_transaction_read_only = {setting}")


def command(urls: dict[str, str], action: str, *options: str) -> list[str]:
    """`greenlist national ACTION` on both provinces into the national database."""
    provinces = ["--province", f"ZJ={urls['zj']}", "--province", f"JS={urls['js']}"]
    into = ["--into", urls["national"]]
    return [sys.executable, "-m", "greenlist.cli", "national", action, *provinces, *into, *options]


def run_and_kill(urls: dict[str, str], batch_size: int, stop: int) -> None:
    """The follower in a child process, killed (SIGKILL) once one province's `stop`-th batch is
    applied but not committed (tests/projections/national_crash_follower.py)."""
    provinces = [f"ZJ={urls['zj']}", f"JS={urls['js']}"]
    args = [urls["national"], str(batch_size), str(stop), *provinces]
    killing.run_and_kill("tests.projections.national_crash_follower", args, f"applied {stop}")


def wait_until(db: Db, heads: dict[str, int]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while tracked(db) != heads:
        if time.monotonic() > deadline:
            pytest.fail(f"the follower did not reach {heads}: {tracked(db)}")
        time.sleep(0.1)


@pytest.mark.postgres
def test_two_provinces_on_postgresql_the_follower_killed_mid_batch_and_restarted(
    postgres_url: str,
) -> None:
    with databases(postgres_url, "zj", "js", "national") as urls:
        apps = {"ZJ": service(urls["zj"]), "JS": service(urls["js"])}
        try:
            province_history(apps["ZJ"], 1000, 14)
            province_history(apps["JS"], 2000, 9)
            heads = {n: int(a.recorder.max_notification_id() or 0) for n, a in apps.items()}

            # the provinces' databases refuse writes, as a hot standby replica does: the
            # follower only reads them
            read_only(postgres_url, urls, "zj", "js")
            run_and_kill(urls, batch_size=10, stop=12)
            db = national.national_db(urls["national"])
            killed_at = tracked(db)
            assert 0 < sum(killed_at.values()) < sum(heads.values()), killed_at
            assert any(killed_at[n] < heads[n] for n in heads), "killed after the end"

            done = subprocess.run(
                command(urls, "follow", "--once", "--batch-size", "25"),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
            assert done.returncode == 0, done.stderr
            assert tracked(db) == heads
            read_only(postgres_url, urls)  # writable again: their own read sides, more acts
            own = {
                "ZJ": provincial_views(apps["ZJ"], views_db(urls["zj"])),
                "JS": provincial_views(apps["JS"], views_db(urls["js"])),
            }
            assert_union(db, own)

            following = subprocess.Popen(
                command(urls, "follow", "--poll", "0.2"),
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            try:
                more_history(apps["ZJ"], 1500, 4)
                more_history(apps["JS"], 2500, 2)
                heads = {n: int(a.recorder.max_notification_id() or 0) for n, a in apps.items()}
                wait_until(db, heads)
            finally:
                following.send_signal(signal.SIGTERM)
                _, stderr = following.communicate(timeout=TIMEOUT)
            assert following.returncode == 0, stderr
            for name, app in apps.items():
                provincial_views(app, own[name])
            assert_union(db, own)

            status = subprocess.run(
                command(urls, "status"),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
            assert status.returncode == 0, status.stderr
            summary = {row["province"]: row for row in json.loads(status.stdout)}
            assert {n: (r["position"], r["lag"]) for n, r in summary.items()} == {
                n: (head, 0) for n, head in heads.items()
            }
            assert summary["ZJ"]["lists"]["municipal/factory"] == 12 + 4
            db.close()
            for views in own.values():
                views.close()
        finally:
            for app in apps.values():
                app.close()


# --- the command line ------------------------------------------------------------------------


def test_the_command_follows_sqlite_provinces_once_and_reports_their_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = {name: f"sqlite:///{tmp_path}/{name}.db" for name in ("ZJ", "JS")}
    for url, base in zip(urls.values(), (1000, 2000), strict=True):
        app = service(url)
        province_history(app, base, 7)
        app.close()
    provinces = [arg for name, url in urls.items() for arg in ("--province", f"{name}={url}")]
    into = ["--into", f"sqlite:///{tmp_path}/national.db"]
    assert cli.main(["national", "follow", *provinces, *into, "--once"]) == 0
    assert cli.main(["national", "status", *provinces, *into]) == 0
    out = capsys.readouterr().out
    summary = json.loads(out[out.index("[") :])
    assert [(row["province"], row["lag"]) for row in summary] == [("JS", 0), ("ZJ", 0)]
    assert all(row["lists"]["provincial/factory"] == 5 for row in summary)  # 7, 2 removed


def test_a_province_given_by_its_url_alone_is_named_by_its_code() -> None:
    """This code serves Zhejiang (330000): its store, given without a name, is named so."""
    (one,) = national.parse_provinces(["postgresql://reader@zj:5432/greenlist?schema=g"])
    assert one[0] == "330000" and one[1].schema == "g"
    named = national.parse_provinces(["JS=postgresql://reader@js:5432/greenlist?schema=g"])
    assert [name for name, _ in named] == ["JS"]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--province", "ZJ"],
        ["--province", "Z-J=sqlite:///x.db"],
        ["--province", "ZJ=memory://"],
        ["--province", "ZJ=sqlite:///a.db", "--province", "ZJ=sqlite:///b.db"],
        [],
    ],
)
def test_a_wrong_province_is_one_line_and_exit_2(
    arguments: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = ["--into", f"sqlite:///{tmp_path}/national.db"]
    assert cli.main(["national", "follow", *arguments, *into, "--once"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err


# --- a province's database restarted under the follower ----------------------------------------


def test_a_province_down_holds_up_only_itself_and_is_followed_again_once_back(
    throwaway: Cluster, national_url: str
) -> None:
    """ZJ's PostgreSQL (a throwaway server) stops under the follower: ZJ's thread waits and
    reconnects with backoff while JS goes on following; once ZJ is back both reach their heads
    and the rows are each province's own, once."""
    with ExitStack() as stack, throwaway.schema() as zj_url:
        apps = {"ZJ": service(zj_url), "JS": service("memory://")}
        for app in apps.values():
            stack.callback(app.close)
        province_history(apps["ZJ"], 1000, 8)
        province_history(apps["JS"], 2000, 7)
        zj = national.upstream("ZJ", StoreUrl.parse(zj_url))
        stack.callback(zj.app.close)
        db = national.national_db(national_url)
        stack.callback(db.close)
        quick = Backoff(initial=0.01, maximum=0.2)
        follower = NationalFollower([zj, Upstream("JS", apps["JS"])], db, 25, quick)
        stop = threading.Event()
        thread = threading.Thread(target=follower.follow, args=(stop, 0.05))
        thread.start()
        try:
            heads = {n: int(a.recorder.max_notification_id() or 0) for n, a in apps.items()}
            wait_until(db, heads)
            throwaway.stop("immediate")
            more_history(apps["JS"], 2500, 2)
            heads["JS"] = int(apps["JS"].recorder.max_notification_id() or 0)
            wait_until(db, heads)  # JS followed while ZJ is down
            zj_follower = follower.followers[0]
            deadline = time.monotonic() + TIMEOUT
            while zj_follower.state != "reconnecting" and time.monotonic() < deadline:
                time.sleep(0.05)  # a store call under way gives up after its retries
            states = {f.name: f.state for f in follower.followers}
            assert states == {"ZJ": "reconnecting", "JS": "following"}, states
            throwaway.start()
            more_history(apps["ZJ"], 1500, 2)
            heads["ZJ"] = int(apps["ZJ"].recorder.max_notification_id() or 0)
            wait_until(db, heads)
        finally:
            stop.set()
            thread.join(TIMEOUT)
        assert not thread.is_alive()
        assert follower.followers[0].reconnects >= 1
        own = {n: provincial_views(a, SQLiteDb(":memory:")) for n, a in apps.items()}
        assert_union(db, own)
