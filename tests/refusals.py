"""Asserting a refusal: the rule code is named, both messages are given, nothing is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from domain.errors import RuleViolation
from domain.service import Greenlist
from simulation import scenarios as s


@contextmanager
def refused(
    app: Greenlist, rule: str, *units: str
) -> Iterator[pytest.ExceptionInfo[RuleViolation]]:
    """The block must raise `RuleViolation` naming `rule`, with a Chinese and an English
    message, leave every given unit at its version and the store without a new event. Yields
    the `ExceptionInfo`, filled once the block is left."""
    before = s.log_size(app)
    versions = {code: app.get_unit(code).version for code in units}
    with pytest.raises(RuleViolation) as caught:
        yield caught
    assert rule in caught.value.codes, caught.value
    assert caught.value.zh.strip() and caught.value.en.strip()
    assert s.log_size(app) == before
    assert {code: app.get_unit(code).version for code in units} == versions
