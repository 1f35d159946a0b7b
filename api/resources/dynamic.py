"""Dynamic management of listed units under /api/v1/units/{code}: negative records (A17),
yearly forms (A18), removals (A19), changes and re-checks (A20) and five-yearly re-reviews (A21);
accidents (A19.4): api.resources.accidents."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from api.commands import acting, command, expected_version
from api.context import ctx
from api.schemas.common import Act
from api.schemas.dynamic import (
    DecideRemoval,
    DeclareChange,
    EndNegative,
    RecheckChange,
    RecordNegative,
    RecordRereview,
    SubmitForm,
)
from domain.service.base import Receipt
from domain.values import Level

blp = Blueprint(
    "dynamic", __name__, url_prefix="/api/v1/units", description="动态管理 Dynamic management"
)


@blp.route("/<string:code>/negative-records")
class NegativeRecords(MethodView):
    @blp.arguments(RecordNegative)
    @command(blp, "record_negative_record", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """Record an article 17 ground; for a listed unit its removal follows at the annual
        publication (A17, A19.1). The receipt's details give `record_id`."""
        return ctx().service.record_negative_record(
            acting(),
            code,
            body["ground"],
            body["occurred_on"],
            body["source"],
            body["description"],
            ended_on=body["ended_on"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/negative-records/<uuid:record_id>/end")
class NegativeRecordEnd(MethodView):
    @blp.arguments(EndNegative)
    @command(blp, "end_negative_record")
    def put(self, body: dict[str, Any], code: str, record_id: UUID) -> Receipt:
        """A continuing ground (A17.1, A17.5, A17.6) ended; the three years run from then."""
        return ctx().service.end_negative_record(
            acting(),
            code,
            record_id,
            body["ended_on"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/dynamic-forms")
class DynamicForms(MethodView):
    @blp.arguments(SubmitForm)
    @command(blp, "submit_dynamic_form", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The unit's yearly dynamic management form, due 15 April of the following year (A18),
        with the changes of name, scope, address or boundary it declares (A20.1)."""
        return ctx().service.submit_dynamic_form(
            acting(),
            code,
            Level(body["level"]),
            body["year"],
            body["indicators"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
            changes=body["changes"],
        )


@blp.route(
    "/<string:code>/dynamic-forms/<any(municipal, provincial, national):level>"
    "/<int(min=2000, max=2100):year>/overdue"
)
class DynamicFormOverdue(MethodView):
    @blp.arguments(Act)
    @command(blp, "mark_form_overdue")
    def post(self, body: dict[str, Any], code: str, level: str, year: int) -> Receipt:
        """No form by 15 April: removal at the next annual publication (A18, A19.2)."""
        return ctx().service.mark_form_overdue(
            acting(),
            code,
            Level(level),
            year,
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/changes")
class Changes(MethodView):
    @blp.arguments(DeclareChange)
    @command(blp, "declare_change", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """Declare a change of name, scope, address or boundary (A20.1). The receipt's details
        give `change_id`."""
        return ctx().service.declare_change(
            acting(),
            code,
            body["change_kind"],
            body["description"],
            new_name=body["new_name"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/changes/<uuid:change_id>/recheck")
class ChangeRecheck(MethodView):
    @blp.arguments(RecheckChange)
    @command(blp, "recheck_change")
    def put(self, body: dict[str, Any], code: str, change_id: UUID) -> Receipt:
        """The city re-checks a declared change (A20.2); provincial and national renames and
        removals wait for the annual publication (A20.3)."""
        return ctx().service.recheck_change(
            acting(),
            code,
            change_id,
            body["confirmed"],
            body["still_meets_standards"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/removals")
class Removals(MethodView):
    @blp.arguments(DecideRemoval)
    @command(blp, "decide_removal", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """Decide a removal under A19.1-3, effective at the annual publication: the province for
        any level, the unit's city for its municipal list."""
        return ctx().service.decide_removal(
            acting(),
            code,
            Level(body["level"]),
            body["ground"],
            body["reason"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )


@blp.route("/<string:code>/rereviews")
class Rereviews(MethodView):
    @blp.arguments(RecordRereview)
    @command(blp, "record_rereview", 201)
    def post(self, body: dict[str, Any], code: str) -> Receipt:
        """The city's five-yearly re-review; a failed one leads to removal at the annual
        publication (A21, A19.1)."""
        return ctx().service.record_rereview(
            acting(),
            code,
            Level(body["level"]),
            body["passed"],
            occurred_at=body["occurred_at"],
            expected_version=expected_version(),
        )
