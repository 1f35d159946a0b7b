"""The Unit listed from a published list's record (issue 15 item 1): a historical listing
back-entered as an act of its own (`ListedFromRecord`), the rows it came from kept so that the
same record file lists nothing twice (domain.rules.records)."""

from __future__ import annotations

from domain.acts import Act
from domain.aggregates.base import applies
from domain.aggregates.unit.core import UnitCore
from domain.aggregates.unit.state import Standing
from domain.events import unit as ev
from domain.rules import evaluation, records
from domain.rules.eligibility import ELIGIBILITY_RULE
from domain.rules.records import HistoricalRecord, Listing
from domain.rules.stages import Stage
from domain.values import Level, UnitKind


class RecordedListings(UnitCore):
    """Listings back-entered from a record file, and the rows they came from."""

    def listed_from(self, key: str) -> bool:
        """Whether the unit was listed from this row (`<level>:<sha256>:<row>`, `record.key`)
        of a record file."""
        return key in self.record_rows

    def check_listable_from_record(self, level: Level, kind: UnitKind) -> None:
        """A9.1 / A10.1 / A11.1: the record names the unit's kind; A13.1 / A16.2 / A16.3: the
        unit is neither on that list already nor being selected for it."""
        records.check_same_kind(self.kind, kind)
        standing = self.standing_at(level)
        stage = standing.stage if standing else None
        records.check_not_on_list(level, stage, standing.listed_on if standing else None)

    def list_from_record(self, act: Act, record: HistoricalRecord, listing: Listing) -> None:
        """The unit is on `record`'s list from its date, under the name it has there."""
        self.check_listable_from_record(record.level, listing.kind)
        rule = records.LISTING_RULE[record.level]
        zh, en = record.label
        seen = [
            evaluation.passed(
                rule,
                f"{zh}第{listing.row}行列入该单位",
                f"row {listing.row} of {en} lists the unit",
                sha256=record.sha256,
                file=record.file_name,
                row=listing.row,
                listed_on=record.listed_on,
                document_number=listing.document_number,
            ),
            evaluation.passed(
                ELIGIBILITY_RULE[listing.kind],
                f"记录中的类别与登记一致（{listing.kind.value}）",
                f"the record's kind is the unit's ({listing.kind.value})",
                city=listing.city,
                value_added_share=listing.value_added_share,
            ),
        ]
        self.record(
            ev.ListedFromRecord,
            act,
            [*record.rules, ELIGIBILITY_RULE[listing.kind]],
            evaluations=seen,
            level=record.level.value,
            year=record.year,
            listed_on=record.listed_on,
            name=listing.name,
            source_sha256=record.sha256,
            source_file=record.file_name,
            source_row=listing.row,
            document_number=listing.document_number,
        )

    # --- state changes (pure) ------------------------------------------------------------

    @applies
    def _on_listed_from_record(self, e: ev.ListedFromRecord) -> None:
        """Listed from the record's date; a national record's document number is MIIT's."""
        national = e.level == Level.NATIONAL.value
        listing = Standing(
            Stage.LISTED,
            e.year,
            listed_on=e.listed_on,
            listed_name=e.name,
            miit_document=e.document_number if national else None,
        )
        self._put(e.level, listing)
        key = f"{e.level}:{e.source_sha256}:{e.source_row}"
        self.record_rows = {**self.record_rows, key: e.year}
