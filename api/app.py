"""The Flask application factory: configuration in, an app out; nothing is built at import."""

from __future__ import annotations

import http
from datetime import timedelta

from flask import Flask, Response
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from api import problems
from api.auth import DEFAULT_MAX_LIFETIME, authenticate
from api.bodies import check_body, refuse_oversized
from api.console import install_console
from api.context import Context
from api.docs import docs_config, install_docs
from api.health import install_health
from api.idempotency import CLAIM_SECONDS, Idempotency
from api.limits import DEFAULT_FILING_LIMIT, install_limits
from api.metrics import install_metrics
from api.openapi import AccessPlugin
from api.refusals import Refusals
from api.request_log import install_request_log
from api.schemas.problem import Problem
from api.strict_query import refuse_unknown_query
from domain.errors import GreenlistError
from domain.service import Greenlist
from projections.engine.db import Db
from projections.engine.outage import STORE_ERRORS
from projections.errors import ProjectionsBehind

MAX_BODY = 256 * 1024


class ProblemApi(Api):  # type: ignore[misc]
    """flask-smorest with RFC 9457 problem documents (and werkzeug's own headers kept, so a
    405 carries Allow and a 401 WWW-Authenticate), documented as such in the OpenAPI document."""

    ERROR_SCHEMA = Problem

    def _register_responses(self) -> None:
        """smorest's error response components (one per status, and DEFAULT_ERROR), described
        as `application/problem+json` instead of its own JSON error."""
        for status in http.HTTPStatus:
            response: dict[str, object] = {"description": status.phrase}
            if status >= 200 and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, problems.PROBLEM)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)

    def handle_http_exception(self, error: HTTPException) -> Response:
        return problems.from_http(error)


def create_app(
    service: Greenlist,
    views: Db,
    jwt_secret: str,
    read_models: list[str],
    test_clock: bool = False,
    token_max_lifetime: timedelta = DEFAULT_MAX_LIFETIME,
    filing_limit: str = DEFAULT_FILING_LIMIT,
    limit_storage: str = "memory://",
    ready_max_lag: int = 1000,
    idempotency_claim_seconds: float = CLAIM_SECONDS,
) -> Flask:
    """The API over a service and its views. `filing_limit` bounds real-name reports per client
    (api.limits), counted in `limit_storage`; `ready_max_lag`: how many events a read model may
    be behind the log while /health/ready still says ready; `idempotency_claim_seconds`: how
    long an Idempotency-Key claimed by a request that never answered holds (api.idempotency)."""
    app = Flask("greenlist")
    app.config.update(
        API_TITLE="greenlist",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        **docs_config(),  # Swagger UI from the package, never a CDN (api.docs)
        GREENLIST_JWT_SECRET=jwt_secret,
        GREENLIST_TOKEN_MAX_LIFETIME=token_max_lifetime,
        MAX_CONTENT_LENGTH=MAX_BODY,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    idempotency = Idempotency(views, jwt_secret.encode(), idempotency_claim_seconds)
    app.extensions["greenlist"] = Context(
        service, views, idempotency, read_models, refusals=Refusals(views)
    )
    api = ProblemApi(app, spec_kwargs={"extra_plugins": [AccessPlugin()]})
    app.before_request(refuse_oversized)
    install_limits(app, filing_limit, limit_storage)
    app.before_request(authenticate)
    app.before_request(check_body)
    app.before_request(refuse_unknown_query)
    app.register_error_handler(GreenlistError, problems.from_domain)
    app.register_error_handler(ProjectionsBehind, problems.from_behind)
    for family in STORE_ERRORS:  # an unreachable store is a 503, whatever touched it
        app.register_error_handler(family, problems.from_unreachable)

    from api.resources import register_all

    register_all(api, test_clock=test_clock)
    install_metrics(app)
    install_request_log(app)  # first of all: the request's id, before metrics start
    install_docs(app)
    install_health(app, ready_max_lag)
    install_console(app)
    return app
