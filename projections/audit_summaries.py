"""One line in Chinese per event of the audit trail, e.g. "杭州市经信局推荐该单位参加2025年省级
遴选": what an auditor reads first. A template per event type; a generic line for any other.

A23: no template reads a complaint's reporter name, contact or content; A16.1: nor an
objection's objector or grounds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.events import adjustments as ad
from domain.events import agency as ag
from domain.events import complaint as co
from domain.events import experts as ex
from domain.events import membership as me
from domain.events import objection as ob
from domain.events import round as ro
from domain.events import unit as un
from domain.rules.levels import LEVEL_ZH
from domain.values import CITIES

Template = Callable[[Any, str, str], str]
"""(event, who acted in words, label of the aggregate) -> the line."""

_KINDS = {"factory": "绿色工厂", "park": "绿色工业园区", "supply_chain": "绿色供应链管理企业"}
_CHANGES = {"name": "名称", "scope": "经营范围", "address": "地址", "boundary": "园区边界"}
_TARGETS = {"unit": "名单单位", "agency": "第三方评价机构"}
_DEPARTMENTS = {"ndrc": "省发展改革委", "eco_env": "省生态环境厅"}
_ACTIVITIES = {
    "panel_draw": "专家抽取",
    "expert_review": "专家评审",
    "site_inspection": "现场核查",
    "publication": "结果发布",
}
_ACCIDENTS = {"safety": "生产安全事故", "quality": "质量事故", "environment": "突发环境事件"}
_GRADES = {"I": "特别重大", "II": "重大", "III": "较大", "IV": "一般"}
_OUTCOMES = {
    "rectification": "责令整改",
    "removal": "移出名单",
    "agency_misconduct": "按第二十二条处理第三方机构",
    "unfounded": "举报不实",
}


def _lv(e: Any) -> str:
    return str(LEVEL_ZH.get(e.level, e.level))


def _ok(passed: bool) -> str:
    return "通过" if passed else "未通过"


def _yes(confirmed: bool) -> str:
    return "属实" if confirmed else "不属实"


def _erasure(e: Any) -> str:
    basis = "保存期满" if e.basis == "retention" else "依令删除"
    return f"{basis}：{e.reason}"


def _city(code: str) -> str:
    return f"{CITIES.get(code, code)}市"


TEMPLATES: dict[type, Template] = {
    # a unit's life
    un.UnitRegistered: lambda e, w, _: (
        f"{w}登记{_KINDS.get(e.kind, e.kind)}“{e.name}”（{e.credit_code}）"
    ),
    un.ParkMembersDeclared: lambda e, w, _: f"{w}申报园区内企业{len(e.members)}家",
    un.Cultivated: lambda e, w, _: (
        f"{w}将该单位纳入{e.year}年培育库" + ("（重点培育）" if e.priority else "")
    ),
    un.EvaluationSubmitted: lambda e, w, _: (
        f"{w}提交{e.year}年{_lv(e)}评价报告，得分{e.score:g}，结论{_ok(e.passed)}"
    ),
    un.MunicipallyListed: lambda e, w, _: f"{w}将“{e.name}”列入市级名单",
    un.Nominated: lambda e, w, _: f"{w}推荐该单位参加{e.year}年{_lv(e)}遴选",
    un.PreliminaryReviewed: lambda e, w, _: f"{w}完成{e.year}年{_lv(e)}材料初审：{_ok(e.passed)}",
    un.ExpertReviewed: lambda e, w, _: (
        f"{w}记录{e.year}年{_lv(e)}专家评审结论：{_ok(e.passed)}，得分{e.score:g}"
    ),
    un.SiteInspected: lambda e, w, _: f"{w}完成{e.year}年{_lv(e)}现场核查：{_ok(e.passed)}",
    un.PublicNoticeEntered: lambda e, w, _: (
        f"该单位列入{e.year}年{_lv(e)}拟入选名单公示，公示至{e.last_day}"
    ),
    un.ObjectionRaised: lambda e, w, _: f"{w}对该单位{e.year}年{_lv(e)}公示提出异议",
    un.ObjectionDecided: lambda e, w, _: f"{w}裁定对该单位的异议{'成立' if e.upheld else '不成立'}",
    un.Listed: lambda e, w, _: f"“{e.name}”列入{e.year}年{_lv(e)}名单（{e.listed_on}发布）",
    un.ListedFromRecord: lambda e, w, _: (
        f"{w}据{e.year}年{_lv(e)}名单记录（{e.source_file}第{e.source_row}行）补录"
        f"“{e.name}”列入{_lv(e)}名单（{e.listed_on}）"
    ),
    un.ListingWithheld: lambda e, w, _: f"该单位未列入{e.year}年{_lv(e)}名单",
    un.RecommendedToMiit: lambda e, w, _: f"{w}推荐该单位至工业和信息化部（{e.year}年国家级）",
    un.MiitOutcomeRecorded: lambda e, w, _: (
        f"{w}{'补录' if e.migrated else '登记'}工业和信息化部{e.published_on}发布结果"
        f"（{e.document_number}）：“{e.name}”{'列入' if e.listed else '未列入'}{e.year}年国家级名单"
    ),
    un.NegativeRecordAdded: lambda e, w, _: (
        f"{w}记录第十七条情形{e.ground}（发生于{e.occurred_on}，来源：{e.source}）"
    ),
    un.NegativeRecordEnded: lambda e, w, _: f"{w}记录负面情形于{e.ended_on}结束",
    un.DynamicFormSubmitted: lambda e, w, _: (
        f"{w}提交{e.year}年度{_lv(e)}动态管理表" + ("（逾期）" if e.late else "")
    ),
    un.DynamicFormOverdue: lambda e, w, _: f"该单位未按时提交{e.year}年度{_lv(e)}动态管理表",
    un.ChangeDeclared: lambda e, w, _: f"{w}申报{_CHANGES.get(e.change_kind, e.change_kind)}变更",
    un.ChangeRechecked: lambda e, w, _: (
        f"{w}复核变更：{_yes(e.confirmed)}，"
        + ("仍符合标准" if e.still_meets_standards else "不再符合标准")
    ),
    un.NameChanged: lambda e, w, _: f"单位名称由“{e.old_name}”变更为“{e.new_name}”",
    un.RemovalDecided: lambda e, w, _: f"{w}决定将该单位移出{_lv(e)}名单，于年度发布时生效",
    un.Removed: lambda e, w, _: (
        f"该单位自{e.effective_on}起{'立即' if e.immediate else ''}移出{_lv(e)}名单"
    ),
    un.ListingAdjusted: lambda e, w, _: f"{_lv(e)}名单中该单位名称调整为“{e.name}”",
    un.Rereviewed: lambda e, w, _: f"{w}完成{_lv(e)}名单五年复核：{_ok(e.passed)}",
    un.RereviewFellDue: lambda e, w, _: f"该单位{_lv(e)}名单五年复核于{e.due_on}到期",
    un.NegativeRecordLapsed: lambda e, w, _: (
        f"第十七条情形{e.ground}已满三年，自{e.lapsed_on}起不再计入"
    ),
    un.AccidentReported: lambda e, w, _: (
        f"{w}向省经信厅上报该单位{e.occurred_on}发生的{_ACCIDENTS.get(e.kind, e.kind)}"
        f"（{_GRADES.get(e.grade, e.grade)}）" + ("（未实时上报）" if e.reported_late else "")
    ),
    un.ReportedToMiitForRemoval: lambda e, w, _: f"{w}就重大事故报工信部将该单位移出国家级名单",
    un.ComplaintReceived: lambda e, w, _: "收到针对该单位的实名举报",
    un.ComplainedAgainst: lambda e, w, _: f"{w}受理针对该单位的实名举报，进行核实",
    un.ComplaintOutcomeRecorded: lambda e, w, _: (
        f"{w}核实针对该单位的举报：{_yes(e.confirmed)}（{_OUTCOMES.get(e.outcome, e.outcome)}）"
    ),
    # rounds
    ro.RoundOpened: lambda e, w, lb: f"{w}开启{lb}，各市名额合计{sum(e.quotas.values())}个",
    ro.QuotaSet: lambda e, w, lb: (
        f"{w}将{_city(e.city)}{lb}推荐名额设为{e.quota}个"
        + ("（按上年度入选率和培育体系测算）" if e.basis == "derived" else "（手工设定）")
        + ("" if e.basis_kept else "（记录依据之前设定）")
    ),
    ro.NominationAccepted: lambda e, w, lb: f"{lb}受理{_city(e.city)}推荐，计入名额",
    ro.ExpertPanelDrawn: lambda e, w, lb: (
        f"{w}为{lb}随机抽取{e.size}人专家组" + ("（重新抽取）" if e.exceptions else "")
    ),
    ro.SiteSampleDrawn: lambda e, w, lb: f"{w}抽取{lb}现场核查单位{len(e.sample)}家",
    ro.PublicNoticeOpened: lambda e, w, lb: (
        f"{w}公示{lb}拟入选名单{len(e.unit_ids)}家，{e.opened_on}至{e.last_day}"
    ),
    ro.NominationWindowClosed: lambda e, w, lb: (
        f"{lb}推荐截止，自{e.closed_on}起不再受理推荐（已受理{e.nominations}家）"
    ),
    ro.PublicNoticeClosed: lambda e, w, lb: (
        f"{lb}公示期满（至{e.last_day}），自{e.closed_on}起可发布"
    ),
    ro.PublicationCosigned: lambda e, w, lb: (
        f"{_DEPARTMENTS.get(e.department, e.department)}会签{lb}结果"
    ),
    ro.ExpertScoreRecorded: lambda e, w, lb: (
        f"{w}{e.expert_id}在{lb}中为该单位评分{e.score:g}"
        + ("" if e.previous_score is None else f"（更正原评分{e.previous_score:g}）")
    ),
    ro.OnSiteSupervisionRecorded: lambda e, w, lb: (
        f"{w}对{lb}{_ACTIVITIES.get(e.activity, e.activity)}进行现场监督"
    ),
    ro.MiitRecommendationSubmitted: lambda e, w, lb: (
        f"{w}于{e.recommended_on}向工业和信息化部推荐{lb}单位{len(e.unit_ids)}家"
    ),
    ro.AdjustmentOpinionsSubmitted: lambda e, w, lb: (
        f"{w}随{lb}推荐报送调整意见{len(e.opinions)}条"
    ),
    ro.Published: lambda e, w, lb: (
        f"{lb}结果于{e.published_on}联合发布：列入{len(e.listed)}家，"
        f"移出{len(e.removed)}家，名称调整{len(e.adjusted)}家"
    ),
    # agencies and their quota
    ag.AgencyRegistered: lambda e, w, _: f"{w}登记第三方评价机构“{e.name}”（{e.credit_code}）",
    ag.AgencyMisconductReported: lambda e, w, _: f"{w}上报第三方评价机构弄虚作假或故意隐瞒",
    ag.LegalRepresentativeChanged: lambda e, w, _: (
        f"{w}变更第三方评价机构法定代表人为{e.legal_representative}"
    ),
    ag.QuotaLedgerOpened: lambda e, w, _: (
        f"建立法定代表人{e.legal_representative}{e.year}年评价项目台账"
    ),
    ag.ProjectCounted: lambda e, w, _: f"{_lv(e)}评价项目计入法定代表人年度项目数",
    # real-name reports (A23): never the reporter, never the content
    co.ComplaintFiled: lambda e, w, _: (
        f"向{_city(e.city)}提交针对{_TARGETS.get(e.target_type, e.target_type)}的实名举报"
    ),
    co.ComplaintAccepted: lambda e, w, _: f"{w}受理举报，进行核实",
    co.ReporterIdentityRead: lambda e, w, _: f"{w}查阅举报人身份信息",
    co.ReporterDisclosed: lambda e, w, _: f"{w}说明理由后查阅举报人身份信息：{e.reason}",
    co.ReporterDataErased: lambda e, w, _: f"{w}删除举报人个人信息（{_erasure(e)}）",
    co.ComplaintVerified: lambda e, w, _: (
        f"{w}核实举报：{_yes(e.confirmed)}（{_OUTCOMES.get(e.outcome, e.outcome)}）"
    ),
    # objections filed during the notice (A16.1): never the objector, never the grounds
    ob.ObjectionFiled: lambda e, w, _: f"对{e.year}年{_lv(e)}公示名单中的该单位提出实名异议",
    ob.ObjectorIdentityRead: lambda e, w, _: f"{w}查阅异议人身份信息",
    ob.ObjectorDisclosed: lambda e, w, _: f"{w}说明理由后查阅异议人身份信息：{e.reason}",
    ob.ObjectorDataErased: lambda e, w, _: f"{w}删除异议人个人信息（{_erasure(e)}）",
    ob.ObjectionRegistered: lambda e, w, _: f"{w}登记异议，进行处理",
    ob.ObjectionHandled: lambda e, w, _: f"{w}处理异议：{'成立' if e.upheld else '不成立'}",
    ob.ObjectionDocketOpened: lambda e, w, _: f"建立{e.year}年{_lv(e)}公示期异议登记簿",
    ob.ObjectionDocketed: lambda e, w, _: "公示期异议列入登记簿",
    co.RectificationRequired: lambda e, w, _: f"{w}要求被举报单位于{e.due_on}前完成整改",
    co.RectificationOverdue: lambda e, w, _: f"整改期限{e.due_on}已过，整改结果尚未记录",
    co.RectificationChecked: lambda e, w, _: (
        f"{w}记录整改结果：{'已按要求整改' if e.rectified else '未按要求整改'}"
    ),
    # the expert pool, the adjustment queue, park memberships
    ex.ExpertPoolOpened: lambda e, w, _: f"{w}建立省绿色低碳专家库",
    ex.ExpertEnrolled: lambda e, w, _: f"{w}将专家{e.name}（{e.expert_id}）纳入专家库",
    ex.ExpertWithdrawn: lambda e, w, _: f"{w}将专家{e.expert_id}移出专家库",
    ad.AdjustmentQueueOpened: lambda e, w, _: "建立年度发布待生效调整队列",
    ad.RemovalQueued: lambda e, w, _: f"移出{_lv(e)}名单待年度发布时生效",
    ad.NameAdjustmentQueued: lambda e, w, _: f"{_lv(e)}名单名称调整为“{e.name}”待年度发布时生效",
    ad.QueueDrained: lambda e, w, _: "年度发布已执行全部待生效调整",
    me.MembershipIndexOpened: lambda e, w, _: f"企业{e.member_code}首次被园区申报为园区内企业",
    me.JoinedPark: lambda e, w, _: "该企业被申报为园区内企业",
    me.LeftPark: lambda e, w, _: "该企业不再被申报为园区内企业",
}


def summary(e: Any, who: str, label: str | None) -> str:
    """The line for an event; exceptions taken are always said (A14.2, A14.3, A15.2)."""
    template = TEMPLATES.get(type(e))
    line = template(e, who, label or "") if template else f"{who}：{type(e).__name__}"
    if e.exceptions:
        line += f"（例外：{'、'.join(e.exceptions)}，附书面说明）"
    return line
