"""`greenlist vault new-key|status|rotate` (issue 14 item 4): the vault's operations.

- `new-key` prints a fresh key-encryption key (KEK), base64url, for `GREENLIST_VAULT_KEY` or a
  key file (`GREENLIST_VAULT_KEY_FILE`, mode 0600).
- `status` says which KEK is configured (by its id, never the key), how many data keys are live
  under each KEK and how many were shredded.
- `rotate` re-wraps every live data key under a new KEK; the events are never read nor touched
  (the data keys live in the vault's own table, greenlist.vault), so the verifiable log is the
  same before and after. Resumable: a rotation cut short is run again and re-wraps the rest.

With a configured KEK, `rotate --to FILE` re-wraps under the key in FILE (`--generate`: a new
key written there first, 0600, never over an existing file); the operator then configures FILE
in place of the old key. `--from OLDFILE` adds KEKs to unwrap with, for keys still wrapped under
an older KEK (a host that kept writing under it during the rotation). Without a configured KEK
(the demo's and embedded stores' generated `<store>.vault-key`), `rotate` alone writes the new
key beside it as `<keyfile>.next` first (which every service then reads too, greenlist.vault.keys),
re-wraps, and replaces the key file by the new key in one rename: a crash at any point leaves
every report readable, and running the command again finishes the rotation.

Exit 0 when done, 1 when a data key could not be re-wrapped (its KEK is not given: say it with
`--from`), 2 for a usage mistake (one line on stderr, never a traceback)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from greenlist.settings import Settings
from greenlist.vault import UnknownKey, Vault, for_service
from greenlist.vault.envelope import kek_id
from greenlist.vault.keys import (
    KeyRing,
    configured,
    decode_key,
    key_ring,
    new_key_text,
    next_key_path,
    store_key_path,
)
from greenlist.vlog.keys import write_private

EXIT_FAILED = 1
EXIT_USAGE = 2


class Refused(Exception):
    """A usage mistake: one line on stderr, exit 2."""


def add_command(commands: Any) -> None:
    vault_cmd = commands.add_parser(
        "vault", help="the reporters' data keys: a new KEK, their status, a rotation"
    )
    actions = vault_cmd.add_subparsers(dest="action", required=True)
    actions.add_parser("new-key", help="print a fresh key-encryption key (base64url)")
    status_cmd = actions.add_parser("status", help="live data keys per KEK, shredded keys")
    status_cmd.add_argument("--database-url", default=None)
    rotate_cmd = actions.add_parser(
        "rotate", help="re-wrap every data key under a new KEK (the events are not touched)"
    )
    rotate_cmd.add_argument(
        "--to",
        type=Path,
        default=None,
        help="the file holding the new KEK (required when a KEK is configured; default: the "
        "store's generated key file is replaced)",
    )
    rotate_cmd.add_argument(
        "--generate", action="store_true", help="create --to FILE (0600) with a new KEK first"
    )
    rotate_cmd.add_argument(
        "--from",
        dest="old",
        type=Path,
        action="extend",
        nargs="+",
        default=[],
        metavar="OLDFILE",
        help="other KEKs to unwrap with (keys left under an older KEK; repeatable)",
    )
    rotate_cmd.add_argument("--database-url", default=None)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """`settings`: the command's, read by `greenlist` (its `--database-url` applied)."""
    try:
        if args.action == "new-key":
            print(new_key_text())
            return 0
        if args.action == "status":
            return run_status(settings)
        return run_rotate(args, settings)
    except Refused as refused:
        print(f"greenlist vault {args.action}: {refused}", file=sys.stderr)
        return EXIT_USAGE


def read_key(path: Path) -> bytes:
    """The KEK in a key file; a missing or malformed file is a usage mistake (exit 2)."""
    try:
        return decode_key(path.read_text())
    except OSError as error:
        raise Refused(f"cannot read {path}: {error.strerror} / 无法读取密钥文件") from None
    except ValueError:
        raise Refused(
            f"{path} does not hold a vault key (32 bytes, base64url) / 密钥文件格式不正确"
        ) from None


def configured_source(settings: Settings) -> str:
    """Where the service's KEK comes from, in words (never the key)."""
    if settings.vault_key:
        return "GREENLIST_VAULT_KEY"
    if settings.vault_key_file:
        return f"GREENLIST_VAULT_KEY_FILE={settings.vault_key_file}"
    if settings.store.kind == "memory":
        return "a key of this process (memory store)"
    return f"the store's generated key file {store_key_path(settings.store)}"


def ring_of(settings: Settings) -> KeyRing:
    try:
        return key_ring(settings)
    except (OSError, ValueError) as unusable:
        raise Refused(
            f"the configured vault key cannot be read: {unusable} / 无法读取密钥"
        ) from None


def run_status(settings: Settings) -> int:
    """`greenlist vault status`: exit 1 when live data keys are wrapped under a KEK the
    configuration does not give (they could not be opened)."""
    ring = ring_of(settings)
    vault = for_service(settings, ring)
    try:
        status = vault.status()
    finally:
        vault.db.close()
    known = ring.by_id()
    print(f"store: {settings.store.redacted()}")
    print(f"configured KEK: {ring.current_id} ({configured_source(settings)})")
    for other in ring.others:
        print(f"also readable:  {kek_id(other)} (a rotation in progress: .next)")
    print("live data keys:")
    for kid, count in sorted(status.live.items()):
        mark = "current" if kid == ring.current_id else ("known" if kid in known else "UNKNOWN")
        print(f"  {kid}  {count:>8}  {mark}")
    if not status.live:
        print("  (none)")
    print(f"shredded data keys: {status.shredded}")
    unknown = sorted(set(status.live) - set(known))
    if unknown:
        print(
            f"data keys under a KEK not configured: {', '.join(unknown)}: they cannot be opened "
            "until it is given / 部分数据密钥由未配置的密钥加密密钥封装",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return 0


def run_rotate(args: argparse.Namespace, settings: Settings) -> int:
    if args.to is None:
        if args.generate:
            raise Refused("--generate writes the new key to --to FILE / --generate 须与 --to 同用")
        if settings.store.kind == "memory" and not configured(settings):
            raise Refused(
                "a memory store's keys live as long as its process: nothing to rotate / "
                "内存存储的密钥随进程消失，无需轮换"
            )
        if configured(settings):
            raise Refused(
                "a KEK is configured: name the file of the new one with --to FILE (--generate to "
                "create it), then configure it / 已配置密钥：请用 --to 指定新密钥文件"
            )
        return rotate_store_key(args, settings)
    if args.generate:
        try:
            write_key(args.to, new_key_text())
        except FileExistsError:
            raise Refused(
                f"{args.to} exists: it is never overwritten / 文件已存在，不会覆盖"
            ) from None
        except OSError as error:
            raise Refused(f"cannot write {args.to}: {error.strerror} / 无法写入") from None
    new = read_key(args.to)
    done = rotate(settings, new, [read_key(p) for p in args.old])
    if done is None:
        return EXIT_FAILED
    print(
        f"now configure the new key: GREENLIST_VAULT_KEY_FILE={args.to} (or its contents as "
        "GREENLIST_VAULT_KEY) on every host; the old key is no longer needed / "
        "请在各主机改用新密钥；旧密钥已不再需要"
    )
    return 0


def rotate_store_key(args: argparse.Namespace, settings: Settings) -> int:
    """The generated key file of an embedded store: the new key is written beside it (`.next`)
    before any data key is re-wrapped, and replaces it by a rename once all are. A `.next` left
    by a rotation cut short is the new key again, never replaced (data keys may be under it)."""
    path = store_key_path(settings.store)
    ring_of(settings)  # generates the key file of a store that has none yet
    pending = next_key_path(path)
    if not pending.exists():
        write_key(pending, new_key_text())
    new = read_key(pending)
    done = rotate(settings, new, [read_key(p) for p in args.old])
    if done is None:
        return EXIT_FAILED
    os.replace(pending, path)  # atomic: the key file is the old key or the new one, whole
    _sync_directory(path)
    print(f"{path} now holds the new key; the old key is no longer needed / 旧密钥已不再需要")
    return 0


def write_key(path: Path, text: str) -> None:
    """Create a key file (0600) whole and on disk before any data key is wrapped under it: a
    crash, even of the machine, never leaves a key file half written, nor data keys wrapped
    under a key the disk lost. Written apart, then linked in (never over an existing file:
    FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.unlink(missing_ok=True)
    write_private(partial, text)
    try:
        with open(partial, "rb+") as file:
            os.fsync(file.fileno())
        os.link(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    _sync_directory(path)


def _sync_directory(path: Path) -> None:
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rotate(settings: Settings, new: bytes, old: list[bytes]) -> int | None:
    """Re-wrap every live data key under `new`; None (after saying why) if one is wrapped
    under a KEK neither configured nor given."""
    ring = ring_of(settings)
    for key in (new, *old):
        ring = ring.with_key(key)
    vault: Vault = for_service(settings, ring)
    try:
        before = vault.status()
        try:
            done = vault.rotate(new)
        except UnknownKey as unknown:
            print(f"greenlist vault rotate: {unknown}; give it with --from", file=sys.stderr)
            return None
        after = vault.status()
    finally:
        vault.db.close()
    print(f"store: {settings.store.redacted()}")
    print(
        f"re-wrapped {done} data keys under KEK {kek_id(new)} ({sum(before.live.values())} "
        f"live before); now {after.live.get(kek_id(new), 0)} live under it, "
        f"{after.shredded} shredded (untouched) / 已重新封装{done}个数据密钥"
    )
    return done
