"""How each rule of a decision was evaluated (A29: "why" never says passed for what failed).

A decision records, beside the codes of the rules it applied (`rules`), one `Evaluation` per
rule it checked: the outcome (passed, refused, waived in principle with a justification, not
applicable), why in Chinese and English, and the inputs the check saw, including other
aggregates' facts (a round's quota ledger and window, a park's members' records). The event
keeps them as plain JSON values (`Evaluation.stored`, field `evaluations` of every event).

An event recorded before evaluations were kept, or by an act that records none, explains
honestly from its type alone (`domain.service.explain`): "applied" (the act was recorded under
the rule), "refused" for a negative decision, never "passed" for a check it did not show."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from domain.rules.exclusions import A17, NegativeRecord, a17_grounds_in_force
from domain.values import years_before


class Outcome(Enum):
    """What a rule's check found."""

    PASSED = "passed"
    """The check ran and the unit met the rule."""
    REFUSED = "refused"
    """The rule went against the unit: a ground found, a review failed, a condition not met."""
    WAIVED = "waived"
    """An "in principle" rule (A14.2, A14.3, A15.2's redraw) not met, overridden with a written
    justification (an exception the supervisors see)."""
    NOT_APPLICABLE = "not_applicable"
    """The rule did not apply to this unit or act."""
    APPLIED = "applied"
    """No evaluation recorded: the act was recorded under the rule (no check outcome claimed)."""


def _plain(value: Any) -> Any:
    """Inputs as JSON values every store keeps as given: dates and instants as ISO text."""
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value


@dataclass(frozen=True)
class Evaluation:
    """One rule as an act evaluated it: code, outcome, why (zh/en) and the inputs it saw."""

    code: str
    outcome: Outcome
    because_zh: str
    because_en: str
    inputs: Mapping[str, Any] = field(default_factory=dict)

    def stored(self) -> dict[str, Any]:
        """As the event keeps it (plain JSON)."""
        return {
            "code": self.code,
            "outcome": self.outcome.value,
            "because_zh": self.because_zh,
            "because_en": self.because_en,
            "inputs": _plain(dict(self.inputs)),
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> Evaluation:
        return cls(
            str(data["code"]),
            Outcome(data["outcome"]),
            str(data.get("because_zh", "")),
            str(data.get("because_en", "")),
            dict(data.get("inputs") or {}),
        )


def passed(code: str, zh: str, en: str, **inputs: Any) -> Evaluation:
    return Evaluation(code, Outcome.PASSED, zh, en, inputs)


def refused(code: str, zh: str, en: str, **inputs: Any) -> Evaluation:
    return Evaluation(code, Outcome.REFUSED, zh, en, inputs)


def checked(code: str, held: bool, because: tuple[str, str], **inputs: Any) -> Evaluation:
    """`code` passed if `held`, else refused, with the same reasons and inputs."""
    return Evaluation(code, Outcome.PASSED if held else Outcome.REFUSED, *because, inputs)


def in_principle(
    code: str, exceptions: Iterable[str], justification: str, **inputs: Any
) -> Evaluation:
    """A14.2 / A14.3: met, or waived with the written justification (it is in `exceptions`)."""
    if code in set(exceptions):
        return Evaluation(
            code,
            Outcome.WAIVED,
            f"原则上要求未满足，凭书面说明例外处理：{justification}",
            f"the in-principle rule is not met; waived with the written justification: "
            f"{justification}",
            {**inputs, "justification": justification},
        )
    return passed(code, "原则上要求已满足", "the in-principle rule is met", **inputs)


def record_input(record: NegativeRecord, on: date) -> dict[str, Any]:
    """An A17 record as the check saw it: whose, which record, ground, dates, source, whether
    it counted on the decision's date."""
    return {
        "whose": record.whose,
        "record_id": record.record_id,
        "ground": record.ground,
        "occurred_on": record.occurred_on,
        "ended_on": record.ended_on,
        "source": record.source,
        "in_force": bool(a17_grounds_in_force([record], on)),
    }


def a17_evaluations(
    records: Iterable[NegativeRecord], on: date, codes: Iterable[str] = A17
) -> list[Evaluation]:
    """A17.1-A17.6 (`codes`): each refused by the records of its ground in force on `on`
    (naming them), else passed; the inputs are every record of that ground checked (the unit's
    and, for a park, its members'), the decision's date and the three-year horizon."""
    checked_records = list(records)
    horizon = years_before(on, 3)
    out = []
    for code in codes:
        mine = [record_input(r, on) for r in checked_records if r.ground == code]
        found = [r for r in mine if r["in_force"]]
        inputs = {"on": on, "horizon": horizon, "records": mine}
        if found:
            named = ", ".join(
                f"{r['whose']} {r['record_id'] or '?'} ({r['occurred_on']})" for r in _plain(found)
            )
            out.append(
                refused(
                    code,
                    f"近三年存在{code}情形：{named}",
                    f"{code} ground within the last three years: {named}",
                    **inputs,
                )
            )
        else:
            out.append(
                passed(
                    code,
                    f"近三年（{horizon.isoformat()}之后）无{code}情形",
                    f"no {code} ground since {horizon.isoformat()}",
                    **inputs,
                )
            )
    return out


def standard_evaluation(
    code: str, level: str, passed_levels: Iterable[Any], reports: list[dict[str, Any]]
) -> Evaluation:
    """A9.2 / A10.3 / A11.3: a passing report of the level sought (the check ran before); the
    inputs are the unit's reports and the levels they show."""
    levels = sorted(_plain(list(passed_levels)))
    return passed(
        code,
        f"有{level}级通过的评价报告（符合相关标准）",
        f"a passing {level} evaluation report shows the standards are met",
        level=level,
        passed_levels=levels,
        reports=reports,
    )


def quota_and_window(
    level: str, year: int, city: str, used: int, quota: int, deadline: date, on: date
) -> list[Evaluation]:
    """A13.2 and A14.1 as a round accepted a nomination: the city's quota ledger (nominations
    used before this one, its quota) and the window (the last day, the act's date)."""
    ledger = {"round": f"{level}/{year}", "city": city, "used": used, "quota": quota}
    return [
        passed(
            "A13.2",
            f"{city}已推荐{used}个，名额{quota}个，尚有余额",
            f"city {city} had used {used} of its quota of {quota} nominations",
            **ledger,
        ),
        passed(
            "A14.1",
            f"于{on.isoformat()}推荐，未超过截止日{deadline.isoformat()}",
            f"nominated on {on.isoformat()}, by the deadline {deadline.isoformat()}",
            round=f"{level}/{year}",
            on=on,
            deadline=deadline,
        ),
    ]


REVIEW_ZH = {"A15.1": "材料初审", "A15.2": "专家评审", "A15.3": "现场核查"}


def review_step(
    codes: Iterable[str], act: str, held: bool, stage: Any, details: Mapping[str, Any]
) -> list[Evaluation]:
    """A15.1-A15.3: a review step's own rule (its last code) passed or refused by the result,
    with the notes, score and panel recorded; an earlier code (A15.1 before the expert review)
    is the step's precondition, met since the step ran after it (`stage`)."""
    *before, own = codes
    inputs = {"passed": held, **details}
    out = [
        passed(code, "前一评审环节已通过", "the previous review step was passed", stage=stage)
        for code in before
    ]
    result = ("通过", "passed") if held else ("未通过", "failed")
    notes = details.get("notes") or ""
    score = details.get("score")
    why_zh = f"{REVIEW_ZH.get(own, act)}{result[0]}" + (
        f"（评分{score}）" if score is not None else ""
    )
    why_en = f"the {act} {result[1]}" + (f" (score {score})" if score is not None else "")
    if notes:
        why_zh, why_en = f"{why_zh}：{notes}", f"{why_en}: {notes}"
    out.append(checked(own, held, (why_zh, why_en), **inputs))
    return out


def objection_upheld(objection_ids: Iterable[str]) -> Evaluation:
    """A16.1 at the publication: an upheld objection withholds the listing."""
    ids = list(objection_ids)
    return refused(
        "A16.1",
        f"公示期间异议成立：{'、'.join(ids)}",
        f"an objection raised during the notice was upheld: {', '.join(ids)}",
        upheld_objections=ids,
    )


def removal(codes: Iterable[str], reason: str, level: str, **inputs: Any) -> list[Evaluation]:
    """A19.x / A20.x / A21 / A23.2: the grounds a removal applies, each refused with the
    recorded reason (the unit no longer meets the rule)."""
    return [
        refused(
            code,
            f"因{code}撤销{level}级名单：{reason}",
            f"removed from the {level} list under {code}: {reason}",
            level=level,
            reason=reason,
            **inputs,
        )
        for code in codes
    ]
