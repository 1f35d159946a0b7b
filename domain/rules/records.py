"""Historical lists back-entered from their published record (issue 15 item 1): which rows of a
record file may put a unit on a list as an act of its own ("listed from the record of <year>").

A row names a unit as the published lists do (统一社会信用代码, 企业名称, 所在地市, 类别 and, for a
park, its industrial value-added share). Before anything is recorded each row is checked as
registering and listing the unit would be: a valid credit code (ID.1), registered in one of
Zhejiang's eleven cities, the one the row names (ID.2, A9.1), a kind of unit the rules know and,
for a factory or supply-chain company, an enterprise (A9.1, A10.1, A11.1), a park's value added
more than 50 % (A10.1), MIIT's document number on a national record (A16.3), each unit once per
file and not already on (or being selected for) that list (A13.1, A16.2, A16.3 by level). The
record's own selection is not judged again: its year's decision was taken under the rules then
in force (A29), which the event names through its world date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.errors import RuleViolation
from domain.rules import eligibility, identity, miit
from domain.rules.levels import LEVEL_ZH
from domain.rules.stages import IN_SELECTION, Stage
from domain.values import CITIES, Level, UnitKind

LISTING_RULE = {Level.MUNICIPAL: "A13.1", Level.PROVINCIAL: "A16.2", Level.NATIONAL: "A16.3"}
"""The article that puts a unit on each level's list: the city's own selection (A13.1), the
joint publication (A16.2), MIIT's outcome (A16.3). A record of that list applies it."""

KIND_RULES = ("A9.1", "A10.1", "A11.1")
"""The articles that say what a factory, a park and a supply-chain company are."""

KINDS = {
    "factory": UnitKind.FACTORY,
    "绿色工厂": UnitKind.FACTORY,
    "绿色低碳工厂": UnitKind.FACTORY,
    "绿色（低碳）工厂": UnitKind.FACTORY,
    "park": UnitKind.PARK,
    "绿色工业园区": UnitKind.PARK,
    "绿色低碳工业园区": UnitKind.PARK,
    "绿色（低碳）工业园区": UnitKind.PARK,
    "supply_chain": UnitKind.SUPPLY_CHAIN,
    "绿色供应链管理企业": UnitKind.SUPPLY_CHAIN,
}
"""How the published lists (and our own exports) name each kind of unit (第二条)."""

CITY_NAMES = {
    **{code: code for code in CITIES},
    **{name: code for code, name in CITIES.items()},
    **{f"{name}市": code for code, name in CITIES.items()},
}
"""A city as a record names it: its code (330100), or its name with or without 市."""


@dataclass(frozen=True)
class RecordRow:
    """One row of a record file, its cells as text; `number` is the row a spreadsheet shows
    (the header is row 1)."""

    number: int
    credit_code: str
    name: str
    city: str = ""
    kind: str = ""
    value_added_share: str = ""
    document_number: str = ""


@dataclass(frozen=True)
class Listing:
    """A row that passed the row rules: the unit and how the record lists it."""

    row: int
    credit_code: str
    name: str
    city: str
    kind: UnitKind
    value_added_share: float | None
    document_number: str


@dataclass(frozen=True)
class HistoricalRecord:
    """A published list's record file: its SHA-256, name, level and year, the date it listed
    its units (`listed_on`), its document number if it has one, the city whose list it is (a
    municipal record) and its rows."""

    sha256: str
    file_name: str
    level: Level
    year: int
    listed_on: date
    rows: tuple[RecordRow, ...]
    city: str | None = None
    document_number: str = ""
    rules: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", ("ID.1", "ID.2", LISTING_RULE[self.level]))

    def key(self, row: int) -> str:
        """What a unit keeps of the row it was listed from: the list's level, the file's hash
        and the row (the same file imported as another level's record lists anew)."""
        return f"{self.level.value}:{self.sha256}:{row}"

    @property
    def label(self) -> tuple[str, str]:
        """The record in words (zh, en)."""
        lv = LEVEL_ZH[self.level.value]
        return f"{self.year}年{lv}名单记录", f"the {self.level.value} list of {self.year} on record"


def check_kind(text: str) -> UnitKind:
    """A9.1 / A10.1 / A11.1: a factory, a park or a supply-chain company, as the lists say."""
    kind = KINDS.get(text.strip().lower()) or KINDS.get(text.strip())
    if kind is None:
        raise RuleViolation(
            KIND_RULES,
            zh=f"类别“{text}”不是绿色工厂、绿色工业园区或绿色供应链管理企业",
            en=f"kind {text!r} is not a factory, a park or a supply-chain company",
        )
    return kind


def check_id2_named_city(text: str, code_city: str, record_city: str | None) -> str:
    """ID.2: the city a row names is one of the eleven, the one of the unit's registering
    division, and (for a city's record) that city. Returns the city's code."""
    named = text.strip()
    city = CITY_NAMES.get(named) if named else code_city
    if city is None:
        raise RuleViolation(
            "ID.2",
            zh=f"所在地市“{named}”不是浙江省的设区市",
            en=f"city {named!r} is not one of Zhejiang's eleven cities",
        )
    if city != code_city:
        raise RuleViolation(
            "ID.2",
            zh=f"所在地市{CITIES[city]}与信用代码的登记地{CITIES[code_city]}不符",
            en=f"the row's city {city} is not the code's registering city {code_city}",
        )
    if record_city is not None and city != record_city:
        raise RuleViolation(
            "ID.2",
            zh=f"该单位属{CITIES[city]}，不在{CITIES.get(record_city, record_city)}的名单记录中",
            en=f"the unit is of city {city}, not of the record's city {record_city}",
        )
    return city


def check_a10_1_share_given(kind: UnitKind, text: str) -> float | None:
    """A10.1: a park's record states its industrial value-added share, more than 50 %."""
    if kind is not UnitKind.PARK:
        return None
    figure = text.strip().rstrip("%").strip()
    try:
        share = float(figure)
    except ValueError:
        given = f"“{text.strip()}”不是数值" if text.strip() else "未填写"
        raise RuleViolation(
            "A10.1",
            zh=f"园区记录须写明工业增加值占比（{given}）",
            en=f"a park's record states its industrial value-added share ({text.strip() or 'none'}"
            f"{' is no number' if text.strip() else ' given'})",
        ) from None
    eligibility.check_a10_1_value_added(share)
    return share


def check_row(row: RecordRow, record: HistoricalRecord) -> Listing:
    """Every rule a row can be judged on by itself, in the order a reader checks them."""
    code = identity.check_id1_credit_code(row.credit_code.strip().upper())
    name = identity.check_id1_name(row.name)
    code_city = identity.check_id2_city(code)
    city = check_id2_named_city(row.city, code_city, record.city)
    kind = check_kind(row.kind)
    eligibility.check_a9_1_registration_type(kind, code)
    share = check_a10_1_share_given(kind, row.value_added_share)
    number = row.document_number.strip() or record.document_number.strip()
    if record.level is Level.NATIONAL:
        number = miit.check_a16_3_document_number(number)
    return Listing(row.number, code, name, city, kind, share, number)


def check_once_in_file(level: Level, code: str, row: int, first: int | None) -> None:
    """A13.1 / A16.2 / A16.3: a list names a unit once; a second row of it is refused."""
    if first is not None:
        raise RuleViolation(
            LISTING_RULE[level],
            zh=f"信用代码{code}已见于第{first}行，名单中同一单位只能列入一次",
            en=f"credit code {code} already appears in row {first}: a list names a unit once",
        )


def check_not_on_list(level: Level, stage: Stage | None, listed_on: date | None) -> None:
    """A13.1 / A16.2 / A16.3: a unit already on the list of that level, or in its selection
    now, is not listed again from a record (its listing stands as recorded)."""
    lv = LEVEL_ZH[level.value]
    if stage is Stage.LISTED:
        raise RuleViolation(
            LISTING_RULE[level],
            zh=f"该单位已在{lv}名单中（{listed_on}列入）",
            en=f"the unit is already on the {level.value} list (listed on {listed_on})",
        )
    if stage in IN_SELECTION:
        raise RuleViolation(
            LISTING_RULE[level],
            zh=f"该单位正在参加{lv}遴选（{stage.value}），不能据记录列入",
            en=f"the unit is in a {level.value} selection now ({stage.value})",
        )


def check_same_kind(registered: UnitKind, recorded: UnitKind) -> None:
    """A9.1 / A10.1 / A11.1: a registered unit keeps its kind; a record naming it otherwise
    is refused."""
    if registered is not recorded:
        raise RuleViolation(
            eligibility.ELIGIBILITY_RULE[recorded],
            zh=f"该单位登记为{registered.value}，记录中为{recorded.value}",
            en=f"the unit is registered as a {registered.value}, the record says {recorded.value}",
        )
