"""Commands: a view that acts returns the service's `Receipt`; `command` documents it and
answers it, both from one declaration per view: the service command it calls (whose roles the
OpenAPI document lists from the service's table, api.openapi), its one status and, for a
command that creates its record, the Location.

The API decides no role and computes no aggregate id: the service decides who may act
(domain.rules.jurisdiction) and knows the record each command acts on; a view passes the
actor (`acting`) and the version the caller read (`expected_version`, from If-Match) along."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Response, g, jsonify, request
from flask_smorest import Blueprint
from werkzeug.exceptions import PreconditionFailed

from api.context import ctx, etag
from api.openapi import ACT, ETAG, IDEMPOTENCY_KEY, IF_MATCH, REPLAYED, header
from api.request_log import log_command
from api.schemas.common import Receipt as ReceiptOut
from api.schemas.common import plain
from api.schemas.custody import IdentityOut
from domain.errors import ConcurrentUpdate, RuleViolation
from domain.service import Greenlist
from domain.service.base import ANY_VERSION, ExpectedVersion, Receipt
from domain.values import Actor

F = TypeVar("F", bound=Callable[..., Any])
LOG = logging.getLogger("greenlist.refusals")
CONFLICTS = logging.getLogger("greenlist.conflicts")
DECISIONS_PER_REQUEST = 3
"""How many times a command is decided, at most, when another act wrote one of its records
first (`decided_afresh`)."""


@dataclass(frozen=True)
class Created:
    """The answer of a command that creates its record: the receipt and where the record is."""

    receipt: Receipt
    location: str


def acting() -> Actor:
    """The actor of this request (api.auth.authenticate: the public without a token)."""
    actor: Actor = g.actor
    return actor


def expected_version() -> ExpectedVersion:
    """The version of the record acted on that the caller read, from `If-Match` (an ETag given
    by a read or a receipt), `ANY_VERSION` for `*` (RFC 9110, 13.1.1: any current version),
    None without the header. A weak or malformed ETag is refused (412)."""
    header_ = request.headers.get("If-Match")
    if not header_:
        return None
    value = header_.strip()
    if value == "*":
        return ANY_VERSION
    if value.startswith("W/"):  # RFC 9110, 13.1.1: If-Match compares strongly
        raise PreconditionFailed("If-Match compares strong ETags: a weak one (W/) never matches")
    value = value.strip('"')
    if not value.isdigit():
        raise PreconditionFailed("If-Match must be an ETag given by a read of this record, or *")
    return int(value)


def keep_refusal(act: str, refusal: RuleViolation) -> None:
    """The refusals trail (api.refusals): who was refused which act on what, under which rules."""
    context = ctx()
    if context.refusals is None:
        return
    try:
        at = context.service.clock.now()
        context.refusals.record(acting(), act, request.view_args or {}, refusal, at)
    except Exception:  # the caller still gets its refusal; the failure to keep it is logged
        LOG.exception("the refusal of %s could not be kept", act)


def decided_afresh(act: str, decide: Callable[[], Any]) -> Any:
    """The command decided again, on the records as they are now, when another act wrote one
    of them between this one's reading and its writing (`ConcurrentUpdate`: nothing of this
    one was recorded, and its stale copies were dropped). Two writers on their own units may
    share a record (an agency's quota, a park's member index, a round): the second was
    answered 409 for a race it could do nothing about but send again. Deciding again is what
    that would do, with every check made afresh: the rules on the new state, and If-Match
    against the record's version now (412 if the record the caller read has moved). A record
    that now exists is `AlreadyExists` (409), never decided again; a third lost race is
    answered 409."""
    for attempt in range(1, DECISIONS_PER_REQUEST):
        try:
            return decide()
        except ConcurrentUpdate:
            CONFLICTS.info("%s lost a race (attempt %d): decided again", act, attempt)
    return decide()


def receipt_body(receipt: Receipt) -> dict[str, Any]:
    details = plain(dict(receipt.details))  # ids, dates (a notice's last day) as JSON values
    return {
        "id": str(receipt.aggregate_id),
        "version": receipt.version,
        "position": receipt.position,
        "details": details,
    }


def takes_expected_version(act: str) -> bool:
    """Whether the service's command acts on a record that exists (it takes the version the
    caller read): only those honour If-Match."""
    return "expected_version" in inspect.signature(getattr(Greenlist, act)).parameters


def command(blp: Blueprint, act: str, status: int = 200, *, location: str = "") -> Callable[[F], F]:
    """A view calling the service's command `act`, answering `status` with the receipt (id,
    version, log position), its ETag and, for a command that creates its record (`location`
    describes it; the view returns `Created`), Location. Run once per Idempotency-Key
    (api.idempotency); `If-Match` is read (a malformed one refused, 412) before the view runs
    and, where the command acts on an existing record, documented. The roles that may do it
    are documented from the service's table (api.openapi.AccessPlugin)."""
    getattr(Greenlist, act)  # a command of the service, or this fails at import
    headers = {"ETag": ETAG, "Idempotent-Replayed": REPLAYED}
    if location:
        headers["Location"] = header(location, required=True)
    parameters = [IDEMPOTENCY_KEY, *([IF_MATCH] if takes_expected_version(act) else [])]

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def run(*args: Any, **kwargs: Any) -> Response:
            def handle() -> Response:
                expected_version()  # a malformed If-Match is refused, whatever the command
                try:
                    answer = decided_afresh(act, lambda: view(*args, **kwargs))
                except RuleViolation as refusal:
                    keep_refusal(act, refusal)
                    raise
                created = answer if isinstance(answer, Created) else None
                receipt = created.receipt if created else answer
                log_command(act, receipt)
                response = jsonify(receipt_body(receipt))
                response.status_code = status
                response.headers["ETag"] = etag(receipt.version)
                if created:
                    response.headers["Location"] = created.location
                return response

            return ctx().idempotency.run(acting(), handle)

        documented = blp.response(status, ReceiptOut, headers=headers)(run)
        return blp.doc(parameters=parameters, **{ACT: act})(documented)  # type: ignore[no-any-return]

    return decorate


def disclosure(blp: Blueprint, act: str) -> Callable[[F], F]:
    """A view calling a disclosure command `act` of the service (issue 14): an act whose answer
    is the identity it opened, with the receipt of the recorded disclosure. Unlike `command`,
    never run through Idempotency-Key (its answer would be kept in the idempotency table, in
    clear) and never cached (no-store): each disclosure is its own act, recorded."""
    getattr(Greenlist, act)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def run(*args: Any, **kwargs: Any) -> Response:
            try:
                identity, receipt = view(*args, **kwargs)
            except RuleViolation as refusal:
                keep_refusal(act, refusal)
                raise
            log_command(act, receipt)
            response = jsonify({**plain(identity), "disclosure": receipt_body(receipt)})
            response.headers["Cache-Control"] = "no-store"
            return response

        documented = blp.response(200, IdentityOut)(run)
        return blp.doc(**{ACT: act})(documented)  # type: ignore[no-any-return]

    return decorate
