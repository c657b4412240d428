"""`paybot payments` and `paybot outbox`: the merchant's records of the local store, from a terminal."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, date, datetime
from typing import Any, TextIO

_COLUMNS = ("id", "createdAt", "status", "amount", "currency", "reference", "brand", "last4", "failureCode",
            "sessionId")  # fmt: skip


def add_merchant_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    payments = commands.add_parser("payments", help="list the payments in the local store, newest first")
    payments.add_argument("--reference", default=None, help="only this invoice or account reference")
    payments.add_argument(
        "--status", default=None, choices=("succeeded", "failed"), help="only payments with this status"
    )
    payments.add_argument("--since", type=_day, default=None, help="only from this day on (YYYY-MM-DD, UTC)")
    payments.add_argument("--csv", action="store_true", help="CSV with a header line instead of a table")
    payments.set_defaults(run=run_payments)

    outbox = commands.add_parser("outbox", help="list the messages written to PAYBOT_DATA_DIR/outbox")
    outbox.set_defaults(run=run_outbox)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def run_payments(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from paybot_core import MAX_PAGE, PaymentQuery, Settings, build

    out = out or sys.stdout  # read at the call: a default bound at import outlives a replaced stdout

    services = build(Settings())
    since = None
    if args.since is not None:
        since = int(datetime(args.since.year, args.since.month, args.since.day, tzinfo=UTC).timestamp()) - 1
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = services.merchant.payments(
            PaymentQuery(args.reference, args.status, since, None, MAX_PAGE, cursor)
        )
        rows.extend({**p.view, "sessionId": p.session_id} for p in page.data)
        if not page.has_more or not page.data:
            break
        cursor = page.data[-1].id
    if args.csv:
        writer = csv.DictWriter(out, fieldnames=_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "createdAt": _when(row["createdAt"])})
        return 0
    if not rows:
        print("no payments", file=out)
        return 0
    for row in rows:
        card = f"{row.get('brand') or ''} {row.get('last4') or ''}".strip()
        failure = f" {row['failureCode']}" if row.get("failureCode") else ""
        print(
            f"{_when(row['createdAt'])}  {row['id']}  {row['status']:<9} "
            f"{row['amount']:>10} {row['currency']}  {row.get('reference') or '-'}  {card}{failure}",
            file=out,
        )
    return 0


def run_outbox(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from paybot_core import FileMessenger, Settings

    out = out or sys.stdout

    settings = Settings()
    entries = FileMessenger(settings.data_dir / "outbox").entries()
    if not entries:
        print(f"no messages in {settings.data_dir / 'outbox'}", file=out)
    for entry in entries:
        what = entry.subject if entry.subject is not None else ""
        print(f"{_when(entry.written_at)}  {entry.kind:<5}  {entry.to}  {what}  {entry.path}", file=out)
    return 0


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
