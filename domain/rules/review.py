"""The comprehensive review (A15, 第十五条): the expert pool, the panels drawn at random from it,
the drawn experts' scores under on-site supervision (A15.2), and the site sample (A15.3).

The order of the review steps themselves is in `domain.rules.stages`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from domain.errors import JustificationRequired, OutOfJurisdiction, RuleViolation

SUPERVISED_ACTIVITIES = ("panel_draw", "expert_review", "site_inspection", "publication")
"""What the discipline inspection committee (机关纪委) records having supervised on site."""


def check_a15_nominated(nominated: bool, code: str) -> None:
    """A15.1-A15.3 (`code`: the step's rule): a round reviews only the units nominated to it."""
    if not nominated:
        raise RuleViolation(
            code, zh="该单位未在本轮推荐", en="the unit is not nominated in this round"
        )


# --- A15.2: the expert pool and the panels -------------------------------------------------


def check_a15_2_enrolment(expert_id: str, pool: Mapping[str, str]) -> None:
    """A15.2: an expert joins the pool once, under a non-empty id."""
    if not expert_id.strip() or expert_id in pool:
        raise RuleViolation(
            "A15.2",
            zh="专家编号为空或已在库中",
            en="the expert id is empty or already in the pool",
        )


def check_a15_2_in_pool(expert_id: str, pool: Mapping[str, str]) -> None:
    """A15.2: only an expert of the pool withdraws from it."""
    if expert_id not in pool:
        raise RuleViolation("A15.2", zh="专家不在库中", en="no such expert in the pool")


def check_a15_2_panel_size(size: int, candidates: int) -> None:
    """A15.2: a panel of at least one expert, drawn from at least as many eligible ones."""
    if size < 1 or candidates < size:
        raise RuleViolation(
            "A15.2",
            zh=f"专家库可选专家不足{size}人",
            en=f"fewer than {size} eligible experts in the pool",
        )


def check_a15_2_seed_not_chosen(seed: object) -> None:
    """A15.2 (第十五条第三款, "随机选取"; issue 12 item 4): nobody chooses a panel's seed, the
    province least of all: it derives from the verifiable log's head (domain.draws.panel_seed).
    A request that states one is refused rather than ignored, so nobody believes it was used."""
    if seed is not None:
        raise RuleViolation(
            "A15.2",
            zh="专家组随机抽取的种子不得由任何人指定（包括省级主管部门）：种子由可验证日志的根哈希导出",
            en="the panel draw's seed may not be chosen: it derives from the verifiable log's root",
        )


def check_a15_2_panel_drawn(panel: Iterable[str] | None) -> None:
    """A15.2: the expert review's conclusion is that of a panel drawn for the unit."""
    if panel is None:
        raise RuleViolation("A15.2", zh="尚未随机抽取专家组", en="no expert panel was drawn")


def check_a15_2_panel_member(expert_id: str, panel: Iterable[str] | None) -> None:
    """A15.2 (第十五条第三款: "专家组成员由浙江省绿色低碳领域专家库随机选取组成"): a unit is scored
    only by the experts drawn at random onto its panel; an expert of the pool who was not drawn
    for it (or before any panel is drawn) may not score it."""
    if panel is None:
        raise OutOfJurisdiction(
            "A15.2",
            zh="该单位尚未随机抽取专家组，不能评分",
            en="no expert panel was drawn for the unit: nobody may score it yet",
        )
    if expert_id not in panel:
        raise OutOfJurisdiction(
            "A15.2",
            zh=f"专家{expert_id}不在该单位随机抽取的专家组中，不能评分",
            en=f"expert {expert_id} is not on the panel drawn for the unit and may not score it",
        )


def check_a15_2_one_score(previous: float | None, justification: str) -> list[str]:
    """A15.2: each drawn expert scores a unit once; a correction of the expert's own score is
    taken only with a written justification, recorded as an exception that the discipline
    inspection committee (机关纪委, 现场监督) sees. Returns the exceptions taken."""
    if previous is None:
        return []
    if not justification.strip():
        raise JustificationRequired(
            "A15.2",
            zh=f"该专家已为该单位评分（{previous:g}分），更正评分须提交书面说明",
            en=f"this expert already scored the unit ({previous:g}): a correction needs a "
            "written justification",
        )
    return ["A15.2"]


def check_a15_2_supervised_activity(activity: str) -> None:
    """A15.2 (第十五条第三款: "由省经济和信息化厅机关纪委进行现场监督"): the committee records its
    on-site supervision of one of the round's activities."""
    if activity not in SUPERVISED_ACTIVITIES:
        raise RuleViolation(
            "A15.2",
            zh=f"未知的现场监督环节：{activity}",
            en=f"unknown activity to supervise on site: {activity!r}",
        )


# --- A15.3: the site sample ----------------------------------------------------------------


def check_a15_3_sample_not_drawn(sample: list[str] | None) -> None:
    """A15.3: the site sample of a round is drawn once."""
    if sample is not None:
        raise RuleViolation("A15.3", zh="本轮已抽取核查名单", en="the site sample is already drawn")


def check_a15_3_sample_drawn(sample: list[str] | None) -> None:
    """A15.3: the notice opens once the site sample is drawn."""
    if sample is None:
        raise RuleViolation(
            "A15.3", zh="尚未抽取现场核查名单", en="the site sample is not drawn yet"
        )


MAX_OPEN_QUESTIONS = 50
"""A15.3: more open questions than this in one preliminary review is a mistake of input."""


def check_a15_3_open_questions(questions: Iterable[str]) -> list[str]:
    """A15.3 (第十五条第四款: 现场核查...以及前期审查过程中待确认问题): the questions the
    preliminary review leaves open for the site inspection, each a non-empty text, at most 50.
    Returns them stripped."""
    kept = [str(q).strip() for q in questions]
    if any(not q for q in kept) or len(kept) > MAX_OPEN_QUESTIONS:
        raise RuleViolation(
            "A15.3",
            zh=f"待确认问题须逐条填写且不超过{MAX_OPEN_QUESTIONS}条",
            en=f"open questions are non-empty texts, at most {MAX_OPEN_QUESTIONS}",
        )
    return kept


def check_a15_3_sampled(sampled: bool) -> None:
    """A15.3 (抽查): only the units in the site sample are inspected on site."""
    if not sampled:
        raise RuleViolation(
            "A15.3", zh="该单位未被抽中现场核查", en="the unit is not in the site sample"
        )


def check_a15_3_inspected(waiting: int) -> None:
    """A15.3: the notice waits for the site inspection of every sampled unit."""
    if waiting:
        raise RuleViolation(
            "A15.3",
            zh="仍有抽中单位未完成现场核查",
            en="sampled units still await their site inspection",
        )
