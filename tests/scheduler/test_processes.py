"""The scheduler as processes: two `greenlist scheduler` processes against one PostgreSQL act
on every deadline exactly once; two sweepers racing in threads do too; `greenlist tick`
refuses a date that has not come and handles what is due, once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date

import psycopg
import pytest

from domain.clock import SettableClock
from domain.service import Greenlist
from domain.values import local_midnight
from greenlist.config import build_service, views_db
from scheduler.sweeper import Outcome, Sweeper
from simulation import scenarios as s

pytestmark = [pytest.mark.postgres, pytest.mark.stores("postgres")]

CITIES = ["330100", "330200", "330300", "330400", "330500", "330600"]
UNITS = [s.credit_code(60 + i, CITIES[i % len(CITIES)]) for i in range(18)]


def forgetful_units(app: Greenlist) -> None:
    """18 factories listed in September 2025, none of which sends its 2025 form: 18 forms
    overdue on 16 April 2026, and the 2025 round's window (A14.1) to close."""
    s.list_provincially_together(app, *UNITS)


def event_types(url: str) -> Counter[str]:
    base, schema = url.split("?schema=")
    with psycopg.connect(base) as conn:
        rows = conn.execute(
            f"SELECT topic, count(*) FROM {schema}.greenlist_events GROUP BY topic"
        ).fetchall()
    return Counter({str(topic).rsplit(":", 1)[-1].rsplit(".", 1)[-1]: n for topic, n in rows})


def handled_rows(url: str) -> list[tuple[str, str, str, str]]:
    base, schema = url.split("?schema=")
    with psycopg.connect(base) as conn:
        exists = conn.execute("SELECT to_regclass(%s)", (f"{schema}.deadline_handled",))
        if exists.fetchone() == (None,):
            return []
        return [
            tuple(r)
            for r in conn.execute(
                f"SELECT deadline_id, due_on, result, handled_by FROM {schema}.deadline_handled"
            ).fetchall()
        ]


def scheduler_process(url: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "greenlist.cli", "scheduler", "--interval", "0.5"]
    env = {**os.environ, "GREENLIST_DATABASE_URL": url, "GREENLIST_JWT_SECRET": "s" * 48}
    return subprocess.Popen(
        [*command, "--database-url", url], env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE
    )


def test_two_scheduler_processes_act_exactly_once(app: Greenlist, store_url: str) -> None:
    forgetful_units(app)
    before = event_types(store_url)
    processes = [scheduler_process(store_url), scheduler_process(store_url)]
    try:
        deadline = time.monotonic() + 90
        while len(handled_rows(store_url)) < len(UNITS) + 1 and time.monotonic() < deadline:
            time.sleep(0.3)
        time.sleep(2.0)  # both keep sweeping: several more passes over the same dates
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        outputs = [p.communicate(timeout=30) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [o[1][-2000:] for o in outputs]

    added = event_types(store_url) - before
    assert added["DynamicFormOverdue"] == len(UNITS)
    assert added["RemovalDecided"] == len(UNITS)
    assert added["NominationWindowClosed"] == 1
    rows = handled_rows(store_url)
    assert len(rows) == len({(r[0], r[1]) for r in rows}) == len(UNITS) + 1
    assert {r[2] for r in rows} == {"recorded"}


def test_two_sweepers_racing_in_threads_act_exactly_once(app: Greenlist, store_url: str) -> None:
    forgetful_units(app)
    before = event_types(store_url)
    start = threading.Barrier(2, timeout=60)
    results: list[list[Outcome]] = []

    def sweep(name: str) -> None:
        service = build_service(store_url, SettableClock(local_midnight(date(2026, 5, 1))))
        db = views_db(store_url)
        try:
            sweeper = Sweeper(service, db, name=name)
            sweeper.setup()
            start.wait()
            results.append(sweeper.run_until(date(2026, 5, 1)))
        finally:
            db.close()
            service.close()

    threads = [
        threading.Thread(target=sweep, args=(f"sweeper-{i}",), daemon=True) for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    handled = [o for outcomes in results for o in outcomes]
    assert len(results) == 2
    assert sorted(o.deadline_id for o in handled if o.result == "recorded") == sorted(
        {o.deadline_id for o in handled}
    )
    added = event_types(store_url) - before
    assert added["DynamicFormOverdue"] == len(UNITS)
    assert added["NominationWindowClosed"] == 1


def test_tick_until_a_date_handles_what_is_due_once(app: Greenlist, store_url: str) -> None:
    s.list_provincially(app, UNITS[0])
    tick = [sys.executable, "-m", "greenlist.cli", "tick", "--database-url", store_url]
    future = subprocess.run([*tick, "--until", "2999-01-01"], capture_output=True, text=True)
    assert future.returncode == 2 and "only what is already due" in future.stderr
    assert event_types(store_url)["DynamicFormOverdue"] == 0

    first = subprocess.run([*tick, "--until", "2026-04-16"], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "2026-04-16  form      recorded" in first.stdout
    second = subprocess.run([*tick, "--until", "2026-04-16"], capture_output=True, text=True)
    assert "0 deadlines handled" in second.stdout
    assert event_types(store_url)["DynamicFormOverdue"] == 1
