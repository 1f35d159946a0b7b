"""Reporters are never linked (A23.1, issue 9 item 4): who filed a real-name report is known to
the Complaint alone, and shown only by the reporter read, which is itself recorded.

A filing is recorded under the identity of whoever filed it: the public, or the account whose
token was used (an enterprise's credit code, a token's `sub`). Every read of an event (a
unit's history, an explained decision, the audit trail, supervision) shows the actor of a
filing event as `WITHHELD` instead: one neutral reporter, the same for every filing, so that
neither the account nor its role or region can be told apart."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from domain.acts import Act
from domain.events import complaint as co
from domain.events import objection as ob
from domain.events import unit as un
from domain.values import PROVINCE, Actor, Role

WITHHELD = ("reporter", Role.PUBLIC.value, PROVINCE)
"""(actor id, role, region) shown for the filer of a report."""

FILINGS: frozenset[type] = frozenset(
    {
        co.ComplaintFiled,
        un.ComplaintReceived,
        ob.ObjectionFiled,
        ob.ObjectionDocketOpened,
        ob.ObjectionDocketed,
    }
)
"""The events whose actor is the filer: the filing itself and, in streams written before
reports were accepted for verification, the unit's retired `ComplaintReceived`; an objection
filed during the notice (A16.1) and its entry on the round's docket, which the filing
records."""


def shown_actor(event: Any) -> tuple[str, str, str]:
    """(actor id, role, region) of an event as every read shows it: withheld for a filing."""
    if type(event) in FILINGS:
        return WITHHELD
    return str(event.actor_id), str(event.actor_role), str(event.actor_region)


def withheld(act: Act) -> Act:
    """The act of a filing as it is stored (issue 14): under the neutral reporter, so that no
    stored column names the account that filed; who it was is sealed with the filing
    (`filed_by`)."""
    return replace(act, actor=Actor(WITHHELD[0], Role(WITHHELD[1]), WITHHELD[2]))


def filed_by(act: Act) -> list[str]:
    """The filer of an act (id, role, region), as it is sealed with its filing."""
    return [act.actor.id, act.actor.role.value, act.actor.region]
