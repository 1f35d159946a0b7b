"""The filing limit's check runs for POSTs only (api.limits.posts_only, issue 15 item 4):
every limit is a POST's, so a read never pays for resolving its route's limits. That the
filings are still limited is shown in tests/api/test_reporters_unlinked.py."""

from __future__ import annotations

from typing import Any

import pytest
from flask import request
from flask_limiter import Limiter

from greenlist.web import make_app
from tests.api.conftest import SECRET, token


@pytest.mark.stores("sqlite")
def test_reads_never_meet_the_limiter_and_posts_do(
    store_url: str, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    methods: list[str] = []
    real = Limiter._check_request_limit

    def spied(self: Limiter, *args: Any, **kwargs: Any) -> Any:
        methods.append(request.method)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Limiter, "_check_request_limit", spied)
    app = make_app(store_url, clock, follow=False)
    try:
        client = app.test_client()
        assert client.get("/health").status_code == 200
        assert client.get("/api/v1/lists/provincial").status_code == 200
        assert client.head("/api/v1/lists/provincial").status_code == 200
        auditor = token("auditor")
        assert client.get("/api/v1/audit-trail", headers=auditor).status_code == 200
        assert methods == []
        client.post("/api/v1/complaints", json={})  # refused (422): checked first all the same
        assert methods == ["POST"]
    finally:
        app.extensions["greenlist"].service.close()
