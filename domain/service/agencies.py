"""Third-party agencies: registration and reported misconduct (A12, A22.1)."""

from __future__ import annotations

from datetime import datetime

from domain.aggregates.agency import Agency, agency_id
from domain.rules.identity import check_id3_jurisdiction
from domain.service.base import Receipt, ServiceBase
from domain.values import Actor, Role


class AgencyActs(ServiceBase):
    """Agencies are registered province-wide; cities report their misconduct."""

    def register_agency(
        self,
        actor: Actor,
        credit_code: str,
        name: str,
        legal_representative: str,
        occurred_at: datetime | None = None,
    ) -> Receipt:
        """Register a third-party evaluation agency and its legal representative (A22.3)."""
        self._authorise_province(actor, Role.PROVINCE, Role.AGENCY)
        agency = Agency.register(
            self._act(actor, occurred_at, rules=("A12", "A22.3")),
            credit_code,
            name,
            legal_representative,
        )
        return self._create(agency, f"机构 agency {agency.credit_code}")

    def report_agency_misconduct(
        self,
        actor: Actor,
        credit_code: str,
        description: str,
        occurred_at: datetime | None = None,
    ) -> Receipt:
        """A22.1: a city reports an agency's falsifying or concealing to the province."""
        # any city bureau (agencies work province-wide) or the province itself (ID.3)
        check_id3_jurisdiction(actor, actor.region, Role.CITY, Role.PROVINCE)
        agency = self._get(Agency, agency_id(credit_code), f"机构 agency {credit_code}")
        act = self._act(actor, occurred_at, rules=("A22.1",))
        agency.report_misconduct(act, description, None)
        return self._save(agency)
