"""`auditlog/offline.py` is what an auditor copies: one file, the standard library and
`cryptography` only, short enough to read (about 300 lines, at most 320, with its command
line)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import auditlog.offline

SOURCE = Path(auditlog.offline.__file__).read_text("utf-8")


def test_it_imports_only_the_standard_library_and_cryptography() -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(SOURCE)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative import"
            imported.add(node.module or "")
    tops = {name.split(".")[0] for name in imported}
    assert tops - set(sys.stdlib_module_names) == {"cryptography"}


def test_it_is_about_300_lines() -> None:
    assert len(SOURCE.splitlines()) <= 320
