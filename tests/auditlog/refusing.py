"""What the proof tests share."""

from __future__ import annotations

from auditlog.offline import ProofError


def refused(check: object, *args: object) -> bool:
    """Whether `check(*args)` refuses with ProofError (and nothing else)."""
    try:
        check(*args)  # type: ignore[operator]
    except ProofError:
        return True
    return False
