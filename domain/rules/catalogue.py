"""Every rule code of rules.md: article, effect, and a one-line summary in Chinese and English.

Source: 浙经信绿色〔2024〕105号《浙江省绿色（低碳）工厂梯度培育管理实施细则》. Article numbers are
the document's own (第N条, item M -> A<N>.<M>). The checks that decide live in the family modules
of `domain.rules` (identity, eligibility, selection, stages, review, publication, exclusions,
dynamic, agencies), each function's docstring naming the codes it decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum


class Effect(Enum):
    """What a rule does to an act."""

    REFUSE = "refuse"
    WARN = "warn"
    ORDER = "order"
    RECORD = "record"
    REMOVE = "remove"
    FORBID = "forbid"


@dataclass(frozen=True)
class Rule:
    code: str
    article: str
    effect: Effect
    zh: str
    en: str


RULESET_VERSION = "浙经信绿色〔2024〕105号"
RULESET_IN_FORCE_FROM = date(2024, 6, 26)
PRIOR_RULESET = "105号施行前 (before 2024-06-26)"

_R, _W, _O, _C, _X, _F = (
    Effect.REFUSE,
    Effect.WARN,
    Effect.ORDER,
    Effect.RECORD,
    Effect.REMOVE,
    Effect.FORBID,
)

# fmt: off
_TABLE: tuple[Rule, ...] = (
    Rule("ID.1", "GB 32100-2015", _R, "统一社会信用代码须为18位且校验码正确", "the unified social credit code must have 18 characters and a valid check character"),
    Rule("ID.2", "GB/T 2260; 第九条第1项", _R, "登记管理机关行政区划须为浙江省（33）下的设区市", "the registering division must be one of Zhejiang's eleven cities (33xxxx)"),
    Rule("ID.3", "第六条", _F, "设区市经信局仅对本市单位履职，省经信厅全省履职", "a city bureau acts only on units of its own city; the province acts province-wide"),
    Rule("A8", "第八条", _C, "设区市将具备条件且有提升潜力的企业、园区列为培育对象，建立培育库，可列为培育重点", "the city puts eligible units with potential into its cultivation pool, optionally as priority"),
    Rule("A9.1", "第九条第1项", _R, "绿色工厂须为独立法人或独立核算分支机构，实际生产的制造企业，注册地和生产场所在浙江", "a factory must be a legal person or independently accounting branch, actually manufacturing, registered and producing in Zhejiang"),
    Rule("A9.2", "第九条第2项", _R, "绿色工厂须符合相关标准（评价报告通过）", "a factory must meet the green factory standards, shown by a passing evaluation report"),
    Rule("A10.1", "第十条第1项", _R, "园区须有法定边界、统一管理机构，以制造和能源供给为主，工业增加值占比超过50%", "a park needs a legal boundary, one management body, a manufacturing function and an industrial value-added share of more than 50 %"),
    Rule("A10.2", "第十条第2项", _R, "园区须发布绿色（低碳）工厂培育计划并组织企业创建", "a park must publish a plan for cultivating green factories and organise its enterprises"),
    Rule("A10.3", "第十条第3项", _R, "园区须符合绿色园区标准（评价报告通过）", "a park must meet the green park standards, shown by a passing evaluation report"),
    Rule("A11.1", "第十一条第1项", _R, "供应链管理企业须为在浙独立法人或独立核算分支机构、行业主导企业且积极创建绿色工厂", "a supply-chain company must be a Zhejiang legal person or independently accounting branch, a chain leader, itself creating a green factory"),
    Rule("A11.2", "第十一条第2项", _R, "供应链管理企业须制定供应商绿色工厂培育计划", "a supply-chain company must have a plan for cultivating green factories among its suppliers"),
    Rule("A11.3", "第十一条第3项", _R, "供应链管理企业须符合绿色供应链标准（评价报告通过）", "a supply-chain company must meet the green supply-chain standards (passing report)"),
    Rule("A12", "第十二条", _C, "自评价或第三方评价，报告经平台提交，第三方对报告真实性准确性负责", "self or third-party evaluation; the report is submitted through the platform"),
    Rule("A13.1", "第十三条", _C, "各设区市遴选确定市级绿色制造名单", "each city selects its own municipal list"),
    Rule("A13.2", "第十三条", _R, "省级、国家级推荐名额由省综合确定，超出名额的推荐不予受理", "the province sets each city's quota of recommendations; nominations beyond it are refused"),
    Rule("A14.1", "第十四条", _R, "设区市于每年6月30日前报送推荐名单，逾期不予受理", "cities submit their recommendations by 30 June (Asia/Shanghai); later ones are refused"),
    Rule("A14.2", "第十四条", _W, "省级推荐名单原则上应先纳入市级名单", "a provincial nominee should in principle already be on the municipal list"),
    Rule("A14.3", "第十四条", _W, "国家级推荐名单原则上应先纳入省级名单", "a national nominee should in principle already be on the provincial list"),
    Rule("A15.1", "第十五条第二款", _O, "综合评审首先进行材料初审", "preliminary review of the materials comes first"),
    Rule("A15.2", "第十五条第三款", _O, "专家评审：专家组由专家库随机选取，机关纪委现场监督", "expert review by a panel drawn at random from the expert pool, supervised on site"),
    Rule("A15.3", "第十五条第四款", _O, "现场核查采用抽查形式，综合考虑初审与评审情况确定", "site inspection of a sample weighted by the preliminary and expert results"),
    Rule("A15.4", "第十五条第五款", _C, "国家级名单遴选推荐程序参考省级程序执行", "national selection follows the same procedure"),
    Rule("A16.1", "第十六条", _R, "拟入选名单公示15日，公示期内可提出异议，异议成立的不予列入", "the proposed list is under public notice for 15 days; an upheld objection blocks the unit"),
    Rule("A16.2", "第十六条", _C, "公示无异议的，经信厅联合发改委、生态环境厅共同发布", "without objection the list is published jointly by the three departments"),
    Rule("A16.3", "第十六条", _C, "择优推荐至工业和信息化部", "the best candidates are recommended to MIIT"),
    Rule("A17.1", "第十七条第1项", _R, "近三年未正常经营生产（注销、连续停产12个月以上、经营异常名录未移出）", "within three years: not operating normally (deregistered, stopped 12 months, abnormal list)"),
    Rule("A17.2", "第十七条第2项", _R, "近三年发生安全、质量、环境污染事故或偷漏税等违法违规行为", "within three years: a safety, quality or pollution accident, tax evasion or other violation"),
    Rule("A17.3", "第十七条第3项", _R, "近三年被动态调整出绿色制造名单", "within three years: removed from a green manufacturing list by dynamic management"),
    Rule("A17.4", "第十七条第4项", _R, "近三年在国务院及有关部委督查中被发现存在严重问题", "within three years: serious problems found in a State Council or ministry inspection"),
    Rule("A17.5", "第十七条第5项", _R, "被列入工业节能监察整改名单且未按要求完成整改", "on the industrial energy-saving rectification list and not rectified"),
    Rule("A17.6", "第十七条第6项", _R, "企业被列为失信被执行人", "listed as a dishonest judgment debtor"),
    Rule("A18", "第十八条", _C, "名单单位每年4月15日前填报动态管理表", "listed units submit the dynamic management form by 15 April each year"),
    Rule("A19.1", "第十九条第1项", _X, "存在第十七条情形的，在发布年度名单时移出并公告", "units with an article 17 ground are removed at the annual publication, with an announcement"),
    Rule("A19.2", "第十九条第2项", _X, "拒不按时填报动态管理表的，在发布年度名单时移出", "units that do not submit the dynamic form on time are removed at the annual publication"),
    Rule("A19.3", "第十九条第3项", _X, "所提交材料或数据造假的，在发布年度名单时移出", "units whose materials or data are falsified are removed at the annual publication"),
    Rule("A19.4", "第十九条第二款", _X, "发生重大及以上生产安全、质量事故或II级及以上突发环境事件的，及时移出各层面名单并公告", "a major accident removes the unit from every level at once, with an announcement"),
    Rule("A20.1", "第二十条", _C, "名称、经营范围、生产地址、组织边界重大变更应在动态管理表中说明", "a change of name, scope, address or boundary is declared in the dynamic management form"),
    Rule("A20.2", "第二十条", _X, "设区市复核变更，不再符合标准的移出市级名单", "the city re-checks the change; a unit no longer meeting the standards leaves the municipal list"),
    Rule("A20.3", "第二十条", _C, "涉及省级、国家级名单的调整意见随年度推荐上报，在发布年度名单时公告和变更", "provincial and national adjustments take effect at the annual publication"),
    Rule("A21", "第二十一条", _C, "按照五年一复核原则组织复核", "cities re-review every listed unit every five years"),
    Rule("A22.1", "第二十二条第一款", _C, "第三方机构评价中弄虚作假或故意隐瞒的，及时上报", "a third-party agency found falsifying or concealing is reported to the province"),
    Rule("A22.2", "第二十二条第二款", _C, "省经信厅适时公布第三方机构评价工作情况", "the province publishes how third-party agencies performed"),
    Rule("A22.3", "第二十二条第三款", _R, "同一法定代表人的第三方机构每年国家级评价项目不超过15项、省级不超过10项", "agencies of one legal representative do at most 15 national and 10 provincial projects a year"),
    Rule("A23.1", "第二十三条第一款", _R, "可向所在设区市实名举报名单单位或第三方机构，并提供佐证材料和联系方式", "anyone may report a listed unit or an agency under their real name, with evidence and contact"),
    Rule("A23.2", "第二十三条第二款", _C, "设区市核实举报，属实的整改或按第十九条移出，第三方机构按第二十二条处理", "the city verifies; a confirmed report leads to rectification or removal"),
    Rule("A29", "第二十九条", _C, "本细则自发布之日起30日后（2024年6月26日）施行", "the rules apply from 2024-06-26; every decision records the rule-set version"),
)
# fmt: on

RULES: dict[str, Rule] = {r.code: r for r in _TABLE}
"""Code -> rule. 46 codes, the public contract."""


_ORDER = {r.code: i for i, r in enumerate(_TABLE)}


def rule_order(code: str) -> int:
    """The position of a code in the rule book, to list codes in the document's order."""
    return _ORDER[code]


def rule(code: str) -> Rule:
    """The rule with this code; an unknown code is a programming error."""
    return RULES[code]


def ruleset_on(day: date) -> str:
    """The rule-set version in force on a date (A29)."""
    return RULESET_VERSION if day >= RULESET_IN_FORCE_FROM else PRIOR_RULESET
