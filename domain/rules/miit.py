"""The national list is MIIT's decision (A15.4, A16.3, 第十五条第五款、第十六条).

A15.4: the national selection follows the provincial procedure (nomination by the cities within
their quotas, the preliminary, expert and site reviews). A16.3: it ends with the province
*recommending* the best candidates to MIIT (择优推荐至工业和信息化部); the province does not
list them. There is no 15-day provincial notice and no provincial joint publication for it:
those are the provincial list's (A16.1, A16.2), and MIIT holds its own publicity. A notice, a
co-signature or a publication on a national round is refused naming A16.3.

MIIT's outcome is an external decision the province records once MIIT publishes it: listed or
not listed, with the ministry's document number (文号) and its publication date. The national
list follows those outcomes: a unit is on it only by an outcome "listed" (listed_on = MIIT's
date). One outcome per unit and year: a correction is refused (the record stays as MIIT
published it; a later MIIT document is a matter for the removals, A19.4)."""

from __future__ import annotations

from datetime import date

from domain.errors import RuleViolation


def check_a16_3_provincial_procedure_only(national: bool, step: str) -> None:
    """A16.3: a national round ends with the recommendation to MIIT; the 15-day notice, the
    co-signatures and the joint publication (A16.1, A16.2) are the provincial list's."""
    if national:
        raise RuleViolation(
            "A16.3",
            zh=f"国家级名单由工业和信息化部确定，省级仅推荐，不进行{step}",
            en=f"the national list is MIIT's: the province recommends; no provincial {step}",
        )


def check_a16_3_national_round(national: bool) -> None:
    """A16.3: only a national round recommends units to MIIT."""
    if not national:
        raise RuleViolation(
            "A16.3",
            zh="仅国家级轮次向工业和信息化部推荐",
            en="only the national round recommends units to MIIT",
        )


def check_a16_3_not_recommended(recommended_on: date | None) -> None:
    """A16.3: a round's recommendation to MIIT is made once."""
    if recommended_on is not None:
        raise RuleViolation(
            "A16.3",
            zh="本轮已向工业和信息化部推荐",
            en="this round's recommendation to MIIT is already made",
        )


def check_a16_3_recommended(recommended: bool) -> None:
    """A16.3: MIIT decides on the units the province recommended, and on no other."""
    if not recommended:
        raise RuleViolation(
            "A16.3",
            zh="该单位本年度未被推荐至工业和信息化部，不能登记工信部结果",
            en="the unit was not recommended to MIIT this year: no MIIT outcome can be recorded",
        )


def check_a16_3_one_outcome(recorded: bool) -> None:
    """A16.3: one MIIT outcome per unit and year; a recorded one is not corrected."""
    if recorded:
        raise RuleViolation(
            "A16.3",
            zh="该单位本年度工信部结果已登记，不得重复登记",
            en="the unit's MIIT outcome for this year is already recorded",
        )


def check_a16_3_document_number(document_number: str) -> str:
    """A16.3: MIIT's outcome is recorded with its document number (文号). Returns it trimmed."""
    number = document_number.strip()
    if not number:
        raise RuleViolation(
            "A16.3",
            zh="须填写工业和信息化部发布文件的文号",
            en="MIIT's document number is required",
        )
    return number


def check_a16_3_published_on(published_on: date, recommended_on: date, today: date) -> None:
    """A16.3: MIIT publishes after the province's recommendation, and not in the future."""
    if published_on > today:
        raise RuleViolation(
            "A16.3",
            zh="工信部发布日期不能晚于今天",
            en="MIIT's publication date cannot lie in the future",
        )
    if published_on < recommended_on:
        raise RuleViolation(
            "A16.3",
            zh=f"工信部发布日期不能早于推荐日期{recommended_on.isoformat()}",
            en=f"MIIT cannot publish before the recommendation of {recommended_on.isoformat()}",
        )


def check_a16_3_legacy_listing(legacy: bool) -> None:
    """A15.4 / A16.3: the migration act back-enters a MIIT outcome only for a national listing
    recorded before the outcomes were kept, and only once."""
    if not legacy:
        raise RuleViolation(
            "A16.3",
            zh="该单位没有待迁移的旧国家级列入记录",
            en="the unit has no national listing recorded before MIIT outcomes were kept",
        )
