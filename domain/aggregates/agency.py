"""Third-party evaluation agencies (A12, A22.1) and the yearly quota of their legal
representative (A22.3), saved atomically with each report so the cap holds under concurrency."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from domain.acts import Act
from domain.aggregates.base import GreenAggregate, applies, natural_id
from domain.events import agency as ev
from domain.rules import agencies
from domain.rules.identity import check_id1_credit_code
from domain.values import Level, UnitKind


def agency_id(credit_code: str) -> UUID:
    return natural_id("agency", credit_code)


def quota_key(legal_representative: str, representative: str | None) -> str:
    """What an A22.3 ledger is keyed by: the person's keyed identity (domain.identity); for an
    agency registered before it was recorded (a version 1 event), the name, as it always was."""
    return f"hmac-sha256:{representative}" if representative else legal_representative


def quota_id(key: str, year: int) -> UUID:
    """The ledger of one `quota_key` in one year."""
    return natural_id("a22.3", key, year)


class Agency(GreenAggregate):
    """A third-party evaluation agency; agencies sharing a legal representative share a quota."""

    if TYPE_CHECKING:  # attributes set by when(); no class annotations, which
        # would make eventsourcing turn the aggregate into a dataclass
        credit_code: str
        name: str
        legal_representative: str
        representative: str | None
        city: str

    @classmethod
    def register(
        cls,
        act: Act,
        credit_code: str,
        name: str,
        legal_representative: str,
        representative: str,
    ) -> Agency:
        """An agency is identified by its credit code (ID.1) and must be registered in Zhejiang or
        elsewhere; its legal representative, identified by `representative` (the keyed hash of
        the person's ID number, computed by the service's identity port), keys the A22.3
        quota."""
        code = check_id1_credit_code(credit_code)
        agencies.check_a22_3_registration(name, legal_representative)
        return cls._create(
            ev.AgencyRegistered,
            id=agency_id(code),
            **act.provenance(["A12", "A22.3"]),
            credit_code=code,
            name=name.strip(),
            legal_representative=legal_representative.strip(),
            city=code[2:6] + "00",
            representative=representative,
        )

    def change_legal_representative(
        self, act: Act, legal_representative: str, representative: str
    ) -> None:
        """A22.3: a new legal representative; the agency's next projects count toward the new
        person's quota (those counted stay on the previous person's ledger)."""
        agencies.check_a22_3_registration(self.name, legal_representative)
        agencies.check_a22_3_new_representative(self.representative == representative)
        self.record(
            ev.LegalRepresentativeChanged,
            act,
            ["A22.3"],
            legal_representative=legal_representative.strip(),
            representative=representative,
        )

    @property
    def quota_key(self) -> str:
        """The A22.3 ledger its projects count toward (domain.aggregates.agency.quota_key)."""
        return quota_key(self.legal_representative, self.representative)

    def report_misconduct(self, act: Act, description: str, complaint_id: UUID | None) -> None:
        """A22.1: falsifying or concealing in an evaluation, reported to the province."""
        agencies.check_a22_1_described(description)
        self.record(
            ev.AgencyMisconductReported,
            act,
            ["A22.1"],
            description=description,
            complaint_id=complaint_id,
        )

    @applies
    def _(self, e: ev.AgencyRegistered) -> None:
        self.credit_code, self.name = e.credit_code, e.name
        self.legal_representative, self.city = e.legal_representative, e.city
        self.representative = e.representative
        self.misconduct: int = 0

    @applies
    def _(self, e: ev.LegalRepresentativeChanged) -> None:
        self.legal_representative, self.representative = e.legal_representative, e.representative

    @applies
    def _(self, e: ev.AgencyMisconductReported) -> None:
        self.misconduct += 1


class EvaluationQuota(GreenAggregate):
    """A22.3: one legal representative's projects in one year, by what they count as."""

    if TYPE_CHECKING:  # attributes set by when(); no class annotations, which
        # would make eventsourcing turn the aggregate into a dataclass
        legal_representative: str
        representative: str | None
        year: int

    @classmethod
    def open(
        cls, act: Act, legal_representative: str, representative: str | None, year: int
    ) -> EvaluationQuota:
        """The ledger of one person (`representative`, the keyed identity; None only for an
        agency registered before identities were recorded) in one year."""
        return cls._create(
            ev.QuotaLedgerOpened,
            id=quota_id(quota_key(legal_representative, representative), year),
            **act.provenance(["A22.3"]),
            legal_representative=legal_representative,
            year=year,
            representative=representative,
        )

    def count(
        self,
        act: Act,
        report_id: UUID,
        unit_id: UUID,
        agency_id: UUID,
        level: Level,
        kind: UnitKind,
    ) -> None:
        """A22.3: refuse the 16th national or 11th provincial project (supply chains are not
        provincial projects; municipal ones do not count)."""
        counts_as = agencies.a22_3_counts_as(level, kind)
        agencies.check_a22_3_quota(counts_as, self.used)
        self.record(
            ev.ProjectCounted,
            act,
            ["A22.3"],
            report_id=report_id,
            unit_id=unit_id,
            agency_id=agency_id,
            level=level.value,
            kind=kind.value,
            counts_as=counts_as or "none",
        )

    @applies
    def _(self, e: ev.QuotaLedgerOpened) -> None:
        self.legal_representative, self.year = e.legal_representative, e.year
        self.representative = e.representative
        self.used: dict[str, int] = {"national": 0, "provincial": 0, "none": 0}

    @applies
    def _(self, e: ev.ProjectCounted) -> None:
        self.used[e.counts_as] += 1
