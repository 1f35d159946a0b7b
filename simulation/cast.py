"""Who is in the demo history (simulation.demo.history): the eleven cities' factories, parks with
the enterprises inside them, supply-chain lead companies, third-party agencies (two of them
under one legal representative, A22.3) and the expert pool (A15.2). Generated from a seed: the
same seed gives the same names and credit codes (valid GB 32100-2015 check characters, ID.1,
registered in the unit's city, ID.2)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from domain.values import CITIES, UnitKind
from simulation.scenarios import credit_code

FACTORIES_PER_CITY = {
    "330100": 9,
    "330200": 8,
    "330300": 6,
    "330400": 6,
    "330500": 5,
    "330600": 6,
    "330700": 5,
    "330800": 3,
    "330900": 3,
    "331000": 6,
    "331100": 3,
}
"""60 factories, more where there is more industry."""

BRANDS = [
    "绿源",
    "青山",
    "恒盛",
    "华越",
    "东海",
    "钱塘",
    "之江",
    "天晟",
    "瓯江",
    "鼎力",
    "金盛",
    "新安",
    "明泰",
    "嘉禾",
    "瑞丰",
    "宏达",
    "富春",
    "南湖",
    "越秀",
    "海诚",
    "森宇",
    "晨光",
    "中恒",
    "聚能",
    "凯达",
    "星河",
    "远航",
    "春晖",
    "万向",
    "安吉",
]
INDUSTRIES = [
    "新材料",
    "精密机械",
    "纺织",
    "电子科技",
    "汽车零部件",
    "化纤",
    "食品",
    "医药",
    "光伏科技",
    "环保设备",
    "智能装备",
    "印染",
    "五金制品",
    "家居",
    "电气",
    "阀门",
    "轴承",
    "包装",
]
PARKS = {
    "330100": "杭州钱塘新区绿色低碳产业园",
    "330200": "宁波石化经济技术开发区",
    "330300": "温州瓯江口产业集聚区",
    "330400": "嘉兴港区化工新材料园区",
    "330500": "湖州莫干山高新技术产业开发区",
    "330600": "绍兴滨海新区",
    "330700": "金华经济技术开发区",
    "331000": "台州湾新区",
}
AGENCIES = (
    ("330100", "浙江省绿色低碳评价中心有限公司", "王建国"),
    ("330100", "杭州中绿认证技术服务有限公司", "王建国"),
    ("330200", "宁波华标检测评价有限公司", "李敏"),
    ("330600", "浙江碳衡咨询有限公司", "陈晓东"),
    ("330300", "温州环科技术服务有限公司", "周丽华"),
)
"""The first two share a legal representative: together at most 10 provincial projects a year."""
EXPERTS = [
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄丽",
    "周涛",
    "吴敏",
    "徐刚",
    "孙倩",
    "胡斌",
    "朱琳",
]
SUPPLY_CHAIN_CITIES = ("330100", "330200", "330300", "330400", "330600", "330700", "331000")


@dataclass(frozen=True)
class Member:
    """One unit of the cast."""

    code: str
    kind: UnitKind
    name: str
    city: str
    members: tuple[str, ...] = ()


@dataclass
class Cast:
    factories: list[Member] = field(default_factory=list)
    parks: list[Member] = field(default_factory=list)
    supply_chains: list[Member] = field(default_factory=list)
    agencies: list[tuple[str, str, str]] = field(default_factory=list)
    """(credit code, name, legal representative)"""
    experts: list[tuple[str, str, str]] = field(default_factory=list)
    """(expert id, name, employer's credit code)"""

    @property
    def units(self) -> list[Member]:
        return [*self.factories, *self.parks, *self.supply_chains]

    def by_code(self, code: str) -> Member:
        return next(u for u in self.units if u.code == code)


def cast(rng: random.Random) -> Cast:
    """The whole cast, drawn from `rng`."""
    names: set[str] = set()

    def company(city: str, suffix: str, words: tuple[str, ...] | list[str]) -> str:
        while True:
            name = f"{CITIES[city]}{rng.choice(BRANDS)}{rng.choice(words)}{suffix}"
            if name not in names:
                names.add(name)
                return name

    result = Cast()
    serial = 2000
    for city, count in FACTORIES_PER_CITY.items():
        for _ in range(count):
            serial += rng.randint(1, 9)
            code = credit_code(serial, city)
            name = company(city, "有限公司", INDUSTRIES)
            result.factories.append(Member(code, UnitKind.FACTORY, name, city))
    for i, (city, name) in enumerate(PARKS.items()):
        local = [f.code for f in result.factories if f.city == city]
        inside = tuple(sorted(rng.sample(local, 3)))
        code = credit_code(3100 + i * 7, city, prefix="11")  # the park's management committee
        result.parks.append(Member(code, UnitKind.PARK, name, city, inside))
    for i in range(8):
        city = SUPPLY_CHAIN_CITIES[i % len(SUPPLY_CHAIN_CITIES)]
        code = credit_code(3500 + i * 11, city)
        name = company(city, "集团股份有限公司", ["控股", "实业", "科技", "智造"])
        result.supply_chains.append(Member(code, UnitKind.SUPPLY_CHAIN, name, city))
    for i, (city, name, representative) in enumerate(AGENCIES):
        result.agencies.append((credit_code(3800 + i * 13, city), name, representative))
    employers = [credit_code(3900 + i, "330100", prefix="12") for i in range(4)]  # universities
    employers += [code for code, _, _ in result.agencies[:3]]
    for i, name in enumerate(EXPERTS):
        result.experts.append((f"ZJ-EXP-{i + 1:03d}", name, employers[i % len(employers)]))
    return result
