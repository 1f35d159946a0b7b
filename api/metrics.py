"""GET /metrics in the Prometheus text format: requests and their latency by endpoint and
status, how far each read model is behind the event log, and the deadlines due (A18 forms not
yet recorded, A21 re-reviews due).

Each app has its own `CollectorRegistry` (never the process-wide default one), so that building
many apps in one process (the tests) registers nothing twice. With several gunicorn workers
(`greenlist serve --workers N`) the counts are prometheus-client's multiprocess mode's: each
worker writes its own to files of one directory (`use_multiprocess`, before the fork) and a
scrape, whichever worker answers, sums those of every worker, live or gone; the lag and
deadlines are the same from any worker. `process_*` are the answering process's own (CPU,
memory, open files)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from datetime import date, timedelta

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from domain.rules.checks import dynamic_form_deadline
from domain.values import local_date
from projections.deadlines import open_past
from projections.dynamic import forms, rereviews_due
from projections.engine.outage import STORE_ERRORS, store_unreachable

log = logging.getLogger(__name__)

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SHARED: dict[str, str] = {}
"""The directory of the multiprocess mode's files, once `use_multiprocess` chose it."""


def use_multiprocess(directory: str) -> None:
    """Count in prometheus-client's multiprocess mode from now on, in this process and the
    workers it forks: every metric created afterwards writes to files in `directory` (empty,
    this server's own), and /metrics sums them. prometheus-client takes the directory from
    `PROMETHEUS_MULTIPROC_DIR`, set here for it (and for the workers, by inheritance)."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]
    SHARED["directory"] = directory


def worker_gone(pid: int) -> None:
    """A worker exited: its live gauges go; its counts stay in the sums."""
    if "directory" in SHARED:
        multiprocess.mark_process_dead(pid, SHARED["directory"])  # type: ignore[no-untyped-call]


class ReadSideCollector(Collector):
    """Read at each scrape: the read models' lag (`greenlist_runner`) and the deadlines due on
    the service's clock."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        lag = GaugeMetricFamily(
            "greenlist_projection_lag_events",
            "Events of the log not yet applied to each read model",
            labels=["projection"],
        )
        runner = self.app.extensions.get("greenlist_runner")
        try:
            behind = runner.lag() if runner is not None else {}
        except STORE_ERRORS as error:  # the requests' counters are still worth a scrape
            if not store_unreachable(error):
                raise
            log.warning("read models' lag for /metrics: the store is unreachable (%s)", error)
            behind = {}
        for name, events in sorted(behind.items()):
            lag.add_metric([name], events)
        yield lag
        due = GaugeMetricFamily(
            "greenlist_deadlines_due",
            "Units owing the yearly form of the last deadline (A18) or a five-yearly re-review "
            "(A21) on the service's clock",
            labels=["kind"],
        )
        try:
            forms_due, rereviews = self._deadlines()
        except Exception:  # a read model not built yet must not break the scrape
            log.exception("deadlines for /metrics")
        else:
            due.add_metric(["dynamic_form"], forms_due)
            due.add_metric(["rereview"], rereviews)
        yield due
        waiting = GaugeMetricFamily(
            "greenlist_scheduler_waiting_deadlines",
            "Deadlines past their date that no scheduler has acted on yet (projections."
            "deadlines): above zero for long, the scheduler is down or failing",
            labels=["kind"],
        )
        try:
            context = self.app.extensions["greenlist"]
            pending = open_past(context.views, local_date(context.service.clock.now()))
        except Exception:  # a read model not built yet must not break the scrape
            log.exception("scheduler deadlines for /metrics")
        else:
            for kind, count in pending.items():
                waiting.add_metric([kind], count)
        yield waiting

    def _deadlines(self) -> tuple[int, int]:
        context = self.app.extensions["greenlist"]
        today = local_date(context.service.clock.now())
        owed = forms(context.views, reporting_year(today), "due")
        return len(owed), len(rereviews_due(context.views, today + timedelta(days=1)))


def reporting_year(today: date) -> int:
    """The reporting year of the next (or today's) 15 April deadline (A18)."""
    return today.year - 1 if today <= dynamic_form_deadline(today.year - 1) else today.year


def install_metrics(app: Flask) -> None:
    """Count and time every request, and serve the registry at GET /metrics (public)."""
    registry = CollectorRegistry()
    requests = Counter(
        "greenlist_http_requests",
        "HTTP requests by method, endpoint (the URL rule) and status",
        ["method", "endpoint", "status"],
        registry=registry,
    )
    latency = Histogram(
        "greenlist_http_request_duration_seconds",
        "HTTP request latency by method, endpoint and status",
        ["method", "endpoint", "status"],
        buckets=BUCKETS,
        registry=registry,
    )
    scraped = registry
    if "directory" in SHARED:  # every worker's counts, from the shared files
        scraped = CollectorRegistry()
        multiprocess.MultiProcessCollector(scraped, path=SHARED["directory"])  # type: ignore[no-untyped-call]
    scraped.register(ReadSideCollector(app))
    ProcessCollector(registry=scraped)

    def start() -> None:
        g.metrics_started = time.perf_counter()

    def record(response: Response) -> Response:
        rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
        labels = (request.method, rule, str(response.status_code))
        requests.labels(*labels).inc()
        started = g.get("metrics_started")
        if started is not None:
            latency.labels(*labels).observe(time.perf_counter() - started)
        return response

    # first, so that a request refused by authentication is timed too
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(record)

    @app.get("/metrics")
    def metrics() -> Response:
        body = generate_latest(scraped)
        return Response(body, mimetype=None, content_type=CONTENT_TYPE_LATEST)
