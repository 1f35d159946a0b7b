"""Reporters are never linked (A23.1, issue 9 item 4): who filed a real-name report is known to
the Complaint alone, and shown only by the reporter read, which is itself recorded.

A filing is recorded under the identity of whoever filed it: the public, or the account whose
token was used (an enterprise's credit code, a token's `sub`). Every read of an event (a
unit's history, an explained decision, the audit trail, supervision) shows the actor of a
filing event as `WITHHELD` instead: one neutral reporter, the same for every filing, so that
neither the account nor its role or region can be told apart."""

from __future__ import annotations

from typing import Any

from domain.events import complaint as co
from domain.events import objection as ob
from domain.events import unit as un
from domain.values import PROVINCE, Role

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
