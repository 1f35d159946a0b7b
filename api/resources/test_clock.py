"""PUT /api/v1/test/clock: sets the service's clock, for black-box tests and demos only.

The module is `TEST_ONLY`: `api.resources.register_all` registers it only when the app is built
with `GREENLIST_TEST_CLOCK=1` (greenlist.web.make_app); otherwise the path does not exist (404).
Once moved, the scheduler catches up to the new instant: what fell due runs, date by date,
before the response, which lists it (greenlist.web.clock_moved). The clock only moves forward,
so that recorded instants stay in the order the acts were done (the timeline that `as_of`
reads, A29: each decision records the rule-set of its date)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask import Response, current_app, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.auth import require
from api.context import ctx
from api.problems import problem
from api.schemas.common import check_instant
from domain.clock import SettableClock
from domain.values import Role

TEST_ONLY = True
"""Registered only when the test clock is enabled."""

blp = Blueprint(
    "test_clock",
    __name__,
    url_prefix="/api/v1/test",
    description="测试时钟 Test clock (GREENLIST_TEST_CLOCK=1 only)",
)


class ClockIn(Schema):
    now = fields.AwareDateTime(
        required=True,
        validate=check_instant,  # an extreme instant would overflow in UTC (a 500)
        metadata={"description": "the new current instant (ISO 8601 with offset)"},
    )


class HandledOut(Schema):
    deadline_id = fields.String()
    kind = fields.String(metadata={"description": "window, notice, form, rereview or lapse"})
    due_on = fields.String(metadata={"description": "the logical date the act is for"})
    result = fields.String(metadata={"description": "recorded, nothing or refused"})
    position = fields.Integer(allow_none=True)
    message = fields.String()


class ClockOut(Schema):
    now = fields.String(metadata={"description": "the service's clock, UTC"})
    handled = fields.List(
        fields.Nested(HandledOut),
        metadata={"description": "the deadlines the scheduler handled up to the new instant"},
    )


@blp.route("/clock")
class TestClock(MethodView):
    @blp.arguments(ClockIn)
    @blp.response(200, ClockOut)
    def put(self, body: dict[str, Any]) -> Response:
        """Set the service's clock (only forward; tests and demos only; a province token,
        since moving the clock runs every act that falls due, issue 9 item 9)."""
        require(Role.PROVINCE)
        clock = ctx().service.clock
        if not isinstance(clock, SettableClock):
            return problem(
                409,
                "the service runs on the real clock",
                "服务使用系统时钟，不能设置",
            )
        wanted = body["now"].astimezone(UTC)
        current = clock.now()
        if wanted < current:
            return problem(
                422,
                f"the clock only moves forward: it reads {current.isoformat()}",
                f"测试时钟只能向前调整，当前为{current.isoformat()}",
            )
        clock.set(wanted)
        moved = current_app.extensions.get("greenlist_clock_moved")
        handled = moved(wanted) if moved is not None else []
        return jsonify(now=wanted.isoformat(), handled=handled)
