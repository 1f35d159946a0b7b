"""The read-only console at /console (issue 13 item 1): Jinja pages in Chinese first, with an
English switch, htmx and ECharts vendored under static/vendor (htmx 2.0.11, 0BSD; ECharts
6.1.0 echarts.simple.min.js, Apache-2.0, LICENSE and NOTICE beside it). An adapter like the
API resources: it reads through the API with the signed-in token (api.console.client)."""

from __future__ import annotations

from flask import Flask


def install_console(app: Flask) -> None:
    from api.console import pages  # noqa: F401 - its routes, on views.bp
    from api.console.views import bp

    app.register_blueprint(bp)
