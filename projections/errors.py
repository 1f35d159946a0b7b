"""Errors of the read side."""

from __future__ import annotations


class ProjectionsBehind(Exception):
    """Read-your-writes timed out: the read models had not reached the position in time."""

    codes: tuple[str, ...] = ()

    def __init__(self, position: int, names: list[str], timeout: float) -> None:
        self.position, self.names, self.timeout = position, names, timeout
        self.zh = f"读取模型在{timeout}秒内未同步到位置{position}：{', '.join(names)}"
        self.en = (
            f"read models {', '.join(names)} did not reach position {position} within "
            f"{timeout} s; retry shortly"
        )
        super().__init__(self.en)

    @property
    def messages(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}
