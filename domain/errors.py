"""The domain's errors. A refusal always names the rule codes it applied and says why in
Chinese and in English (rules.md: codes are a public contract)."""

from __future__ import annotations

from typing import Any


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


class Erased(GreenlistError):
    """The personal data asked for was erased (its data key destroyed, domain.custody): it can
    never be read again; what was recorded of the erasure (when, by whom, why) is. 410 Gone."""


class VersionMismatch(GreenlistError):
    """The caller's expected version (HTTP If-Match) is not the current one; nothing recorded."""


class ConcurrentUpdate(GreenlistError):
    """Another act changed the same aggregate first; nothing of this act was recorded."""


class AlreadyExists(GreenlistError):
    """An aggregate with this natural key (a credit code, a round) is already recorded."""


class OutOfRange(GreenlistError):
    """A value the domain cannot compute with: an instant that overflows when converted to UTC
    (issue 9 item 7). Nothing was recorded. (A value an event cannot carry, such as a
    non-finite number, is a `RuleViolation` of the act's rules: checks.check_storable.)"""


class UndecodableEvent(GreenlistError):
    """A stored event (or snapshot) of an aggregate cannot be turned back into a domain event
    or applied: its topic names no event class, its state is not the JSON object its class
    needs, or applying it fails. The log is never edited, so every read of that aggregate
    fails with this error, naming the aggregate, the version and, read from the log, the
    position, until the code learns to read it (a topic alias or an upcaster,
    eventsourcing-notes.md); other aggregates are unaffected."""

    def __init__(
        self, aggregate_id: object, version: int, reason: str, position: int | None = None
    ) -> None:
        self.aggregate_id, self.version, self.position = str(aggregate_id), version, position
        self.reason = reason
        at = position is not None
        super().__init__(
            zh=f"无法解读聚合{aggregate_id}第{version}版的已存事件"
            + (f"（日志位置{position}）" if at else "")
            + f"：{reason}",
            en=f"the stored event of aggregate {aggregate_id} version {version}"
            + (f" at log position {position}" if at else "")
            + f" cannot be decoded: {reason}",
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by its arguments: a rebuild's other processes raise it in this one."""
        return type(self), (self.aggregate_id, self.version, self.reason, self.position)
