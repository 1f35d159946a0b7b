"""Historical lists imported from their published record (issue 15 item 1): every row goes
through the domain as an act of its own ("listed from the record of <year>", `ListedFromRecord`)
carrying the file's SHA-256, the row and the importing actor; a unit not registered yet is
registered by the same act (ID.1, ID.2).

The whole file is judged first, every row (domain.rules.records), the refused ones collected
with their row, codes and zh/en messages. Then, all or nothing: nothing of a file with a
refused row is recorded, unless `partial` asks for its valid rows; a `dry_run` records nothing
and reports what would be. The rows are recorded in one transaction (the store's atomic save of
many aggregates), so a lost race records none of them either. A row a unit was already listed
from (same SHA-256 and row) is reported as imported before and records nothing new."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.acts import Act
from domain.aggregates.unit import Unit, unit_id
from domain.errors import RuleViolation
from domain.rules import records
from domain.rules.records import HistoricalRecord, Listing, RecordRow
from domain.service.base import ServiceBase
from domain.values import Actor, local_midnight

Progress = Callable[[int, int], None]
"""Called with (rows judged, rows in the file) as the file is judged."""


@dataclass(frozen=True)
class RowRefusal:
    """A refused row: its number, the credit code it names, the rule codes and why."""

    row: int
    credit_code: str
    codes: tuple[str, ...]
    zh: str
    en: str


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did. `listed`: the rows (row, credit code) recorded, or that
    would be on a dry run or, with refused rows and without `partial`, that were valid;
    `already`: the rows imported before; `recorded`: whether anything was written, at log
    `position`."""

    sha256: str
    level: str
    year: int
    rows: int
    listed: tuple[tuple[int, str], ...]
    already: tuple[int, ...]
    refused: tuple[RowRefusal, ...]
    registered: tuple[str, ...]
    recorded: bool
    position: int | None = None


class RecordActs(ServiceBase):
    """The province back-enters a historical list from its record file."""

    def import_historical_list(
        self,
        actor: Actor,
        record: HistoricalRecord,
        *,
        partial: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Judge every row of `record`, then record its listings: all, or with `partial` the
        valid ones, or with `dry_run` none. The act happened when the record listed its units
        (`record.listed_on`, midnight in Asia/Shanghai): a date in the future is refused."""
        self._authorise(actor, "import_historical_list")
        zh, en = record.label
        because = f"据{zh}列入 / listed from {en} ({record.file_name}, SHA-256 {record.sha256})"
        act = self._act(actor, local_midnight(record.listed_on), because, rules=record.rules)
        plan: list[tuple[Listing, Unit | None]] = []
        already: list[int] = []
        refused: list[RowRefusal] = []
        first: dict[str, int] = {}
        for done, row in enumerate(record.rows, start=1):
            try:
                judged = self._judge(record, row, first)
            except RuleViolation as refusal:
                code = row.credit_code.strip().upper()
                refused.append(RowRefusal(row.number, code, refusal.codes, refusal.zh, refusal.en))
            else:
                if judged is None:
                    already.append(row.number)
                else:
                    plan.append(judged)
            if progress is not None:
                progress(done, len(record.rows))
        write = bool(plan) and not dry_run and (partial or not refused)
        position = self._list_from_record(act, record, plan) if write else None
        return ImportReport(
            record.sha256,
            record.level.value,
            record.year,
            len(record.rows),
            tuple((listing.row, listing.credit_code) for listing, _ in plan),
            tuple(already),
            tuple(refused),
            tuple(listing.credit_code for listing, unit in plan if unit is None),
            write,
            position,
        )

    def _judge(
        self, record: HistoricalRecord, row: RecordRow, first: dict[str, int]
    ) -> tuple[Listing, Unit | None] | None:
        """A row's listing and its unit (None: not registered yet), or None when the unit was
        already listed from this very row; refused (RuleViolation) by any rule it breaks."""
        listing = records.check_row(row, record)
        code = listing.credit_code
        records.check_once_in_file(record.level, code, row.number, first.get(code))
        first[code] = row.number
        unit = self.aggregate_store.load(unit_id(code), False)
        if unit is None:
            return listing, None
        assert isinstance(unit, Unit)
        if unit.listed_from(record.key(row.number)):
            return None
        unit.check_listable_from_record(record.level, listing.kind)
        return listing, unit

    def _list_from_record(
        self, act: Act, record: HistoricalRecord, plan: list[tuple[Listing, Unit | None]]
    ) -> int | None:
        """Register the units not yet registered and list every one, in one transaction."""
        units: list[Unit] = []
        try:
            for listing, loaded in plan:
                unit = loaded or self._registered(act, listing)
                units.append(unit)
                unit.list_from_record(act, record, listing)
        except RuleViolation:
            self._evict(units)  # a cached copy keeps nothing of a refused act
            raise
        return self._save(units[0], *units[1:]).position

    @staticmethod
    def _registered(act: Act, listing: Listing) -> Unit:
        """A unit the record names that was never registered: registered by the same act."""
        return Unit.register(act, listing.credit_code, listing.kind, listing.name, ())
