"""`greenlist log-key`, `greenlist checkpoint` and `greenlist verify` (issue 10)."""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

from auditlog.offline import ProofError
from auditlog.signing import SignerKey
from greenlist.config import SystemClock, build_service
from greenlist.settings import Settings
from greenlist.vlog import keys
from greenlist.vlog.checkpoints import LogDiverged, write_checkpoint
from greenlist.vlog.verify import verify_store

EXIT_FAILED = 1
EXIT_USAGE = 2


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    key_cmd = commands.add_parser(
        "log-key", help="print the public key that verifies the log's checkpoints"
    )
    key_cmd.add_argument(
        "--generate",
        metavar="FILE",
        type=Path,
        help="create a new signing key in FILE (0600; never in the database) and print its "
        "public key",
    )
    key_cmd.add_argument("--database-url", default=None)
    checkpoint_cmd = commands.add_parser(
        "checkpoint", help="sign the log's size and root; write the witness copy"
    )
    checkpoint_cmd.add_argument("--database-url", default=None)
    checkpoint_cmd.add_argument(
        "--dir", type=Path, default=None, help=f"witness directory ({keys.WITNESS_SETTING})"
    )
    verify_cmd = commands.add_parser(
        "verify", help="check every event against its leaf and every held checkpoint"
    )
    verify_cmd.add_argument("--database-url", default=None)
    verify_cmd.add_argument(
        "--checkpoints",
        type=Path,
        default=None,
        help=f"the witness directory to check (default {keys.WITNESS_SETTING})",
    )
    verify_cmd.add_argument(
        "--key",
        action="append",
        default=None,
        help="a verifier key (repeatable; default: the configured signer's public key)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    """`settings`: the command's, read by `greenlist` (its `--database-url` already applied)."""
    if args.command == "log-key":
        return run_log_key(args, settings)
    if args.command == "checkpoint":
        return run_checkpoint(args, settings)
    return run_verify(args, settings)


def run_log_key(args: argparse.Namespace, settings: Settings) -> int:
    """Print the verifier key (`<name>+<id>+<key>`, the format of golang.org/x/mod/sumdb/note)
    that auditors check checkpoints with; `--generate FILE` makes a new signing key first."""
    try:
        if args.generate:
            key = SignerKey.generate(settings.log_origin)
            keys.write_private(args.generate, key.text())
            print(
                f"signing key written to {args.generate} (keep it out of the database)",
                file=sys.stderr,
            )
        else:
            key = keys.signer(settings)
    except (keys.KeyUnavailable, FileExistsError, ValueError) as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    print(key.verifier_key())
    return 0


def run_checkpoint(args: argparse.Namespace, settings: Settings) -> int:
    try:
        signer = keys.signer(settings)
    except keys.KeyUnavailable as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    directory = args.dir or keys.witness_dir(settings)
    app = build_service(clock=SystemClock(), settings=settings)
    try:
        checkpoint = write_checkpoint(app.recorder, signer, directory)
    except LogDiverged as error:
        print(f"not signed: {error}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        app.close()
    root = base64.b64encode(checkpoint.root).decode()
    print(f"checkpoint {checkpoint.size} {root} written to {directory}")
    return 0


def run_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 only when every event matches its leaf and every held checkpoint holds."""
    directory = args.checkpoints or keys.witness_dir(settings)
    try:
        verifier_keys = keys.verifier_keys(settings, args.key)
    except (keys.KeyUnavailable, ProofError, ValueError) as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    app = build_service(clock=SystemClock(), settings=settings)
    try:
        report = verify_store(app.recorder, verifier_keys, directory)
    finally:
        app.close()
    root = base64.b64encode(report.root).decode()
    print(
        f"{report.events} events, {report.leaves} leaves, root {root}; "
        f"{report.checkpoints} held checkpoints in {directory}"
    )
    if report.ok:
        print("verified: every event is as recorded and every held checkpoint holds / 校验通过")
        return 0
    first = report.first
    print(f"FAILED / 校验失败 — first bad: {first}", file=sys.stderr)
    for finding in report.findings[:20]:
        print(f"  {finding}", file=sys.stderr)
    if len(report.findings) > 20:
        print(f"  … {len(report.findings) - 20} more", file=sys.stderr)
    return EXIT_FAILED
