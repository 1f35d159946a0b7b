"""A token verified once is not HMAC-verified and decoded again (api.auth._verified, issue 15
item 4), but what the clock decides is checked on every request: an expired remembered token
is refused, a tampered one is never remembered, another secret verifies afresh."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from flask import Flask
from werkzeug.exceptions import Unauthorized

import api.auth
from api.auth import IAT_LEEWAY, _verified, actor_of
from domain.values import Role

SECRET = secrets.token_urlsafe(32)
T = datetime.now(UTC).replace(microsecond=0)
"""Now (PyJWT, whose own checks the last test compares with, reads the real clock)."""


class Clock:
    """`api.auth`'s `datetime.now`, set by the test."""

    at = T


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Clock]]:
    class Now(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return Clock.at

    monkeypatch.setattr(api.auth, "datetime", Now)
    Clock.at = T
    _verified.cache_clear()
    yield Clock
    _verified.cache_clear()


def app(secret: str = SECRET) -> Flask:
    flask = Flask(__name__)
    flask.config["GREENLIST_JWT_SECRET"] = secret
    return flask


def signed(secret: str = SECRET, **claims: Any) -> str:
    payload = {
        "sub": "auditor-1",
        "role": "auditor",
        "region": "330000",
        "iat": int(T.timestamp()),
        "exp": int((T + timedelta(hours=1)).timestamp()),
        **claims,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def refusal(token: str, on: Flask | None = None) -> str:
    with (on or app()).test_request_context(), pytest.raises(Unauthorized) as refused:
        actor_of(token)
    return str(refused.value.description)


def accepted(token: str, on: Flask | None = None) -> Role:
    with (on or app()).test_request_context():
        return actor_of(token)[1].role


def test_a_remembered_token_that_expired_is_refused(clock: type[Clock]) -> None:
    token = signed()
    assert accepted(token) is Role.AUDITOR
    assert accepted(token) is Role.AUDITOR
    assert _verified.cache_info().hits == 1  # the second request did not verify it again
    clock.at = T + timedelta(hours=1) + IAT_LEEWAY - timedelta(seconds=1)
    assert accepted(token) is Role.AUDITOR  # within the leeway
    clock.at = T + timedelta(hours=1) + IAT_LEEWAY
    assert refusal(token) == "invalid token: Signature has expired"
    assert _verified.cache_info().hits == 3  # refused by the clock, though remembered


def test_a_token_from_the_future_is_refused_until_its_time_remembered_or_not(
    clock: type[Clock],
) -> None:
    early = signed(iat=int((T + IAT_LEEWAY).timestamp()) + 1)
    not_before = signed(nbf=int((T + IAT_LEEWAY).timestamp()) + 1)
    for token, claim in ((early, "iat"), (not_before, "nbf")):
        assert refusal(token) == f"invalid token: The token is not yet valid ({claim})"
        assert refusal(token) == f"invalid token: The token is not yet valid ({claim})"
    clock.at = T + timedelta(seconds=2)
    assert accepted(early) is accepted(not_before) is Role.AUDITOR


def test_a_tampered_token_is_refused_and_never_remembered(clock: type[Clock]) -> None:
    token = signed()
    header, payload, signature = token.split(".")
    forged = jwt.encode({"role": "province"}, secrets.token_urlsafe(32), algorithm="HS256").split(
        "."
    )[1]
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    for tampered in (f"{header}.{forged}.{signature}", f"{header}.{payload}.{flipped}"):
        assert refusal(tampered).startswith("invalid token: ")
    assert _verified.cache_info().currsize == 0
    assert accepted(token) is Role.AUDITOR
    assert refusal(f"{header}.{forged}.{signature}").startswith("invalid token: ")
    assert _verified.cache_info().currsize == 1


def test_a_token_of_another_secret_is_refused_though_remembered_for_its_own(
    clock: type[Clock],
) -> None:
    token = signed()
    assert accepted(token) is Role.AUDITOR
    other = app(secrets.token_urlsafe(32))
    assert refusal(token, other) == "invalid token: Signature verification failed"
    assert accepted(token) is Role.AUDITOR


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": "soon"},
        {"iat": "then"},
        {"nbf": "now"},
        {"exp": int((T - timedelta(hours=2)).timestamp())},
        {"role": "nobody"},
        {"aud": "elsewhere"},
        {"sub": None},
    ],
)
def test_refusals_say_what_pyjwt_says(clock: type[Clock], claims: dict[str, Any]) -> None:
    """A token refused is refused with the words PyJWT's own checks give (the clock's checks
    are made apart from the signature's now)."""
    token = signed(**claims)
    try:
        jwt.decode(
            token,
            SECRET,
            algorithms=["HS256"],
            options={"require": ["sub", "role", "region", "exp", "iat"]},
            leeway=IAT_LEEWAY,
        )
        expected = None
    except jwt.PyJWTError as error:
        expected = f"invalid token: {error}"
    if expected is None:  # a claim only the API refuses
        assert refusal(token).startswith("invalid token: the role")
    else:
        assert refusal(token) == expected
