"""Supervision for discipline inspection (机关纪委, A15.2 "机关纪委现场监督"): what deserves a
second look, without reading the whole audit trail.

- every exception: an act that overrode an "in principle" rule with a written justification
  (A14.2/A14.3 nominations off the lower list, A15.2 panel redraws, A13.2 quotas set by hand
  rather than by the formula), with who and why, and what it was about (`detail`: a quota's
  city and number); a quota recorded before its basis was kept is shown too, as set by hand,
  its justification saying so, and so are the quotas a round was opened with (each city's, with
  the opening's justification or a note that it gave none): the committee sees every quota
  nobody derived;
- the same seen from the rule: how often each code was overridden, and by whom;
- acts recorded after their deadline: dynamic forms recorded after 15 April (A18, `late`), and
  back-entered acts, recorded more than one day after the world time they state;
- every disclosure of a reporter's or objector's identity, with its stated reason, and every
  erasure of their sealed data (A23.1, A16.1, issue 14: the reporter's protection);
- the committee's own on-site supervision of a round's panel draw, expert review, site
  inspection or publication (A15.2), with its notes;
- activity counts per actor (id, role, region) and event type."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.events import complaint as co
from domain.events import objection as ob
from domain.events import round as ro
from domain.events import unit as un
from domain.rules import RULES
from projections.engine.batch import Batch
from projections.engine.db import Db, Row
from projections.engine.projection import Table, handles
from projections.subjects import (
    AGGREGATE_TYPES,
    EVENT_CLASSES,
    TRACKED,
    Subjects,
    SubjectsShared,
    actor_of,
    subjects_table,
)
from projections.values import at, codes, text_id

SUBJECTS = "supervision_subjects"
DAY = timedelta(days=1)
"""Back-entered: recorded more than one day after the stated world time."""

_ACT = (
    ("position", "int"),
    ("aggregate_id", "text"),
    ("aggregate_type", "text"),
    ("credit_code", "text"),
    ("event_type", "text"),
    ("actor_id", "text"),
    ("actor_role", "text"),
    ("actor_region", "text"),
    ("occurred", "int"),
    ("recorded", "int"),
)
_ACTOR = (("actor_id", "text"), ("actor_role", "text"), ("actor_region", "text"))


class Supervision(SubjectsShared):
    """Exceptions, overrides per rule, late and back-entered acts, reporter reads, activity."""

    name = "supervision"
    version = 4  # 2: supervision_exceptions gained `detail`; 3: a round's opening quotas (A13.2);
    # 4: disclosures with their reason, and erasures, of reporters' and objectors' data (issue 14)
    rebuild_weight = 0.9
    tables = (
        Table(
            "supervision_exceptions",
            (
                *_ACT,
                ("rules", "text"),
                ("exceptions", "text"),
                ("ruleset", "text"),
                ("justification", "text"),
                ("detail", "text"),
            ),
            indexes=(("position",),),
        ),
        Table(
            "supervision_overrides",
            (("rule", "text"), *_ACTOR, ("times", "count")),
            key=("rule", "actor_id", "actor_role", "actor_region"),
        ),
        Table(
            "supervision_late",
            (
                *_ACT,
                ("delay", "int"),
                ("late_form", "int"),
                ("back_entered", "int"),
                ("detail", "text"),
            ),
            indexes=(("position",),),
        ),
        Table(
            "supervision_reporter_reads",
            (*_ACT, ("act", "text"), ("reason", "text")),
            indexes=(("position",),),
        ),
        Table(
            "supervision_on_site",
            (*_ACT, ("round_label", "text"), ("activity", "text"), ("notes", "text")),
            indexes=(("position",),),
        ),
        Table(
            "supervision_activity",
            (*_ACTOR, ("event_type", "text"), ("events", "count")),
            key=("actor_id", "actor_role", "actor_region", "event_type"),
        ),
        subjects_table(SUBJECTS),
    )

    def __init__(self) -> None:
        self.subjects = Subjects(SUBJECTS)

    @handles(*EVENT_CLASSES)
    def observe(self, e: Any, b: Batch) -> None:
        cls = type(e)
        actor = actor_of(e)
        b.bump("supervision_activity", {**actor, "event_type": cls.__name__}, events=1)
        if cls in TRACKED:
            self.subjects.track(e, b)
        quota_unbased = cls is ro.QuotaSet and not e.basis_kept
        opening_quotas = cls is ro.RoundOpened and bool(e.quotas)
        if e.exceptions or quota_unbased or opening_quotas:
            overridden = list(e.exceptions) or ["A13.2"]
            b.add(
                "supervision_exceptions",
                **self._act(e, b, actor),
                rules=codes(e.rules),
                exceptions=codes(overridden),
                ruleset=e.ruleset,
                justification=_justification(e, quota_unbased),
                detail=_detail(e),
            )
            for code in overridden:
                b.bump("supervision_overrides", {"rule": code, **actor}, times=1)
        late = cls is un.DynamicFormSubmitted and e.late
        back_entered = e.timestamp - e.occurred_at > DAY
        if late or back_entered:
            row = self._act(e, b, actor)
            b.add(
                "supervision_late",
                **row,
                delay=row["recorded"] - row["occurred"],
                late_form=int(late),
                back_entered=int(back_entered),
                detail=f"{e.level}/{e.year}" if late else None,
            )
        custody_act = CUSTODY_ACTS.get(cls)
        if custody_act:
            reason = getattr(e, "reason", None)
            b.add(
                "supervision_reporter_reads",
                **self._act(e, b, actor),
                act=custody_act,
                reason=reason if custody_act != "erasure" else f"{e.basis}: {reason}",
            )
        if cls is ro.OnSiteSupervisionRecorded:
            b.add(
                "supervision_on_site",
                **self._act(e, b, actor),
                round_label=self.subjects.lookup(b, text_id(e.originator_id))[1],
                activity=e.activity,
                notes=e.notes,
            )

    def _act(self, e: Any, b: Batch, actor: dict[str, str]) -> dict[str, Any]:
        aid = text_id(e.originator_id)
        return {
            "position": b.position,
            "aggregate_id": aid,
            "aggregate_type": AGGREGATE_TYPES[type(e)],
            "credit_code": self.subjects.of(e, b, aid)[0],
            "event_type": type(e).__name__,
            **actor,
            "occurred": at(e.occurred_at),
            "recorded": at(e.timestamp),
        }


CUSTODY_ACTS: dict[type, str] = {
    co.ReporterIdentityRead: "read",
    ob.ObjectorIdentityRead: "read",
    co.ReporterDisclosed: "disclosure",
    ob.ObjectorDisclosed: "disclosure",
    co.ReporterDataErased: "erasure",
    ob.ObjectorDataErased: "erasure",
}
"""Issue 14: the acts on a reporter's or objector's sealed data the committee sees, each with
its reason: a disclosure, an erasure (by order or at the end of the retention), and the reads
recorded before a disclosure needed a reason ("read", no reason)."""

OPENING_QUOTAS = (
    "开轮时手工设定，未记录依据 / set by hand at the round's opening, no basis recorded"
)
"""What quotas given when a round opened say when the opening gave no justification: they are
set by hand, neither derived by the formula nor justified one by one (A13.2)."""


def _justification(e: Any, quota_unbased: bool) -> str:
    if quota_unbased:
        return ro.BASIS_NOT_KEPT
    if isinstance(e, ro.RoundOpened):
        return str(e.justification) or OPENING_QUOTAS
    return str(e.justification)


def _detail(e: Any) -> str | None:
    """What an exception was about, where its event says more than its subject: a quota set
    by hand names its city, level, year and number; the quotas a round opened with, each city's
    (A13.2)."""
    if isinstance(e, ro.QuotaSet):
        return f"{e.city} quota {e.quota} ({e.basis})"
    if isinstance(e, ro.RoundOpened):
        quotas = ", ".join(f"{city} quota {n}" for city, n in sorted(e.quotas.items()))
        return f"{quotas} (opening)"
    return None


def exceptions(db: Db, since: int | None = None) -> list[Row]:
    """Every act that overrode a rule, in log order (`since`: recorded micros, inclusive)."""
    if since is None:
        return db.query("SELECT * FROM supervision_exceptions ORDER BY position")
    return db.query(
        "SELECT * FROM supervision_exceptions WHERE recorded >= ? ORDER BY position", [since]
    )


def overridden_rules(db: Db) -> list[dict[str, Any]]:
    """Per rule code: its article, how often it was overridden, and by whom (most first)."""
    rows = db.query("SELECT * FROM supervision_overrides ORDER BY rule, times DESC, actor_id")
    result: dict[str, dict[str, Any]] = {}
    for r in rows:
        rule = RULES.get(r["rule"])
        entry = result.setdefault(
            r["rule"],
            {
                "rule": r["rule"],
                "article": rule.article if rule else None,
                "zh": rule.zh if rule else None,
                "times": 0,
                "by": [],
            },
        )
        entry["times"] += int(r["times"])
        entry["by"].append({k: r[k] for k in ("actor_id", "actor_role", "actor_region", "times")})
    return sorted(result.values(), key=lambda x: (-x["times"], x["rule"]))


def late_acts(db: Db) -> list[Row]:
    """Late forms (A18) and back-entered acts, with both instants, in log order."""
    return db.query("SELECT * FROM supervision_late ORDER BY position")


def reporter_reads(db: Db) -> list[Row]:
    """Who read a reporter's identity, and when (A23), in log order."""
    return db.query("SELECT * FROM supervision_reporter_reads ORDER BY position")


def on_site_supervision(db: Db) -> list[Row]:
    """The committee's on-site supervision of the rounds' activities (A15.2), in log order."""
    return db.query("SELECT * FROM supervision_on_site ORDER BY position")


def actor_activity(db: Db, region: str | None = None) -> list[dict[str, Any]]:
    """Per actor (id, role, region): events recorded in all and per event type; busiest first."""
    sql, params = "SELECT * FROM supervision_activity", []
    if region is not None:
        sql, params = sql + " WHERE actor_region = ?", [region]
    actors: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in db.query(sql + " ORDER BY actor_id, actor_role, actor_region, event_type", params):
        key = (r["actor_id"], r["actor_role"], r["actor_region"])
        entry = actors.setdefault(
            key,
            {
                "actor_id": key[0],
                "actor_role": key[1],
                "actor_region": key[2],
                "events": 0,
                "by_type": {},
            },
        )
        entry["events"] += int(r["events"])
        entry["by_type"][r["event_type"]] = int(r["events"])
    return sorted(actors.values(), key=lambda a: (-a["events"], a["actor_id"]))
