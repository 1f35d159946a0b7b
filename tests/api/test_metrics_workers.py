"""/metrics with several workers (issue 13 item 7): in prometheus-client's multiprocess mode a
scrape answered by any process counts the requests of every process, live or gone, and carries
the process metrics (`process_*`). Two worker processes answer requests; a third scrapes."""

from __future__ import annotations

import multiprocessing
import os
import re
from pathlib import Path

import pytest

from tests.api.conftest import SECRET

pytestmark = pytest.mark.stores("memory")


def worker(directory: str, requests: int, scrape_to: str = "") -> None:
    """A process like a gunicorn worker of `greenlist serve --workers N`: its own app, counting
    into the shared directory."""
    from api.metrics import use_multiprocess
    from greenlist.web import make_app

    os.environ["GREENLIST_JWT_SECRET"] = SECRET
    use_multiprocess(directory)
    app = make_app("memory://", follow=False)
    client = app.test_client()
    for _ in range(requests):
        assert client.get("/health").status_code == 200
    if scrape_to:
        Path(scrape_to).write_text(client.get("/metrics").get_data(as_text=True))
    app.extensions["greenlist"].service.close()


def run(target_args: tuple[object, ...]) -> None:
    process = multiprocessing.get_context("spawn").Process(target=worker, args=target_args)
    process.start()
    process.join(120)
    assert process.exitcode == 0


def health_count(text: str) -> float:
    pattern = r'greenlist_http_requests_total\{[^}]*endpoint="/health"[^}]*\} (\S+)'
    return sum(float(value) for value in re.findall(pattern, text))


def test_a_scrape_counts_the_requests_of_every_worker(tmp_path: Path) -> None:
    shared = tmp_path / "metrics"
    shared.mkdir()
    first = multiprocessing.get_context("spawn").Process(target=worker, args=(str(shared), 3))
    second = multiprocessing.get_context("spawn").Process(target=worker, args=(str(shared), 4))
    for process in (first, second):
        process.start()
    for process in (first, second):
        process.join(120)
        assert process.exitcode == 0
    scraped = tmp_path / "scrape.txt"
    run((str(shared), 1, str(scraped)))
    text = scraped.read_text()
    assert health_count(text) == 3 + 4 + 1
    assert "greenlist_http_request_duration_seconds_bucket" in text
    assert "greenlist_projection_lag_events" in text
    assert re.search(r"^process_cpu_seconds_total \S+$", text, re.MULTILINE)
    assert len(list(shared.glob("*.db"))) >= 3  # each process its own files
