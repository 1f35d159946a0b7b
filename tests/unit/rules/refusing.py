"""Asserting a check's refusal: the code is named, with a message in Chinese and English."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from domain.errors import RuleViolation


@contextmanager
def refused(
    code: str, error: type[RuleViolation] = RuleViolation
) -> Iterator[pytest.ExceptionInfo[RuleViolation]]:
    """The check refuses, naming `code`, with a message in Chinese and English. Yields the
    `ExceptionInfo`, filled once the block is left."""
    with pytest.raises(error) as info:
        yield info
    assert code in info.value.codes, info.value
    assert info.value.zh.strip() and info.value.en.strip()
