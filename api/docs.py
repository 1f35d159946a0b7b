"""The API documentation's assets, served from the package (issue 13): Swagger UI
(swagger-ui-dist 5.35.0, Apache-2.0, api/static/swagger-ui/ with its LICENSE and NOTICE), so
that /api/docs renders on a machine without internet, as on a government intranet. Nothing
of the page is fetched from elsewhere: no CDN, and no online validator badge."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask

ASSETS = Path(__file__).parent / "static" / "swagger-ui"
URL = "/api/docs/assets/"


def docs_config() -> dict[str, object]:
    """flask-smorest's settings of the Swagger UI page: its scripts and styles from `URL`."""
    return {
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": URL,
        "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
    }


def install_docs(app: Flask) -> None:
    """Serve the vendored Swagger UI files under `URL` (public)."""
    blueprint = Blueprint(
        "docs_assets",
        __name__,
        static_folder=str(ASSETS),
        static_url_path=URL.rstrip("/"),
    )
    app.register_blueprint(blueprint)
