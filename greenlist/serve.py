"""`greenlist serve`: the HTTP API under gunicorn, through gunicorn's Python API (no shell
wrapper, no config file read from the working directory).

Threaded workers (gthread, as greenlist.worker.BufferingWorker: requests are received whole in
the worker's event loop before a thread takes them, so slow or idle clients hold no thread,
issue 9 item 6); one worker by default, because on the embedded SQLite store one
process writes. Each worker builds its own app after the fork (never `preload`: the stores'
connections and the projection runner's thread must not be shared across a fork) and runs the
read models' runner in-process (greenlist.web.make_app). SIGTERM stops gunicorn gracefully;
each worker then stops its runner and closes its stores. The settings are read once, by
`greenlist serve`, and reach each worker with the fork (none of them reads the environment)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from api.metrics import use_multiprocess, worker_gone
from api.request_log import log_json_lines
from greenlist.settings import JWT_SECRET, Settings, settings_or_env
from greenlist.worker import REQUEST_TIMEOUT, BufferingWorker

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
THREADS = 4
KEEPALIVE = 5
"""Seconds a connection may stay silent (new, or kept alive between requests)."""


def close_app(app: Flask | None) -> None:
    """Stop the in-process runner and close the service and the views' database."""
    if app is None:
        return
    runner = app.extensions.get("greenlist_in_process_runner")
    if runner is not None:
        runner.__exit__(None, None, None)
    context = app.extensions.get("greenlist")
    if context is not None:
        context.service.close()
        close = getattr(context.views, "close", None)
        if close is not None:
            close()


def _worker_exit(_server: Any, worker: Any) -> None:
    try:
        close_app(getattr(worker, "wsgi", None))
    except Exception:  # the worker is going away; say why, do not hang
        log.exception("closing the app of worker %s", worker.pid)


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn running `greenlist.web:make_app`, configured here and nowhere else; each
    worker builds its app from the settings `greenlist serve` read."""

    def __init__(self, options: dict[str, Any], settings: Settings) -> None:
        self.options = options
        self.settings = settings
        super().__init__(prog="greenlist serve")

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:  # older gunicorns lack some
                self.cfg.set(key, value)

    def load(self) -> Flask:
        from greenlist.web import make_app

        return make_app(settings=self.settings)


class SchedulerAlongside:
    """`greenlist scheduler` as a child process of gunicorn's master (never inside a web
    worker): started when the server is ready, stopped (SIGTERM, then waited for) when it
    exits. Used with the embedded default, so that one command runs a living demo. The child
    reads the same environment, with the token secret `greenlist serve` settled on (the demo's
    own, generated for its store)."""

    def __init__(self, settings: Settings) -> None:
        self.child: subprocess.Popen[bytes] | None = None
        self.env = dict(os.environ)
        if settings.jwt_secret:
            self.env[JWT_SECRET] = settings.jwt_secret

    def start(self, _server: Any) -> None:
        command = [sys.executable, "-m", "greenlist.cli", "scheduler"]
        self.child = subprocess.Popen(command, env=self.env)  # our own module, no shell
        print(f"scheduler started alongside (pid {self.child.pid})", file=sys.stderr, flush=True)

    def stop(self, _server: Any) -> None:
        if self.child is None or self.child.poll() is not None:
            return
        self.child.terminate()
        try:
            self.child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.child.kill()


def options(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int = 1,
    threads: int = THREADS,
    request_timeout: float = REQUEST_TIMEOUT,
) -> dict[str, Any]:
    """gunicorn's settings for the service. The limits are gunicorn's defaults, said here
    because the README promises them: a request line over 4094 bytes is refused (414), more
    than 100 header fields or one over 8190 bytes (431), a whole head over 64 KiB (431, from
    the worker's loop); at most 1000 connections per worker, beyond which new ones wait in the
    listen backlog."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": BufferingWorker.configured(request_timeout),
        "threads": threads,
        "worker_connections": 1000,
        "keepalive": KEEPALIVE,
        "limit_request_line": 4094,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "preload_app": False,
        "control_socket_disable": True,  # gunicorn >= 25.1 opens ~/.gunicorn/gunicorn.ctl else
        "timeout": 60,
        "graceful_timeout": 15,
        "accesslog": None,  # the app's JSON line per request is the access log (api.request_log)
        "worker_exit": _worker_exit,
        "proc_name": "greenlist",
    }


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int = 1,
    threads: int = THREADS,
    access_log: bool = True,
    scheduler: bool = False,
    request_timeout: float = REQUEST_TIMEOUT,
    settings: Settings | None = None,
) -> int:
    """Run until SIGTERM or SIGINT. With several workers, or the scheduler alongside, copies
    of aggregates kept in memory are checked against the store before use
    (GREENLIST_AGGREGATE_CACHE=checked unless set), as several processes then write."""
    settings = settings_or_env(settings)
    if access_log:  # one JSON line per request and per command, on stderr (api.request_log)
        log_json_lines()
    gunicorn = options(host, port, workers, threads, request_timeout)
    if workers > 1 or scheduler:
        settings = settings.with_checked_cache()
    if scheduler:
        alongside = SchedulerAlongside(settings)
        gunicorn |= {"when_ready": alongside.start, "on_exit": alongside.stop}
    shared = None
    if workers > 1:  # /metrics sums every worker's counts (api.metrics, multiprocess mode)
        shared = tempfile.mkdtemp(prefix="greenlist-metrics-")
        use_multiprocess(shared)
        gunicorn["child_exit"] = lambda _server, worker: worker_gone(worker.pid)
    try:
        Server(gunicorn, settings).run()
    finally:
        if shared is not None:
            shutil.rmtree(shared, ignore_errors=True)
    return 0
