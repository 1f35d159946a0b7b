"""The rule book and the code: every code of rules.md is in the catalogue, every public function
of `domain.rules` cites the codes it decides, and every code whose effect is to refuse has a
check that decides it and a scenario (a service-level test) that sees the refusal."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from domain.rules import (
    RULES,
    RULESET_VERSION,
    agencies,
    calendar,
    dynamic,
    eligibility,
    exclusions,
    identity,
    levels,
    miit,
    provenance,
    publication,
    review,
    ruleset_on,
    selection,
    stages,
)
from domain.rules.book import book_rows, book_text, rule_book
from domain.rules.catalogue import PRIOR_RULESET, Effect

ROOT = Path(__file__).parents[3]
RULE_BOOK = ROOT.parent / "shared/spec/rules.md"
"""The project's spec, beside the repository when it is checked out with it (not in a clone)."""
PACKAGED = ROOT / "domain/rules/rules.md"
"""The rule book shipped in the package (domain.rules.book, GET /api/v1/rules)."""
FAMILIES: tuple[ModuleType, ...] = (
    identity,
    eligibility,
    selection,
    stages,
    review,
    publication,
    miit,
    exclusions,
    dynamic,
    agencies,
    calendar,
    levels,
    provenance,
)
"""The modules of domain.rules that decide (all but the catalogue and the outer layers' index)."""
SCENARIOS = (ROOT / "tests/application", ROOT / "tests/api")
"""Where the scenarios are: acts on the service (and through the HTTP API), on real stores."""
NOT_OF_AN_ARTICLE = {"unstorable", "check_storable"}
"""provenance: values no store keeps are refused under whichever rules the act applies (issue 9
item 7): a condition of recording anything, of no article of its own."""
CODE = re.compile(r"\b(?:ID\.\d|A\d+(?:\.\d+)?)(?![.\d])")
REFUSING = {"refused", "refused_as_future", "raises"}
"""The names under which a scenario asserts that an act is refused."""


def cited(text: str) -> set[str]:
    """The rule codes a text names, a range such as "A17.1-6" or "A15.1-A15.3" included."""
    codes = set(CODE.findall(text))
    for article, first, last in re.findall(r"\bA(\d+)\.(\d+)-(?:A\1\.)?(\d+)\b", text):
        codes |= {f"A{article}.{n}" for n in range(int(first), int(last) + 1)}
    return codes & set(RULES)


def public_functions(module: ModuleType) -> Iterator[tuple[str, object]]:
    for name, value in vars(module).items():
        own = inspect.isfunction(value) and value.__module__ == module.__name__
        if own and not name.startswith("_"):
            yield name, value


def checks_of(code: str) -> list[str]:
    """The check functions (`check_...`) whose docstring names `code`."""
    return [
        f"{module.__name__}.{name}"
        for module in FAMILIES
        for name, function in public_functions(module)
        if name.startswith("check_") and code in cited(inspect.getdoc(function) or "")
    ]


def scenarios_of(code: str) -> list[str]:
    """The scenario tests that assert an act is refused naming `code`: as an argument of the
    refusal (`refused(app, "A14.1", ...)`, `refused(response, 422, ["A17.1"])`) or as a value
    of the parameter passed to it (`@pytest.mark.parametrize("ground", ["A17.1", ...])`)."""
    found = []
    for folder in SCENARIOS:
        for path in sorted(folder.glob("test_*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                test = isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
                if test and code in refused_codes(node):
                    found.append(f"{path.relative_to(ROOT)}::{node.name}")
    return found


def refused_codes(test: ast.FunctionDef) -> set[str]:
    """The codes a test's refusals name, literally or through its parameters."""
    parameters = parametrized(test)
    codes: set[str] = set()
    for call in (n for n in ast.walk(test) if isinstance(n, ast.Call)):
        name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
        if name not in REFUSING:
            continue
        for argument in (*call.args, *(k.value for k in call.keywords)):
            if isinstance(argument, ast.Name):
                codes |= parameters.get(argument.id, set())
            codes |= strings(argument)
    return codes


def parametrized(test: ast.FunctionDef) -> dict[str, set[str]]:
    """The string values each parameter of `@pytest.mark.parametrize` takes."""
    values: dict[str, set[str]] = {}
    for decorator in test.decorator_list:
        if not (isinstance(decorator, ast.Call) and len(decorator.args) >= 2):
            continue
        if getattr(decorator.func, "attr", "") != "parametrize":
            continue
        names = ast.literal_eval(decorator.args[0])
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        rows = decorator.args[1]
        for row in rows.elts if isinstance(rows, ast.List | ast.Tuple) else ():
            cells = row.elts if len(names) > 1 and isinstance(row, ast.Tuple) else [row]
            for name, cell in zip(names, cells, strict=False):
                values.setdefault(name, set()).update(strings(cell))
    return values


def strings(node: ast.AST) -> set[str]:
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


# --- the catalogue ------------------------------------------------------------------------------


def test_the_catalogue_holds_exactly_the_codes_of_the_packaged_rule_book() -> None:
    """Runs in a plain clone: the rule book the package ships is the one compared."""
    rows = re.findall(r"^\| ((?:ID|A)[0-9.]+) \|", PACKAGED.read_text(), flags=re.MULTILINE)
    assert set(rows) == set(RULES) == set(book_rows(book_text()))
    assert len(RULES) == 46
    for code, rule in RULES.items():
        assert rule.code == code
        assert rule.zh.strip() and rule.en.strip() and rule.article.strip(), code
    for entry in rule_book():
        assert entry.text, entry.rule.code


def test_the_packaged_rule_book_is_the_specs_own() -> None:
    """Where the project's spec is checked out beside the repository, the packaged copy is
    that file as it is: a change to the contract is a change to both."""
    if not RULE_BOOK.exists():
        pytest.skip(f"the spec is not beside this clone ({RULE_BOOK}); the packaged copy stands")
    assert PACKAGED.read_text(encoding="utf-8") == RULE_BOOK.read_text(encoding="utf-8")


def test_the_ruleset_changes_on_26_june_2024() -> None:
    assert ruleset_on(date(2024, 6, 25)) == PRIOR_RULESET != RULESET_VERSION
    assert ruleset_on(date(2024, 6, 26)) == RULESET_VERSION


# --- from a code to the check and the scenario ---------------------------------------------------


@pytest.mark.parametrize("module", FAMILIES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_public_function_of_the_rules_cites_the_codes_it_decides(module: ModuleType) -> None:
    uncited = [
        name
        for name, f in public_functions(module)
        if not cited(inspect.getdoc(f) or "") and name not in NOT_OF_AN_ARTICLE
    ]
    assert uncited == []


REFUSING_CODES = sorted(code for code, rule in RULES.items() if rule.effect is Effect.REFUSE)


def test_the_refusing_codes_are_those_of_the_rule_book() -> None:
    expected = ["ID.1", "ID.2", "A9.1", "A9.2", "A10.1", "A10.2", "A10.3", "A11.1", "A11.2"]
    expected += ["A11.3", "A13.2", "A14.1", "A16.1", "A22.3", "A23.1"]
    assert sorted([*expected, *(f"A17.{n}" for n in range(1, 7))]) == REFUSING_CODES


@pytest.mark.parametrize("code", REFUSING_CODES)
def test_every_refusing_code_has_a_check_and_a_scenario(code: str) -> None:
    assert checks_of(code), f"no check function of domain.rules cites {code}"
    assert scenarios_of(code), f"no scenario in tests/application or tests/api refuses {code}"
