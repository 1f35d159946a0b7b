"""What an outside attack on issue 15's read caches found around them (2026-12-05), each a
scenario that failed before its fix: a plain date at the end of the calendar, a validly signed
token with an instant too large for a float, a populated PostgreSQL store announced as new,
and the test clock with several web workers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from pathlib import Path

import pytest

from greenlist import cli
from greenlist.settings import settings_or_env
from greenlist.store_notice import state
from tests.api.bad_input import CODE, Prepared, prepared, problem, store_url
from tests.api.conftest import SECRET, province
from tests.api.test_bad_input_values import query_parameters

__all__ = ["prepared", "store_url"]


def test_a_plain_date_at_the_end_of_the_calendar_is_a_422_never_a_500(prepared: Prepared) -> None:
    """`as_of=9999-12-31` is read as the end of that day in Asia/Shanghai, which is computed
    from the next day's midnight: outside the calendar (OverflowError, a 500 on the lists, the
    audit trail, a unit, refusals and supervision). Now refused as any instant outside 1971 to
    2199, naming the parameter."""
    for path, name in query_parameters(prepared, "date-time"):
        for day in ("9999-12-31", "0001-01-01", "2200-01-01"):
            response = prepared.client.get(path, query_string={name: day}, headers=province())
            assert response.status_code == 422, (path, name, day, response.status_code)
            assert name in problem(response, 422)["errors"]["query"], (path, name)


def _signed(payload: str) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    header = b64(b'{"alg":"HS256","typ":"JWT"}')
    signing = f"{header}.{b64(payload.encode())}"
    mac = hmac.new(SECRET.encode(), signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{b64(mac)}"


@pytest.mark.parametrize("times", ['"iat":{now},"exp":1{zeros}', '"iat":-1{zeros},"exp":{later}'])
def test_a_signed_token_with_a_huge_integer_instant_is_a_401(
    prepared: Prepared, times: str
) -> None:
    """`exp` (or `iat`) of 10**400, validly signed: JSON allows it, a float cannot hold it
    (an OverflowError, a 500, before the fix)."""
    now = int(time.time())
    claims = times.format(now=now, later=now + 60, zeros="0" * 400)
    token = _signed(f'{{"sub":"p","role":"province","region":"330000",{claims}}}')
    response = prepared.client.get(
        f"/api/v1/units/{CODE}", headers={"Authorization": f"Bearer {token}"}
    )
    assert "NumericDate" in problem(response, 401)["detail"]


def test_a_store_holding_events_is_not_announced_as_new(prepared: Prepared, store_url: str) -> None:
    """Every command says which store it uses; on PostgreSQL it looked for SQLite's table name
    and told a store of a thousand events that it was new (and to load the demo into it)."""
    assert "new" not in state(settings_or_env(None, store_url))


def test_the_test_clock_is_refused_with_several_workers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Each worker would keep its own test clock, moved only by the requests it answers: reads
    disagreeing about now, one list position answered two ways under one ETag, acts recorded
    out of time order. `serve` refuses it, saying why, before it starts anything."""
    monkeypatch.setenv("GREENLIST_TEST_CLOCK", "1")
    monkeypatch.setenv("GREENLIST_DATABASE_URL", f"sqlite:///{tmp_path}/g.db")
    assert cli.main(["serve", "--workers", "2", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "--workers 1" in err and "测试时钟" in err and "Traceback" not in err
    assert not (tmp_path / "g.db").exists()
