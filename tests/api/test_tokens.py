"""Trust at the door (issue 9, items 1, 2, 7 and 9): no published secret signs anything, a token
lives at most a day and says exactly whom it speaks for, and a validly signed token with claims
of the wrong shape is a 401, never a 500. Tokens here are forged with PyJWT directly, as an
attacker who knows (or guessed) the secret would, so that `mint`'s own refusals do not hide
what the server accepts."""

from __future__ import annotations

import os
import stat
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.auth import BadToken, mint
from domain.clock import SettableClock
from greenlist import cli, token_secret
from greenlist.settings import StoreUrl
from greenlist.web import make_app
from simulation import scenarios as s
from tests.api.conftest import SECRET, event_count

pytestmark = pytest.mark.stores("sqlite")

CODE = s.credit_code(5, "330100")
OLD_README_SECRET = "greenlist-local-development-secret"


def forge(secret: str = SECRET, **overrides: Any) -> dict[str, str]:
    """A province token signed with `secret`, its claims overridden (None drops a claim)."""
    now = int(time.time())
    claims = {"sub": "jxt-1", "role": "province", "region": "330000", "iat": now, "exp": now + 600}
    claims |= overrides
    claims = {k: v for k, v in claims.items() if v is not None}
    return {"Authorization": f"Bearer {jwt.encode(claims, secret, algorithm='HS256')}"}


def register(client: FlaskClient, headers: dict[str, str]) -> Any:
    body = {"credit_code": CODE, "kind": "factory", "name": "令牌工厂"}
    return client.post("/api/v1/units", json=body, headers=headers)


def unauthorized(api_app: Flask, response: Any, before: int) -> None:
    assert response.status_code == 401, response.json
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["messages"]["zh"] and response.json["messages"]["en"]
    assert event_count(api_app) == before


# --- 1. No published secret ------------------------------------------------------------------


def test_the_app_refuses_to_start_without_a_secret(
    store_url: str, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GREENLIST_JWT_SECRET", raising=False)
    monkeypatch.delenv("GREENLIST_TEST_CLOCK", raising=False)
    with pytest.raises(token_secret.SecretRefused, match="GREENLIST_JWT_SECRET is not set"):
        make_app(store_url, clock, follow=False)


@pytest.mark.parametrize("secret", ["short", "x" * 31, OLD_README_SECRET])
def test_a_short_or_published_secret_is_refused(
    store_url: str, clock: SettableClock, monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", secret)
    with pytest.raises(token_secret.SecretRefused, match=r"32 bytes|printed"):
        make_app(store_url, clock, follow=False)


def test_serve_and_the_scheduler_refuse_to_start_without_a_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("GREENLIST_JWT_SECRET", raising=False)
    monkeypatch.delenv("GREENLIST_TEST_CLOCK", raising=False)
    monkeypatch.setenv("GREENLIST_DATABASE_URL", f"sqlite:///{tmp_path}/prod.db")
    assert cli.main(["serve", "--port", "1"]) == 2
    assert cli.main(["scheduler"]) == 2
    assert "GREENLIST_JWT_SECRET" in capsys.readouterr().err
    monkeypatch.setenv("GREENLIST_JWT_SECRET", "x" * 20)
    assert cli.main(["serve", "--port", "1"]) == 2
    assert "32" in capsys.readouterr().err
    assert not (tmp_path / "prod.db.jwt-secret").exists()


def test_the_test_clock_generates_its_stores_own_secret_readable_by_its_owner_only(
    store_url: str, clock: SettableClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GREENLIST_JWT_SECRET", raising=False)
    monkeypatch.setenv("GREENLIST_TEST_CLOCK", "1")
    app = make_app(store_url, clock, follow=False)
    try:
        path = token_secret.store_secret_path(StoreUrl.parse(store_url))
        assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
        generated = path.read_text().strip()
        assert len(generated) >= 48 and generated != OLD_README_SECRET
        client = app.test_client()
        own = forge(generated)
        assert client.get(f"/api/v1/units/{CODE}", headers=own).status_code == 404
        for other in (SECRET, OLD_README_SECRET):
            response = client.get(f"/api/v1/units/{CODE}", headers=forge(other))
            assert response.status_code == 401
    finally:
        app.extensions["greenlist"].service.close()
    other_store = make_app(f"sqlite:///{tmp_path}/other.db", clock, follow=False)
    try:
        refused = other_store.test_client().get(f"/api/v1/units/{CODE}", headers=forge(generated))
        assert refused.status_code == 401  # a demo token opens only its own store
    finally:
        other_store.extensions["greenlist"].service.close()


def test_the_old_readme_secret_appears_nowhere_in_the_sources() -> None:
    root = Path(__file__).resolve().parents[2]
    files = [root / "README.md", *root.glob("*/**/*.py")]
    holders = [
        str(f.relative_to(root))
        for f in files
        if ".venv" not in f.parts
        and f.name not in ("token_secret.py", "test_tokens.py")
        and OLD_README_SECRET in f.read_text(errors="ignore")
    ]
    assert holders == []


# --- 1 and 7. Claims: lifetime, types, emptiness ------------------------------------------------

NOW = int(time.time())
BAD_CLAIMS: dict[str, dict[str, Any]] = {
    "no exp": {"exp": None},
    "exp a string": {"exp": str(NOW + 600)},
    "exp a boolean": {"exp": True},
    "no iat": {"iat": None},
    "iat a string": {"iat": str(NOW)},
    "iat in the future": {"iat": NOW + 3600, "exp": NOW + 7200},
    "lives over 24 h": {"exp": NOW + 25 * 3600},
    "no sub": {"sub": None},
    "empty sub": {"sub": ""},
    "blank sub": {"sub": "   "},
    "sub a number": {"sub": 7},
    "role a list": {"role": ["province"]},
    "role a number": {"role": 1},
    "role unknown": {"role": "admin"},
    "region a number": {"region": 330000},
    "region a list": {"region": ["330000"]},
    "enterprise uscc a number": {"role": "enterprise", "region": "330100", "uscc": 913301},
    "enterprise uscc a list": {"role": "enterprise", "region": "330100", "uscc": [CODE]},
    "enterprise uscc invalid": {"role": "enterprise", "region": "330100", "uscc": CODE[:-1] + "X"},
    "enterprise without uscc": {"role": "enterprise", "region": "330100"},
    "agency code a dict": {"role": "agency", "region": "330100", "agency": {"a": 1}},
    "codept without department": {"role": "codept"},
    "codept department a list": {"role": "codept", "department": ["ndrc"]},
    "expired": {"iat": NOW - 7200, "exp": NOW - 3600},
}


@pytest.mark.parametrize("case", list(BAD_CLAIMS))
def test_a_validly_signed_token_with_bad_claims_is_unauthorized(
    api_app: Flask, client: FlaskClient, case: str
) -> None:
    before = event_count(api_app)
    unauthorized(api_app, register(client, forge(**BAD_CLAIMS[case])), before)
    read = client.get("/api/v1/audit-trail", headers=forge(**BAD_CLAIMS[case]))
    unauthorized(api_app, read, before)


def test_a_token_of_24_hours_is_accepted_and_the_maximum_is_configurable(
    store_url: str, clock: SettableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    day = forge(exp=NOW + 24 * 3600, iat=NOW)
    app = make_app(store_url, clock, follow=False)
    try:
        assert app.test_client().get("/api/v1/audit-trail", headers=day).status_code == 200
    finally:
        app.extensions["greenlist"].service.close()
    monkeypatch.setenv("GREENLIST_TOKEN_MAX_HOURS", "1")
    app = make_app(store_url, clock, follow=False)
    try:
        client = app.test_client()
        assert client.get("/api/v1/audit-trail", headers=day).status_code == 401
        hour = forge(exp=NOW + 3000, iat=NOW)
        assert client.get("/api/v1/audit-trail", headers=hour).status_code == 200
    finally:
        app.extensions["greenlist"].service.close()


def test_greenlist_token_refuses_a_lifetime_over_the_maximum(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    assert cli.main(["token", "--role", "province", "--region", "330000", "--hours", "25"]) == 2
    assert cli.main(["token", "--role", "province", "--region", "330000", "--hours", "24"]) == 0
    claims = jwt.decode(capsys.readouterr().out.strip(), SECRET, algorithms=["HS256"])
    assert isinstance(claims["exp"], int) and claims["exp"] - claims["iat"] == 24 * 3600


# --- 2. Jurisdiction is exact --------------------------------------------------------------------

REFUSED_REGIONS = {
    "city": ["330000", "330106", "110000", "33010", "", "330100 "],
    "province": ["330100", "330106", "110000"],
    "codept": ["330100", "110000"],
    "inspector": ["330100", "110000"],
    "auditor": ["330100", "110000"],
    "expert": ["330100", "110000"],
    "enterprise": ["330200", "330000", "330106", "110000"],
    "agency": ["330106", "110000"],
}
"""For each role, regions its token may not carry (ID.3)."""


@pytest.mark.parametrize(
    ("role", "region"), [(r, g) for r, regions in REFUSED_REGIONS.items() for g in regions]
)
def test_greenlist_token_refuses_a_region_the_role_does_not_act_for(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], role: str, region: str
) -> None:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", SECRET)
    claims = {"enterprise": ["--uscc", CODE], "agency": ["--agency", CODE]}.get(role, [])
    claims += ["--department", "ndrc"] if role == "codept" else []
    assert cli.main(["token", "--role", role, "--region", region, *claims]) == 2
    assert "refused" in capsys.readouterr().err
    with pytest.raises(BadToken):
        mint(SECRET, "someone", role, region, uscc=CODE, agency=CODE, department="ndrc")


def test_a_city_token_of_the_province_acts_nowhere(api_app: Flask, client: FlaskClient) -> None:
    """The defect: a `city` token carrying 330000 acted on every city's units."""
    before = event_count(api_app)
    for region in ("330000", "330106", "110000"):
        forged = forge(role="city", region=region, sub="city-bureau")
        unauthorized(api_app, register(client, forged), before)


def test_the_domain_refuses_a_city_actor_of_the_province_too(app: Any) -> None:
    """Defence in depth (ID.3): whatever the door let in, a city bureau acts for its city."""
    from domain.errors import OutOfJurisdiction
    from domain.values import Actor, Role, UnitKind

    forged = Actor("city-bureau", Role.CITY, "330000")
    with pytest.raises(OutOfJurisdiction) as refusal:
        app.register_unit(forged, CODE, UnitKind.FACTORY, "越权工厂")
    assert refusal.value.codes == ("ID.3",)
    assert not app.recorder.max_notification_id()


# --- 9. Files and the test clock -----------------------------------------------------------------


@pytest.mark.stores("sqlite")
def test_the_sqlite_store_and_its_views_are_readable_by_their_owner_only(
    app: Any, store_url: str, views: Any
) -> None:
    s.register_and_cultivate(app, CODE)
    with views.transaction() as tx:
        tx.execute("CREATE TABLE IF NOT EXISTS perm_probe (x INTEGER)")
    base = store_url.removeprefix("sqlite:///")
    files = [Path(base), Path(base + ".views")]
    files += [Path(str(f) + suffix) for f in files for suffix in ("-wal", "-shm")]
    present = [f for f in files if f.exists()]
    assert Path(base) in present and Path(base + ".views") in present
    assert {str(f): oct(stat.S_IMODE(f.stat().st_mode)) for f in present} == {
        str(f): oct(0o600) for f in present
    }


def test_an_existing_world_readable_store_is_narrowed(tmp_path: Path) -> None:
    from greenlist.config import build_service

    path = tmp_path / "old.db"
    path.touch()
    os.chmod(path, 0o644)
    build_service(f"sqlite:///{path}", SettableClock(datetime(2025, 1, 1, tzinfo=UTC))).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- Found from outside (loopback attack of 4 December) -------------------------------------------

ATTACK_CLAIMS: dict[str, dict[str, Any]] = {
    "sub a zero-width space": {"sub": "\u200b"},
    "sub with a NUL": {"sub": "a\u0000b"},
    "enterprise of the province's own division": {
        "role": "enterprise",
        "region": "330000",
        "uscc": "91330000880000011K",
    },
}


@pytest.mark.parametrize("case", list(ATTACK_CLAIMS))
def test_claims_found_from_outside_are_unauthorized(
    api_app: Flask, client: FlaskClient, case: str
) -> None:
    before = event_count(api_app)
    unauthorized(api_app, register(client, forge(**ATTACK_CLAIMS[case])), before)


@pytest.mark.parametrize("padding", ["\n", " ", "x" * 8])
def test_a_secret_holding_the_published_one_is_refused(
    store_url: str, clock: SettableClock, monkeypatch: pytest.MonkeyPatch, padding: str
) -> None:
    monkeypatch.setenv("GREENLIST_JWT_SECRET", OLD_README_SECRET + padding)
    with pytest.raises(token_secret.SecretRefused, match="printed"):
        make_app(store_url, clock, follow=False)


def test_one_sub_acting_for_two_enterprises_has_two_key_spaces(
    api_app: Flask, client: FlaskClient
) -> None:
    """An agent (one `sub`) registering two enterprises with one key: the second is its own."""
    ids = []
    for uscc in (s.credit_code(7, "330100"), s.credit_code(8, "330100")):
        headers = forge(role="enterprise", region="330100", uscc=uscc, sub="agent-li")
        headers["Idempotency-Key"] = "same-key"
        body = {"credit_code": uscc, "kind": "factory", "name": "代理登记的工厂"}
        response = client.post("/api/v1/units", json=body, headers=headers)
        assert response.status_code == 201, response.json
        assert "Idempotent-Replayed" not in response.headers
        ids.append(response.json["id"])
    assert ids[0] != ids[1]
