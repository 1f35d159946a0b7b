"""The console in a real browser (Debian's Chromium driven by Playwright): the real server
(`greenlist serve --demo`, SQLite, the demo history) on a free port; an auditor's path through
the pages, an inspector's supervision and a city official kept to her city. Screenshots of each
page are written under var/screenshots/ (not committed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.auth import mint
from simulation.demo.dynamic import DISCLOSURE, ERASURE
from tests.e2e.test_server import free_port

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("console-browser"),  # one demo server, on one worker (loadgroup)
    pytest.mark.skipif(
        shutil.which("chromium") is None and not os.environ.get("GREENLIST_REQUIRE_BROWSER"),
        reason="Debian's chromium is missing (apt-get install chromium fonts-wqy-zenhei)",
    ),
]
playwright = pytest.importorskip("playwright.sync_api")

SECRET = "greenlist-console-browser-secret-of-32-bytes-at-least"
REMOVED = "91330428000002128A"  # the demo's unit of Jiaxing removed at the 2026 publication
ELSEWHERE: list[str] = []
"""Requests the console's pages made to anywhere but the server under test."""
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`greenlist serve --demo` on a fresh SQLite store, until the module is done."""
    store = tmp_path_factory.mktemp("console") / "demo.db"
    port = free_port()
    env = {
        **os.environ,
        "GREENLIST_DATABASE_URL": f"sqlite:///{store}",
        "GREENLIST_JWT_SECRET": SECRET,
    }
    script = Path(sys.executable).parent / "greenlist"
    command = [str(script), "serve", "--demo", "--no-scheduler", "--port", str(port)]
    log = open(store.with_suffix(".log"), "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        for _ in range(240):
            try:
                with opener.open(f"{base}/health", timeout=2):
                    break
            except OSError:
                assert process.poll() is None, store.with_suffix(".log").read_text()
                time.sleep(0.5)
        printed = store.with_suffix(".log").read_text()
        assert f"console: {base}/console/" in printed  # `serve --demo` says where the console is
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=shutil.which("chromium"))
        yield launched
        launched.close()


def signed_in(chromium: object, server: str, role: str, region: str, sub: str = "tester") -> object:
    """A new page, signed in to the console by pasting a token of `role` for `region`."""
    page = chromium.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page.on("request", lambda r: r.url.startswith(server) or ELSEWHERE.append(r.url))
    page.goto(f"{server}/console/")
    page.fill("#token", mint(SECRET, sub, role, region))
    page.click("#sign-in")
    page.wait_for_selector("#me")
    return page


def shot(page: object, name: str) -> None:
    """A full-page screenshot, once the page has loaded nothing from outside the server."""
    assert not ELSEWHERE, f"the console loaded {ELSEWHERE} (every asset is vendored)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def move_slider(page: object, step: int) -> None:
    page.evaluate(  # type: ignore[attr-defined]
        """step => { const s = document.querySelector('#as-of-step'); s.value = step;
                     s.dispatchEvent(new Event('change', {bubbles: true})); }""",
        step,
    )
    page.wait_for_function(  # type: ignore[attr-defined]
        "step => document.querySelector('#as-of-step').value == String(step)", arg=step
    )


def test_sign_in_keeps_the_token_in_an_httponly_strict_cookie(chromium, server) -> None:
    page = signed_in(chromium, server, "auditor", "330000")
    cookie = next(c for c in page.context.cookies() if c["name"] == "greenlist_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("greenlist_console") < 0
    page.click("text=English")
    assert page.inner_text("header nav").startswith("Lists")
    shot(page, "lists-en")


def test_a19_3_the_provincial_list_as_of_before_and_after_a_removal(chromium, server) -> None:
    """Moving the as-of control over the removal at the 2026 publication: the unit leaves
    the list, shown struck through as removed since the previous step; then its timeline and
    its removal's why."""
    page = signed_in(chromium, server, "auditor", "330000")
    page.goto(f"{server}/console/lists?level=provincial")
    last = int(page.get_attribute("#as-of-step", "max") or 0)
    row = f'#list tr[data-code="{REMOVED}"]'
    move_slider(page, last - 1)
    page.wait_for_selector(f"{row}:not(.removed)")
    shot(page, "list-before-removal")
    move_slider(page, last)
    page.wait_for_selector(f"{row}.removed")
    assert page.locator(f"{row}:not(.removed)").count() == 0
    assert page.locator("#list tr.added").count() > 0  # the 2026 publication's new units
    shot(page, "list-after-removal")
    page.set_viewport_size({"width": 1100, "height": 560})
    page.screenshot(path=str(SHOTS / "readme.png"))  # docs/console.png is one of these

    page.click(f"{row} a")
    page.wait_for_selector("#timeline")
    assert "→" in page.inner_text("#lineage")  # renamed before it was listed
    removal = page.locator('#timeline tr[data-type="Removed"]').first
    version = removal.get_attribute("data-version")
    removal.locator(".why-button").click()
    why = page.wait_for_selector(f"#why-box-{version}")
    assert "A17.3" in why.inner_text()
    shot(page, "unit-timeline-why")


def test_the_audit_trail_filtered_by_actor_and_date_range(chromium, server) -> None:
    page = signed_in(chromium, server, "auditor", "330000")
    page.goto(f"{server}/console/audit")
    page.fill("#f-actor", "jxt-staff-01")
    page.fill("#f-since", "2025-03-01")
    page.fill("#f-until", "2025-09-30")
    page.click("#f-go")
    page.wait_for_url("**actor=jxt-staff-01**")
    rows = page.locator("#audit tbody tr[data-actor]")
    assert rows.count() > 0
    for i in range(rows.count()):
        assert rows.nth(i).get_attribute("data-actor") == "jxt-staff-01"
        recorded = rows.nth(i).get_attribute("data-recorded") or ""
        assert "2025-02-28T16:00" <= recorded < "2025-09-30T16:00"
    shot(page, "audit-trail")

    page.fill("#f-actor", "")
    page.select_option("#f-role", "city")
    page.select_option("#f-basis", "world")
    page.click("#f-go")
    page.wait_for_url("**role=city**")
    rows = page.locator("#audit tbody tr[data-actor]")
    assert rows.count() > 0
    for i in range(rows.count()):
        assert rows.nth(i).get_attribute("data-role") == "city"
        occurred = rows.nth(i).get_attribute("data-occurred") or ""
        assert "2025-02-28T16:00" <= occurred < "2025-09-30T16:00"


def test_supervision_as_an_inspector_with_its_charts(chromium, server) -> None:
    page = signed_in(chromium, server, "inspector", "330000")
    page.goto(f"{server}/console/supervision")
    page.wait_for_selector("#chart-actors[data-drawn] canvas")
    page.wait_for_selector("#chart-cities[data-drawn] canvas")
    assert page.locator("#exceptions tbody tr").count() > 0
    assert page.locator("#overrides tbody tr").count() > 0
    custody = page.inner_text("#custody")  # issue 14: every disclosure and erasure, and why
    assert DISCLOSURE in custody and ERASURE in custody
    shot(page, "supervision")


def test_id_3_a_city_official_cannot_see_another_citys_non_public_data(chromium, server) -> None:
    page = signed_in(chromium, server, "city", "330100", "jxj-330100")
    page.goto(f"{server}/console/units/{REMOVED}")
    assert "403" in page.inner_text("#refused")
    assert "南湖纺织" not in page.content()
    page.goto(f"{server}/console/audit")
    assert "403" in page.inner_text("#refused")
    page.goto(f"{server}/console/supervision")
    assert "403" in page.inner_text("#refused")
    page.goto(f"{server}/console/lists?level=provincial")  # the published list is public
    assert page.locator("#list tbody tr").count() > 0
    shot(page, "city-refused")


def test_a15_2_a_round_with_its_quotas_panels_and_draws(chromium, server) -> None:
    page = signed_in(chromium, server, "auditor", "330000")
    page.goto(f"{server}/console/rounds?level=provincial&year=2025")
    assert page.inner_text("#published") == "2025-09-19"
    assert page.locator("#quotas td").count() == 11
    assert page.locator("#nominations tbody tr").count() > 0
    acts = page.inner_text("#round-acts")
    assert "ExpertPanelDrawn" in acts and "SiteSampleDrawn" in acts
    objections = page.locator("#notice-objections tbody tr")  # A16.1: the notice's objections
    assert objections.count() > 0
    upheld = [int(c) for c in objections.locator("td:nth-child(7)").all_inner_texts()]
    assert sum(upheld) >= 1  # the demo's upheld public objection
    shot(page, "round")


def test_a19_announcements_and_deadlines(chromium, server) -> None:
    page = signed_in(chromium, server, "auditor", "330000")
    page.goto(f"{server}/console/announcements?level=provincial")
    assert "removal" in page.inner_text("#announcements")
    shot(page, "announcements")
    page.goto(f"{server}/console/deadlines?status=done")
    assert page.locator("#deadlines tbody tr").count() > 0
    shot(page, "deadlines")


def test_the_provincial_list_downloads_as_csv_and_xlsx_with_the_apis_rows(
    chromium, server, tmp_path: Path
) -> None:
    """The list page's CSV and XLSX links, clicked in the browser, download files whose rows
    are the API's JSON rows for the same read (issue 13 items 1-2)."""
    import csv
    import io
    import json

    from openpyxl import load_workbook

    page = signed_in(chromium, server, "auditor", "330000")
    page.goto(f"{server}/console/lists?level=provincial")
    page.wait_for_selector("#list")
    files = {}
    for label in ("CSV", "XLSX"):  # the links as the signed-in browser follows them
        link = page.get_attribute(f"a.export:text-is('{label}')", "href") or ""
        answer = page.request.get(f"{server}{link}")
        assert answer.status == 200, (link, answer.status, answer.text()[:300])
        assert "attachment" in answer.headers.get("content-disposition", "")
        files[label] = tmp_path / f"list.{label.lower()}"
        files[label].write_bytes(answer.body())
    href = page.get_attribute("a.export:text-is('CSV')", "href") or ""
    query = href.split("?", 1)[1].replace("format=csv", "limit=500")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{server}/api/v1/lists/provincial?{query}", timeout=30) as answer:
        api = [row["credit_code"] for row in json.load(answer)["items"]]
    raw = files["CSV"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert api and [r["credit_code"] for r in rows] == api
    sheet = load_workbook(files["XLSX"], read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    column = list(values[0]).index("credit_code")
    assert [r[column] for r in values[1:]] == api
    shot(page, "list-downloads")
