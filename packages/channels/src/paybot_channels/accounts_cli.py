"""`paybot accounts import FILE`: fill the phone channel's accounts table from a .csv or .json file.

The whole file is checked first; a bad row stops the import before anything is written, and
every bad row is named (a line or account number and what is wrong). A long import prints its
progress on stderr about once a second. The table is `--table` or `PAYBOT_ACCOUNTS_TABLE` (the
stack's `accountsTable` output); the credentials are the operator's (the phone Lambda may only
read the table). Formats: docs/phone.md, "The accounts table".
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO


def add_accounts_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    accounts = commands.add_parser("accounts", help="the phone channel's accounts table")
    actions = accounts.add_subparsers(dest="accounts_command", required=True, parser_class=type(accounts))
    load = actions.add_parser("import", help="check a .csv or .json table and write it into DynamoDB")
    load.add_argument("file", type=Path, help="accounts table (.csv or .json)")
    load.add_argument("--table", default=None, help="DynamoDB table (default PAYBOT_ACCOUNTS_TABLE)")
    load.add_argument(
        "--replace",
        action="store_true",
        help="afterwards delete the accounts of earlier imports that this file does not hold",
    )
    load.add_argument("--check", action="store_true", help="only check the file; write nothing")
    load.set_defaults(run=run_import)


def run_import(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from paybot_core import ConfigurationError, import_accounts, read_accounts

    rows = read_accounts(args.file)
    print(f"{args.file}: {len(rows)} accounts, every row valid", file=out)
    if args.check:
        return 0
    table = args.table or _table_from_settings()
    if not table:
        raise ConfigurationError(
            "name the table: --table NAME or PAYBOT_ACCOUNTS_TABLE (the stack's accountsTable)"
        )

    started = last = time.monotonic()

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done == total or now - last >= 1.0:
            last = now
            print(f"imported {done}/{total} lookup entries ({now - started:.0f}s)", file=err, flush=True)

    written, deleted = import_accounts(rows, table, replace=args.replace, progress=progress)
    print(f"{table}: {len(rows)} accounts imported as {written} lookup entries", file=out)
    if args.replace:
        print(f"{table}: {deleted} entries of earlier imports removed", file=out)
    return 0


def _table_from_settings() -> str | None:
    from paybot_core import Settings

    return Settings().accounts_table
