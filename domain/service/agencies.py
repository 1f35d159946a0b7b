"""Third-party agencies: registration and reported misconduct (A12, A22.1)."""

from __future__ import annotations

from datetime import datetime

from domain.aggregates.agency import Agency, agency_id
from domain.service.base import ExpectedVersion, Receipt, ServiceBase
from domain.values import Actor


class AgencyActs(ServiceBase):
    """Agencies are registered province-wide; cities report their misconduct."""

    def register_agency(
        self,
        actor: Actor,
        credit_code: str,
        name: str,
        legal_representative: str,
        representative_id: str,
        occurred_at: datetime | None = None,
    ) -> Receipt:
        """Register a third-party evaluation agency and its legal representative (A22.3): the
        province, or an agency registering itself. The representative is named and identified
        by the resident ID number, which is validated, hashed under the service's key and
        forgotten: only the keyed identity is stored."""
        self._authorise(actor, "register_agency", credit_code=credit_code)
        act = self._act(actor, occurred_at, rules=("A12", "A22.3"))
        agency = Agency.register(
            act, credit_code, name, legal_representative, self._person(representative_id)
        )
        return self._create(agency, f"机构 agency {agency.credit_code}")

    def change_legal_representative(
        self,
        actor: Actor,
        credit_code: str,
        legal_representative: str,
        representative_id: str,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A22.3: the province records an agency's new legal representative (named, and
        identified by the ID number, kept only as its keyed hash); the agency's next projects
        count toward the new person's yearly quota."""
        self._authorise(actor, "change_legal_representative")
        agency = self._get(Agency, agency_id(credit_code), f"机构 agency {credit_code}")
        agency = self._expect(agency, expected_version)
        act = self._act(actor, occurred_at, rules=("A22.3",))
        agency.change_legal_representative(
            act, legal_representative, self._person(representative_id)
        )
        return self._save(agency)

    def report_agency_misconduct(
        self,
        actor: Actor,
        credit_code: str,
        description: str,
        occurred_at: datetime | None = None,
        *,
        expected_version: ExpectedVersion = None,
    ) -> Receipt:
        """A22.1: a city reports an agency's falsifying or concealing to the province: any city
        bureau (agencies work province-wide) or the province itself (ID.3)."""
        self._authorise(actor, "report_agency_misconduct")
        agency = self._get(Agency, agency_id(credit_code), f"机构 agency {credit_code}")
        agency = self._expect(agency, expected_version)
        act = self._act(actor, occurred_at, rules=("A22.1",))
        agency.report_misconduct(act, description, None)
        return self._save(agency)
