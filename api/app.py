"""The Flask application factory: configuration in, an app out; nothing is built at import."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from api import problems
from api.auth import authenticate
from api.context import Context
from api.idempotency import Idempotency, Store
from api.metrics import install_metrics
from domain.errors import GreenlistError
from domain.service import Greenlist
from projections.errors import ProjectionsBehind

MAX_BODY = 256 * 1024


class ProblemApi(Api):  # type: ignore[misc]
    """flask-smorest with RFC 9457 problem documents (and werkzeug's own headers kept, so a
    405 carries Allow and a 401 WWW-Authenticate)."""

    def handle_http_exception(self, error: HTTPException) -> Response:
        return problems.from_http(error)


def create_app(
    service: Greenlist,
    views: Store,
    jwt_secret: str,
    read_models: list[str],
    test_clock: bool = False,
) -> Flask:
    app = Flask("greenlist")
    app.config.update(
        API_TITLE="greenlist",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        GREENLIST_JWT_SECRET=jwt_secret,
        MAX_CONTENT_LENGTH=MAX_BODY,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["greenlist"] = Context(service, views, Idempotency(views), read_models)
    api = ProblemApi(app)
    app.before_request(authenticate)
    app.register_error_handler(GreenlistError, problems.from_domain)
    app.register_error_handler(ProjectionsBehind, problems.from_behind)

    from api.resources import register_all

    register_all(api, test_clock=test_clock)
    install_metrics(app)

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    return app
