"""The API documentation works without internet (issue 13 item 4): /api/docs takes Swagger UI
from the package, never from a CDN. Checked in the HTML (every script and stylesheet is
same-origin and served) and in Debian's Chromium driven by Playwright, with every request that
leaves the loopback interface blocked: the page still renders the operations."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

pytestmark = pytest.mark.stores("memory")


def test_the_docs_page_takes_every_asset_from_the_service(client: FlaskClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 3  # the stylesheet, the preset and the bundle
    for url in assets:
        assert not urlsplit(url).netloc and url.startswith("/api/docs/assets/"), url
        served = client.get(url)
        assert served.status_code == 200 and len(served.data) > 1000, url
    assert "cdn" not in html and '"validatorUrl": null' in html
    assert client.get("/api/docs/assets/LICENSE").status_code == 200


@pytest.fixture
def served(api_app: Flask) -> Iterator[str]:
    """The app on a loopback port of its own, in a thread."""
    server = make_server("127.0.0.1", 0, api_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs Debian's chromium (.ci/run)")
        pytest.skip("Debian's chromium is not installed")
    return path


def test_the_docs_render_in_chromium_with_no_outside_request(served: str, tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    outside: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium())
        try:
            page = browser.new_page()
            page.route("**/*", only_loopback)
            page.goto(f"{served}/api/docs")
            page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
            page.wait_for_selector('[data-path="/api/v1/lists/{level}/changes"]', timeout=30_000)
            assert "greenlist" in page.inner_text(".swagger-ui .info .title")
            screenshots = Path(os.environ.get("GREENLIST_SCREENSHOTS", tmp_path))
            screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshots / "api-docs.png"))
        finally:
            browser.close()
    assert outside == []
