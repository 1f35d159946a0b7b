"""The command line for a stranger (issue 13 item 6): `greenlist --version`; `token --role`
offers only the API's roles; a bad date or an unknown read model is one line on stderr and exit
2, never a traceback; every command names the store it uses and warns when it is new or empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenlist import cli


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_greenlist_version_names_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.startswith("greenlist ") and out.split()[1][0].isdigit()


def test_token_offers_only_the_real_roles(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["token", "--role", "inspecter", "--region", "330000"], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "inspecter" in err and "'inspector'" in err and "'auditor'" in err
    assert "'system'" not in err and "'public'" not in err


def test_a_bad_date_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/g.db"
    code, _, err = run(["tick", "--until", "2025-13-01", "--database-url", url], capsys)
    assert code == 2 and "Traceback" not in err
    assert err.strip().splitlines() == [
        "greenlist tick: argument --until: not a date (YYYY-MM-DD): '2025-13-01' / "
        "不是有效日期（年-月-日）：'2025-13-01' (see greenlist tick --help)"
    ]


def test_an_unknown_read_model_is_one_line_naming_the_known_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/g.db"
    code, _, err = run(["projections", "rebuild", "listz", "--database-url", url], capsys)
    assert code == 2 and "Traceback" not in err
    (line,) = [line for line in err.splitlines() if "listz" in line]
    assert "no read model named listz" in line and "lists" in line and "audit" in line


def test_every_command_names_its_store_and_warns_when_new_or_empty(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/g.db"
    code, _, err = run(["projections", "status", "--database-url", url], capsys)
    assert code == 0
    assert f"greenlist projections: store {url}" in err
    assert "warning: the store is new" in err and "greenlist demo" in err
    code, _, err = run(["projections", "status", "--database-url", url], capsys)
    assert code == 0 and "warning: the store is" in err  # created by the first, still no event
    token = ["token", "--role", "auditor", "--region", "330000", "--database-url", "memory://"]
    code, _, err = run(token, capsys)
    assert "greenlist token: store memory://" in err and "in memory" in err
