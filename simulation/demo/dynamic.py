"""The demo history after the 2025 publication (simulation.demo.history): what happens to listed
units (A17-A23), and the 2026 round, whose annual publication applies the removals and renames
decided meanwhile (A19.1-3, A20.3). Planned once the 2025 list is known."""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import partial
from typing import Any

from domain.values import UnitKind
from simulation import draws
from simulation.demo.acts import P, quotas
from simulation.demo.rounds import DemoRounds
from simulation.scenarios import PROVINCE_ACTOR, SYSTEM_ACTOR, city_actor

DISCLOSURE = "核实举报需电话联系举报人了解排放时段"
"""Why the handling city opens the reporter's identity (A23.1, issue 14)."""
ERASURE = "举报经核实不属实，处理完毕，依举报人申请删除其个人信息"
"""Why the city orders the unfounded report's personal data erased (issue 14)."""

TEXTS = (
    "股份制改造后更名",
    "主体产线搬迁改造，停产约八个月",
    "评价报告能耗数据与企业台账不一致",
    "报告数据失实，已报省经信厅",
    "夜间偷排未经处理的废水，附照片与监测报告",
    "经现场核查与执法监测，举报属实",
    "厂区噪声扰民",
    "监测结果达标，举报不属实",
    "环境违法行为受到行政处罚（信用中国公示）",
    "危废贮存场所标识不全",
    "属实，已责令限期整改",
    "集团化更名",
)
"""What the acts after the 2025 publication say, in the order `after_2025` uses them."""


class DemoDynamic(DemoRounds):
    """Dynamic management of the 2025 list, and the 2026 round."""

    def city_of(self, code: str) -> str:
        return code[2:6] + "00"

    def new_name(self, code: str, group: bool = False) -> str:
        name = self.cast.by_code(code).name
        return name.replace("有限公司", "集团有限公司") if group else "浙江" + name[2:]

    def accident(self, code: str, occurred_on: date) -> None:
        """A19.4: a grade II (重大) accident reported by the city (off the municipal list at
        once), then the province takes the unit off the provincial list."""
        city = city_actor(self.city_of(code))
        receipt = self.app.report_accident(city, code, "safety", "II", occurred_on, draws.ACCIDENT)
        if receipt.details["awaiting_province"]:
            accident_id = receipt.details["accident_id"]
            self.app.remove_after_accident(PROVINCE_ACTOR, code, accident_id)

    def rectified(self, code: str, city: str) -> None:
        """A23.2: the city records that the unit rectified as the confirmed report asked."""
        complaint = self.complaints[code]
        self.app.record_rectification(city_actor(city), complaint, True, "已按要求完成整改")

    def after_2025(self) -> None:
        """Renames, a failed re-check, reports, negative records, an accident, yearly forms."""
        listed = self.out.listed[2025]
        free = {f.code for f in self.free}
        factories = [c for c in listed if self.cast.by_code(c).kind is UnitKind.FACTORY]
        showcase = self.showcase.code
        grounds = [c for c in factories if c in free and c != showcase]
        self.rng.shuffle(grounds)
        scope, negative, accident, *overdue = grounds[:5]
        others = [c for c in factories if c not in (showcase, *grounds[:5])]
        self.rng.shuffle(others)
        late, rename, unfounded, rectify = others[:2], others[2], others[3], others[4]
        self.out.showcase, self.out.accident = showcase, accident
        self.out.late_forms, self.out.overdue_forms = sorted(late), sorted(overdue)
        self.grounded |= {showcase, scope, negative, accident, *overdue}
        agency, hz, city = self.cast.agencies[1][0], "330100", self.city_of
        t = TEXTS
        plan: list[tuple[Any, ...]] = [
            (date(2025, 10, 13), self.declare, showcase, "name", t[0], self.new_name(showcase)),
            (date(2025, 10, 27), self.recheck, showcase),
            (date(2025, 11, 5), self.declare, scope, "scope", t[1]),
            (date(2025, 11, 19), self.recheck, scope, False),
            (date(2025, 11, 10), self.complain, agency, t[2], hz),
            (date(2025, 11, 12), self.accept, agency, hz),
            (date(2025, 12, 1), self.verify, agency, hz, True, "agency_misconduct", t[3]),
            (date(2025, 11, 24), self.accident, accident, date(2025, 11, 22)),
            (date(2025, 12, 2), self.complain, showcase, t[4]),
            (date(2025, 12, 4), self.accept, showcase, city(showcase)),
            (date(2025, 12, 5), self.disclose, showcase, city(showcase), DISCLOSURE),
            (date(2026, 1, 8), self.verify, showcase, city(showcase), True, "removal", t[5]),
            (date(2025, 12, 15), self.complain, unfounded, t[6]),
            (date(2025, 12, 17), self.accept, unfounded, city(unfounded)),
            (date(2026, 1, 20), self.verify, unfounded, city(unfounded), False, "unfounded", t[7]),
            (date(2026, 1, 26), self.erase, unfounded, city(unfounded), ERASURE),
            (date(2026, 1, 12), self.ground, negative, "A17.2", date(2025, 12, 20), t[8]),
            (date(2026, 2, 10), self.complain, rectify, t[9]),
            (date(2026, 2, 12), self.accept, rectify, city(rectify)),
            (date(2026, 3, 5), self.verify, rectify, city(rectify), True, "rectification", t[10]),
            (date(2026, 5, 28), self.rectified, rectify, city(rectify)),
            (date(2026, 2, 24), self.declare, rename, "name", t[11], self.new_name(rename, True)),
            (date(2026, 3, 9), self.recheck, rename),
            (date(2026, 4, 7), self.send_opinions, {showcase: "rename", scope: "removal"}),
            (date(2026, 4, 7), self.send_opinions, {rename: "rename"}),
            (date(2026, 4, 20), self.form, late[0], 2025),
            (date(2026, 5, 8), self.form, late[1], 2025),
        ]
        parks = [c for c in listed if self.cast.by_code(c).kind is UnitKind.PARK]
        if parks:  # an enterprise inside a listed park: the park goes too (A17, A19.1)
            member = self.cast.by_code(parks[0]).members[0]
            self.grounded.add(member)
            debtor = "被人民法院列为失信被执行人"
            plan.append((date(2026, 2, 3), self.ground, member, "A17.6", date(2026, 1, 20), debtor))
            plan.append((date(2026, 5, 20), self.end_ground, member, date(2026, 5, 15)))
        for day, act, *args in plan:
            self.agenda.on(day, partial(act, *args))
        owing = [c for c in listed if c not in (accident, *late, *overdue)]
        form = partial(self.form, year=2025)
        self.agenda.spread(owing, date(2026, 2, 16), date(2026, 4, 14), form)
        for code in overdue:  # the scheduler's job the day after the deadline (A18, A19.2)
            mark = partial(self.app.mark_form_overdue, SYSTEM_ACTOR, code, P, 2025)
            self.agenda.on(date(2026, 4, 16), mark, hour=9)
        self.plan_2026()

    def plan_2026(self) -> None:
        """Those not listed in 2025 try again, with the late joiners, more factories, parks and
        supply chains; one fails its preliminary review."""
        a, listed, base = self.agenda, set(self.out.listed[2025]), quotas(6)
        inputs = self.quota_inputs(2026, base, list(self.cast.units))
        limits = self.derived(inputs)
        tried = {u.code for u in self.nominees[2025]}
        again = [u for u in self.nominees[2025] if u.code not in listed]
        skip = {self.abnormal.code, *self.grounded, *tried, *(u.code for u in self.late)}
        fresh = [u for u in self.cast.factories if u.code not in skip]
        parks = [u for u in self.cast.parks if u.code not in tried]
        chains = [u for u in self.cast.supply_chains if u.code not in tried]
        self.rng.shuffle(fresh)
        nominees = [*again, *self.late]
        taken = Counter(u.city for u in nominees)
        short = [c for c in taken if taken[c] > limits[c]]
        assert not short, f"A13.2: the derived quotas leave no room for {short}"
        first_fresh = len(nominees)
        for pool, n in ((fresh, 6), (parks, 3), (chains, 3)):
            nominees += self.pick(pool, n, limits, taken)
        self.nominees[2026] = nominees
        self.fail[2026] = {"preliminary": nominees[first_fresh]}
        a.spread(nominees, date(2026, 1, 5), date(2026, 1, 16), partial(self.cultivate, year=2026))
        a.spread(nominees, date(2026, 1, 19), date(2026, 2, 13), self.provincial_report)
        a.on(date(2026, 3, 2), partial(self.app.open_round, PROVINCE_ACTOR, P, 2026, base))
        a.on(date(2026, 3, 2), partial(self.set_quotas, 2026, inputs, {}), hour=15)
        a.spread(nominees, date(2026, 3, 16), date(2026, 4, 3), partial(self.nominate, 2026))
        self.plan_round(2026, date(2026, 4, 8), sample=3)

    def after_2026(self) -> None:
        """Life goes on: a change declared and a report filed after the 2026 publication."""
        fresh = [c for c in self.out.listed[2026] if c[:2] == "91"]
        if len(fresh) >= 2:
            moved = partial(self.declare, fresh[0], "address", "新增湖州生产基地")
            self.agenda.on(date(2026, 6, 29), moved)
            self.agenda.on(date(2026, 6, 29), partial(self.complain, fresh[1], "厂界异味"), 15)
