"""Steps of the vault's scenarios (issue 14): reports against an agency (filed, closed, erased)
and objections during a notice, whose reporters' and objectors' identities the vault seals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from domain.service import Greenlist
from greenlist.vault import KeyRing, Vault
from simulation import scenarios as s
from tests.application.rules_steps import PROV, YEAR, day, under_notice

HANGZHOU = s.city_actor("330100")
REASON = "核实需联系举报人"
"""A stated reason for a disclosure (issue 14)."""


def agency(app: Greenlist, serial: int = 601) -> str:
    return s.register_agency(app, serial, f"法人{serial}")


def report(app: Greenlist, against: str, name: str, on: date) -> UUID:
    """A real-name report against an agency, handled by Hangzhou (A23.1)."""
    return app.file_complaint(
        s.PUBLIC,
        "agency",
        against,
        name,
        f"138{abs(hash(name)) % 10**8:08d}",
        ["截图.png"],
        "出具虚假报告",
        city="330100",
        occurred_at=s.at(on),
    ).aggregate_id


def close(app: Greenlist, complaint: UUID, on: date) -> None:
    """Hangzhou accepts the report and finds it unfounded: the report is closed (A23.2)."""
    app.accept_complaint(HANGZHOU, complaint, "受理", occurred_at=s.at(on))
    app.verify_complaint(HANGZHOU, complaint, False, "unfounded", "核实", occurred_at=s.at(on, 11))


def objections(app: Greenlist, *names: str) -> list[UUID]:
    """One unit under the provincial notice of 2025 and an objection to it per name (A16.1)."""
    code = s.credit_code(71)
    under_notice(app, code)
    return [
        app.file_objection(
            s.PUBLIC,
            PROV,
            YEAR,
            code,
            name,
            "13900000000",
            ["照片.jpg"],
            "环评手续不全",
            occurred_at=day(9, 3),
        ).aggregate_id
        for name in names
    ]


def decide(app: Greenlist, objection: UUID, when: datetime) -> None:
    app.register_objection(s.PROVINCE_ACTOR, objection, occurred_at=when)
    app.decide_filed_objection(s.PROVINCE_ACTOR, objection, False, "经核查不属实", occurred_at=when)


def vault_of(app: Any) -> Vault:
    return cast(Vault, app.vault)


def with_only(app: Any, kek: bytes) -> Vault:
    """The service's vault replaced by one holding only `kek`, on the same key table."""
    vault = Vault(vault_of(app).db, KeyRing(kek))
    app.vault = vault
    return vault


def reporter_name(app: Greenlist, complaint: UUID) -> str:
    identity, _ = app.disclose_reporter(HANGZHOU, complaint, REASON)
    return str(identity["name"])


def objector_name(app: Greenlist, objection: UUID) -> str:
    identity, _ = app.disclose_objector(s.PROVINCE_ACTOR, objection, REASON)
    return str(identity["name"])
