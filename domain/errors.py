"""The domain's errors. A refusal always names the rule codes it applied and says why in
Chinese and in English (rules.md: codes are a public contract)."""

from __future__ import annotations


class GreenlistError(Exception):
    """Base of every error the domain raises on purpose."""

    codes: tuple[str, ...] = ()

    def __init__(self, zh: str, en: str, codes: tuple[str, ...] = ()) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.codes = codes

    @property
    def messages(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


class RuleViolation(GreenlistError):
    """A command refused by one or more rules; nothing was recorded."""

    def __init__(self, codes: str | tuple[str, ...], zh: str, en: str) -> None:
        super().__init__(zh, en, (codes,) if isinstance(codes, str) else tuple(codes))

    def __str__(self) -> str:
        return f"[{', '.join(self.codes)}] {self.en} / {self.zh}"


class JustificationRequired(RuleViolation):
    """An "in principle" rule (A14.2, A14.3) is not met: the act needs a written justification."""


class OutOfJurisdiction(RuleViolation):
    """The actor may not act on this unit or this kind of act (ID.3 and the role table)."""


class NotFound(GreenlistError):
    """The unit, round, agency or complaint does not exist."""


class VersionMismatch(GreenlistError):
    """The caller's expected version (HTTP If-Match) is not the current one; nothing recorded."""


class ConcurrentUpdate(GreenlistError):
    """Another act changed the same aggregate first; nothing of this act was recorded."""


class AlreadyExists(GreenlistError):
    """An aggregate with this natural key (a credit code, a round) is already recorded."""


class OutOfRange(GreenlistError):
    """A value the domain cannot represent or compute with: an instant that overflows when
    converted to UTC, a number that is not finite (issue 9 item 7). Nothing was recorded."""
