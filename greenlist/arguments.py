"""What the command line accepts: argparse whose errors are one line, and its value types."""

from __future__ import annotations

import argparse
from datetime import date
from typing import NoReturn


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (issue 13 item 6): what is wrong and where to
    look, exit 2, never a traceback nor a screen of usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def day(text: str) -> date:
    """A calendar date on the command line (YYYY-MM-DD), or a one-line error naming it."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date (YYYY-MM-DD): {text!r} / 不是有效日期（年-月-日）：{text!r}"
        ) from None
