"""GET /health (liveness) and GET /health/ready (readiness), issue 9, item 5.

`/health` answers 200 whenever the process serves HTTP: it touches no store, so a database
outage never makes an orchestrator restart healthy web processes. `/health/ready` says whether
this process should get traffic: the store answers, this process's projection runner is alive
(following the log, or waiting to reconnect to it) and no read model is more than `max_lag`
events behind the log. Ready: 200 with the report; not ready: a 503 problem+json with
Retry-After, naming each reason, with the same report."""

from __future__ import annotations

from typing import Any, Protocol

from flask import Flask, Response, jsonify

from api import problems
from api.context import ctx
from projections.engine.outage import STORE_ERRORS, store_unreachable

MAX_LAG = "GREENLIST_READY_MAX_LAG"
"""The app's setting: how many events a read model may be behind the log and still be ready."""


class Followed(Protocol):
    """The read models' runner: where each read model is and how far behind the log."""

    def positions(self) -> dict[str, int]: ...

    def lag(self) -> dict[str, int]: ...


class Following(Protocol):
    """The projection runner of this process (greenlist.runtime.InProcessRunner)."""

    @property
    def alive(self) -> bool: ...

    @property
    def state(self) -> str: ...

    @property
    def error(self) -> str | None: ...


def _store(report: dict[str, Any]) -> bool:
    """One round trip to the event store, not retried (when its recorder offers it)."""
    probe = getattr(ctx().service.recorder, "probe", None)
    try:
        if probe is not None:
            probe()
    except STORE_ERRORS as error:
        if not store_unreachable(error):
            raise
        report["store"] = {"reachable": False, "error": f"{type(error).__name__}: {error}"}
        return False
    report["store"] = {"reachable": True}
    return True


def _runner(app: Flask, report: dict[str, Any]) -> list[str]:
    following: Following | None = app.extensions.get("greenlist_in_process_runner")
    if following is None:
        report["runner"] = {"in_process": False}
        return []
    alive = following.alive
    report["runner"] = {
        "in_process": True,
        "alive": alive,
        "state": following.state,
        "error": following.error,
    }
    if alive:
        return []
    why = f": {following.error}" if following.error else ""
    return [f"the projection runner of this process is not running ({following.state}{why})"]


def _lag(app: Flask, report: dict[str, Any]) -> list[str]:
    runner: Followed | None = app.extensions.get("greenlist_runner")
    bound = int(app.config[MAX_LAG])
    report["max_lag"] = bound
    if runner is None:
        return []
    positions, lag = runner.positions(), runner.lag()
    report["read_models"] = {
        name: {"position": positions.get(name, 0), "lag": behind}
        for name, behind in sorted(lag.items())
    }
    late = {name: behind for name, behind in sorted(lag.items()) if behind > bound}
    if not late:
        return []
    listed = ", ".join(f"{name} ({behind})" for name, behind in late.items())
    return [f"read models more than {bound} events behind the log: {listed}"]


def readiness(app: Flask) -> Response:
    report: dict[str, Any] = {}
    reasons = _runner(app, report)
    if _store(report):
        try:
            reasons += _lag(app, report)
        except STORE_ERRORS as error:
            if not store_unreachable(error):
                raise
            report["store"] = {"reachable": False, "error": f"{type(error).__name__}: {error}"}
    if not report["store"]["reachable"]:
        reasons.insert(0, "the store cannot be reached")
    if not reasons:
        return jsonify(status="ready", **report)
    return problems.problem(
        503,
        "not ready: " + "; ".join(reasons),
        "未就绪：" + "；".join(_zh(reason) for reason in reasons),
        headers={"Retry-After": str(problems.STORE_RETRY_AFTER)},
        reasons=reasons,
        **report,
    )


def _zh(reason: str) -> str:
    if reason.startswith("the store"):
        return "数据存储无法访问"
    if reason.startswith("the projection runner"):
        return "本进程的读取模型更新程序未在运行"
    return "读取模型落后于事件日志过多：" + reason.split(": ", 1)[1]


def install_health(app: Flask, max_lag: int) -> None:
    """GET /health and GET /health/ready (public, like the lists: they reveal no record)."""
    app.config[MAX_LAG] = max_lag

    @app.get("/health")
    def health() -> Response:
        """Liveness: the process answers HTTP. Touches no store."""
        return jsonify(status="ok")

    @app.get("/health/ready")
    def ready() -> Response:
        return readiness(app)
