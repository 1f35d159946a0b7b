"""The rounds read model, the round's side: its opening with each city's quota (A13.2), the
nominations counted against it, the panel and sample draws (A15.2, A15.3), the experts' scores,
the notice (A16.1), the co-signatures and the joint publication (A16.2)."""

from __future__ import annotations

import json
from typing import Any

from domain.events import round as rev
from projections.engine.batch import Batch
from projections.engine.db import Row
from projections.engine.projection import handles
from projections.rounds.tables import OUTCOMES, stamped
from projections.values import at, codes, day, text_id


class RoundActs:
    """The handlers of round events (mixed into `Rounds`)."""

    @handles(rev.RoundOpened)
    def opened(self, e: rev.RoundOpened, b: Batch) -> None:
        """A13.2: the round opens with each city's quota."""
        rid, zero = text_id(e.originator_id), dict.fromkeys(("noticed", *OUTCOMES), 0)
        b.put("rounds", round_id=rid, level=e.level, year=e.year, **stamped(e, "opened"), **zero)
        for city, quota in e.quotas.items():
            b.put("round_quotas", level=e.level, year=e.year, city=city, quota=quota, used=0)

    @staticmethod
    def _of(b: Batch, e: Any) -> tuple[str, int]:
        """The (level, year) of a round event's round."""
        r = b.row("rounds", text_id(e.originator_id)) or {}
        return r.get("level", ""), r.get("year", 0)

    def _quota(self, b: Batch, e: Any, city: str) -> Row:
        """The city's quota row of the event's round (quota 0 if the round never set one)."""
        level, year = self._of(b, e)
        empty = {"level": level, "year": year, "city": city, "quota": 0, "used": 0}
        return b.row("round_quotas", level, year, city) or empty

    @handles(rev.QuotaSet)
    def quota_set(self, e: rev.QuotaSet, b: Batch) -> None:
        b.put("round_quotas", **(self._quota(b, e, e.city) | {"quota": e.quota}))

    @handles(rev.NominationAccepted)
    def accepted(self, e: rev.NominationAccepted, b: Batch) -> None:
        """A13.2: the nomination counts against the city's quota."""
        row = self._quota(b, e, e.city)
        b.put("round_quotas", **(row | {"used": row["used"] + 1}))

    @handles(rev.ExpertPanelDrawn)
    def panel_drawn(self, e: rev.ExpertPanelDrawn, b: Batch) -> None:
        """A15.2: the panel with its seed; a redraw is an exception with a justification."""
        key = (*self._of(b, e), str(e.unit_id))
        row = b.row("round_nominations", *key)
        if row is None:
            return
        taken = [c for c in (row["exceptions"] or "").split(",") if c]
        taken += [c for c in e.exceptions if c not in taken]
        for expert in json.loads(row["panel"]) if row["panel"] else ():
            b.delete("round_scores", *key, expert)  # a redraw starts the review afresh
        row.update(panel=json.dumps(e.panel), panel_seed=e.seed, exceptions=codes(taken))
        if e.exceptions:
            row["redraw_justification"] = e.justification
        b.put("round_nominations", **(row | {"panel_draws": row["panel_draws"] + 1}))

    @handles(rev.ExpertScoreRecorded)
    def scored(self, e: rev.ExpertScoreRecorded, b: Batch) -> None:
        """A15.2: a drawn expert's score of a unit; a correction replaces it, is counted and
        keeps the score it corrected and its justification."""
        level, year = self._of(b, e)
        uid = str(e.unit_id)
        before = b.row("round_scores", level, year, uid, e.expert_id)
        b.put(
            "round_scores",
            **stamped(e, "scored"),
            level=level,
            year=year,
            unit_id=uid,
            expert_id=e.expert_id,
            credit_code=(b.row("round_units", uid) or {}).get("credit_code"),
            score=e.score,
            opinion=e.opinion,
            previous_score=e.previous_score,
            corrections=before["corrections"] + 1 if before else 0,
            justification=e.justification,
        )

    @handles(rev.SiteSampleDrawn)
    def sampled(self, e: rev.SiteSampleDrawn, b: Batch) -> None:
        """A15.3: which nominees are inspected on site."""
        level, year = self._of(b, e)
        b.update("rounds", text_id(e.originator_id), sample_seed=e.seed, sample_size=len(e.sample))
        for uid in e.sample:
            b.update("round_nominations", level, year, uid, sampled=1)

    @handles(rev.PublicNoticeOpened)
    def notice(self, e: rev.PublicNoticeOpened, b: Batch) -> None:
        """A16.1: the proposed list goes under notice for 15 days."""
        days = {"notice_opened_on": day(e.opened_on), "notice_last_day": day(e.last_day)}
        b.update("rounds", text_id(e.originator_id), **days, noticed=len(e.unit_ids))

    @handles(rev.PublicationCosigned)
    def cosigned(self, e: rev.PublicationCosigned, b: Batch) -> None:
        """A16.2: the co-publishing departments' signatures."""
        row = b.row("rounds", text_id(e.originator_id)) or {}
        signed = {d for d in (row.get("cosigned") or "").split(",") if d} | {e.department}
        b.update("rounds", text_id(e.originator_id), cosigned=",".join(sorted(signed)))

    @handles(rev.Published)
    def published(self, e: rev.Published, b: Batch) -> None:
        """A16.2: the joint publication, with how many units it listed, withheld, removed and
        adjusted (A19, A20.3)."""
        counts = {k: len(getattr(e, k)) for k in OUTCOMES}
        when = {"published_on": day(e.published_on), "published_at": at(e.timestamp)}
        b.update("rounds", text_id(e.originator_id), **when, **counts)
