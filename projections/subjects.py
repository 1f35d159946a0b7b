"""What the audit trail and the supervision views share: every stored event class with the kind
of aggregate that records it, who an actor is in words, and which unit (or agency) each
aggregate concerns, so that rows of a round, a complaint or the adjustment queue can be found by
the credit code of the unit they are about.

A23: a complaint's reporter is never named here. A complaint is filed under the identity of the
account that filed it (`ComplaintFiled`, and the retired `ComplaintReceived` in older unit
streams): the public or a token's holder (an enterprise's credit code). Whoever it was, the rows
show the neutral reporter of `domain.reporters` instead (issue 9 item 4), because the filer's
identity lives only in the complaint."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import domain.events
from domain.events import agency as ag
from domain.events import complaint as co
from domain.events import membership as me
from domain.events import objection as ob
from domain.events import round as ro
from domain.events import unit as un
from domain.events.base import Provenance
from domain.reporters import shown_actor
from domain.rules.levels import LEVEL_ZH
from domain.values import CITIES
from projections.engine.batch import Batch
from projections.engine.db import Tx
from projections.engine.projection import Projection, Table
from projections.engine.remembered import without_first
from projections.engine.spill import MISSING, Spill
from projections.values import text_id

_MODULE_TYPES = {
    "experts": "expert_pool",
    "adjustments": "adjustment_queue",
    "membership": "park_membership",
}
_CLASS_TYPES: dict[type, str] = {
    ag.QuotaLedgerOpened: "quota",
    ag.ProjectCounted: "quota",
    ob.ObjectionDocketOpened: "objection_docket",
    ob.ObjectionDocketed: "objection_docket",
}


def _event_classes() -> dict[type, str]:
    """Every event class of `domain.events` (its modules are the persisted schema), with the
    type of the aggregate that records it: the module's name unless told otherwise."""
    found: dict[type, str] = {}
    for info in pkgutil.iter_modules(domain.events.__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"domain.events.{info.name}")
        for cls in vars(module).values():
            if (
                inspect.isclass(cls)
                and issubclass(cls, Provenance)
                and cls.__module__ == module.__name__
            ):
                found[cls] = _CLASS_TYPES.get(cls, _MODULE_TYPES.get(info.name, info.name))
    return found


AGGREGATE_TYPES: dict[type, str] = _event_classes()
"""Event class -> "unit", "round", "agency", "quota", "complaint", "expert_pool",
"adjustment_queue" or "park_membership"."""

EVENT_CLASSES: tuple[type, ...] = tuple(AGGREGATE_TYPES)

_ROLES_ZH = {
    "province": "省经信厅",
    "enterprise": "企业",
    "agency": "第三方评价机构",
    "codept": "省级协同部门",
    "expert": "评审专家",
    "inspector": "机关纪委",
    "auditor": "审计人员",
    "public": "公众",
    "system": "系统",
}
_who: dict[tuple[str, str], str] = {}


def who(role: str, region: str) -> str:
    """The actor in words, e.g. "杭州市经信局" for the city bureau of 330100."""
    key = (role, region)
    name = _who.get(key)
    if name is None:
        if role == "city":
            name = f"{CITIES.get(region, region)}市经信局"
        else:
            name = _ROLES_ZH.get(role, role)
        _who[key] = name
    return name


TRACKED = frozenset(
    {
        un.UnitRegistered,
        ag.AgencyRegistered,
        me.MembershipIndexOpened,
        ro.RoundOpened,
        co.ComplaintFiled,
        ob.ObjectionFiled,
        ob.ObjectionDocketOpened,
    }
)
"""The events that create an aggregate whose subject `Subjects` records."""


def actor_of(e: Any) -> dict[str, str]:
    """The event's actor as the rows show it (`actor_id`, `actor_role`, `actor_region`): the
    filer of a report withheld, whoever filed it (A23.1)."""
    actor_id, role, region = shown_actor(e)
    return {"actor_id": actor_id, "actor_role": role, "actor_region": region}


def subjects_table(name: str) -> Table:
    return Table(
        name,
        (("aggregate_id", "text"), ("credit_code", "text"), ("label", "text")),
        key=("aggregate_id",),
    )


class Subjects:
    """aggregate id -> the credit code of the unit or agency it concerns, and a label in words
    for rounds ("2025年省级遴选"). Rows are written by the events that create the aggregates.

    What an aggregate concerns never changes once its first event is recorded, so lookups are
    also kept in memory (one entry per aggregate, up to `KEEP`: then the older half is
    forgotten, so that memory stays flat however long the log, issue 15 item 3): a rebuild
    then costs no database round trip per aggregate and batch. The table stays the source
    after a restart."""

    KEEP = 200_000
    RECORDED_KEEP = 10_000
    """As `KEEP`, in a rebuild's loading process (`use_recorded`) and while a rebuild records
    them (`trim`): every recorded subject is also in a spill on the local disk (engine.spill),
    or in the table, so one forgotten is found there in microseconds, and memory holds this
    many whatever the number of aggregates (issue 15 item 3: 71,000 at 1 M events, 17 MB
    read at once before; 50,000 kept made a loading process of 1 M events 4 MB larger than
    one of 0.2 M, which had fewer to keep)."""
    READ_CHUNK = 5_000
    """Recorded subjects read at a time (`use_recorded`)."""

    def __init__(self, table: str) -> None:
        self.table = table
        self._known: dict[str, tuple[str | None, str | None]] = {}
        self._keep = self.KEEP
        self._spill: Spill | None = None
        """Every recorded subject, when there are more than `RECORDED_KEEP`: one not there has
        none."""
        self.recorded = False
        """The table already holds every subject of the log (`use_recorded`): `track`
        writes nothing, it looks the subject up."""

    def use_recorded(
        self, tx: Tx, physical: str, read: RecordedSubjects | None
    ) -> RecordedSubjects:
        """From now on the subjects are those recorded in `physical` (a rebuild's new table,
        written before its load by `track` of every event that creates an aggregate): they
        are never written, and read at once, in chunks (up to `RECORDED_KEEP` kept in memory,
        and all in a spill if there are more), unless `read` holds them already (read from a
        table recorded alike); what it holds."""
        self.recorded = True
        self._keep = self.RECORDED_KEEP
        if read is None:
            read = RecordedSubjects({}, None)
            for entries in _recorded(tx, physical, self.READ_CHUNK):
                room = self.RECORDED_KEEP - len(read.known)
                read.known.update(entries[:room])
                if len(entries) > room:  # the first past `RECORDED_KEEP`: all into a spill
                    if read.spill is None:
                        read.spill = Spill(cache_kib=SUBJECTS_CACHE_KIB)
                        read.spill.put(SUBJECTS_READ, (((a,), v) for a, v in read.known.items()))
                    read.spill.put(SUBJECTS_READ, (((a,), v) for a, v in entries[room:]))
        self._known, self._spill = read.known, read.spill
        return read

    def trim(self, keep: int) -> None:
        """The subjects kept in memory cut to the `keep` latest (a rebuild recording them,
        `SubjectsShared.record_subjects`: each is written to the table as it is recorded, and
        one needed again is read back; issue 15 item 3: the rebuild's own process kept every
        one of the 71,000 subjects of 1 M events, up to `KEEP`; cut, it peaked 9 MB lower)."""
        if len(self._known) > keep:
            self._known = without_first(self._known, len(self._known) - keep)

    def _remember(self, aggregate_id: str, known: tuple[str | None, str | None]) -> None:
        if len(self._known) >= self._keep:
            for old in list(islice(self._known, self._keep // 2)):
                del self._known[old]
        self._known[aggregate_id] = known

    def track(self, e: Any, b: Batch) -> tuple[str | None, str | None] | None:
        """Record the subject of an aggregate the event creates; its (code, label), or None
        for any other event."""
        cls = type(e)
        if cls not in TRACKED:
            return None
        if self.recorded:
            return self.lookup(b, text_id(e.originator_id))
        if cls is un.UnitRegistered or cls is ag.AgencyRegistered:
            return self._put(b, e, e.credit_code, None)
        if cls is me.MembershipIndexOpened:
            return self._put(b, e, e.member_code, None)
        if cls is ro.RoundOpened:
            return self._put(b, e, None, f"{e.year}年{LEVEL_ZH.get(e.level, e.level)}遴选")
        if cls is co.ComplaintFiled:
            return self._put(b, e, self.lookup(b, str(e.target_id))[0], None)
        if cls is ob.ObjectionFiled:
            return self._put(b, e, self.lookup(b, str(e.unit_id))[0], None)
        if cls is ob.ObjectionDocketOpened:
            return self._put(b, e, None, self.lookup(b, str(e.round_id))[1])
        return None

    def of(self, e: Any, b: Batch, aid: str) -> tuple[str | None, str | None]:
        """(credit code, label) of what the event of aggregate `aid` is about."""
        created = self.track(e, b)
        if created is not None:
            return created
        code, label = self.lookup(b, aid)
        unit = getattr(e, "unit_id", None)  # about a unit, recorded on a round, ledger or queue
        if unit is not None:
            code = self.lookup(b, str(unit))[0]
        return code, label

    def lookup(self, b: Batch, aggregate_id: str) -> tuple[str | None, str | None]:
        known = self._known.get(aggregate_id)
        if known is None and self._spill is not None:  # every recorded subject is there
            spilled = self._spill.get(SUBJECTS_READ, (aggregate_id,))
            known = (None, None) if spilled is MISSING or spilled is None else spilled
            self._remember(aggregate_id, known)
            return known
        if known is None:
            row = b.row(self.table, aggregate_id)
            known = (row["credit_code"], row["label"]) if row else (None, None)
            if row:
                self._remember(aggregate_id, known)
        return known

    def _put(
        self, b: Batch, e: Any, code: str | None, label: str | None
    ) -> tuple[str | None, str | None]:
        aid = text_id(e.originator_id)
        b.put(self.table, aggregate_id=aid, credit_code=code, label=label)
        self._remember(aid, (code, label))
        return code, label


def _recorded(
    tx: Tx, physical: str, size: int
) -> Iterator[list[tuple[str, tuple[str | None, str | None]]]]:
    """The subjects recorded in `physical`, by aggregate id, `size` at a time."""
    after = ""
    while chunk := tx.fetchall(
        f"SELECT aggregate_id, credit_code, label FROM {physical} "
        f"WHERE aggregate_id > ? ORDER BY aggregate_id LIMIT {size}",
        (after,),
    ):
        after = chunk[-1]["aggregate_id"]
        yield [(r["aggregate_id"], (r["credit_code"], r["label"])) for r in chunk]


SUBJECTS_READ = "subjects"
SUBJECTS_CACHE_KIB = 256
"""The SQLite page cache of the recorded subjects' spill (as engine.spill `CACHE_KIB`)."""


@dataclass
class RecordedSubjects:
    """The recorded subjects a loading process read (`Subjects.use_recorded`), shared by its
    read models: those kept in memory, and all of them in a spill when there are many."""

    known: dict[str, tuple[str | None, str | None]]
    spill: Spill | None


class SubjectsShared(Projection):
    """A read model whose rows name what each event is about (`Subjects`), and which is
    otherwise only appended to or counted: shareable by event class in a rebuild
    (`Projection.shareable`), its subjects recorded first for the whole log. What an event
    names was created before it (the service loads every aggregate it names), so a subject
    recorded ahead is the one a reading in log order finds."""

    shareable = True
    subject_classes = TRACKED
    subjects: Subjects

    def record_subjects(self, events: Iterable[tuple[int, Any]], batch: Batch) -> None:
        """The subjects of a page of first events recorded; then no more than
        `Subjects.RECORDED_KEEP` kept in memory (`Subjects.trim`)."""
        for position, e in events:
            batch.position = position
            self.subjects.track(e, batch)
        self.subjects.trim(Subjects.RECORDED_KEEP)

    def use_recorded_subjects(self, tx: Tx, suffix: str, read: dict[str, Any]) -> None:
        """The subjects recorded for the audit trail and the supervision are the same
        (`Subjects.track` of the same events): read once, shared by both."""
        physical = self.subjects.table + suffix
        read[SUBJECTS_READ] = self.subjects.use_recorded(tx, physical, read.get(SUBJECTS_READ))
