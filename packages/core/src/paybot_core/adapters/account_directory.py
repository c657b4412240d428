"""The embedded `AccountDirectory`: a small JSON table of what each customer owes.

The package ships a demo table (account DEMO-1001, Jane Doe, $50.00, phone +15555550100) so
that `paybot call` works on a fresh clone; a merchant points `PAYBOT_ACCOUNTS_FILE` at its own
table of the same shape:

    {"accounts": [{"reference": "INV-1", "customerName": "Jane Doe", "amount": 5000,
                   "currency": "usd", "phones": ["+15555550100"]}]}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from ..ports import AccountDue

DEMO_TABLE = "demo_accounts.json"
_NOT_DIGITS = re.compile(r"\D")


def normalise_phone(number: str) -> str:
    """E.164 digits with their plus sign: "+1 (555) 555-0100" -> "+15555550100"."""
    digits = _NOT_DIGITS.sub("", number)
    return f"+{digits}" if digits else ""


class JsonAccountDirectory:
    """Accounts kept in memory from a JSON table read once at start."""

    def __init__(self, accounts: Iterable[tuple[AccountDue, tuple[str, ...]]]) -> None:
        self._by_reference: dict[str, AccountDue] = {}
        self._by_digits: dict[str, AccountDue] = {}
        self._by_phone: dict[str, AccountDue] = {}
        for account, phones in accounts:
            self._by_reference[account.reference.casefold()] = account
            digits = _NOT_DIGITS.sub("", account.reference)
            if digits:
                self._by_digits.setdefault(digits, account)
            for phone in phones:
                self._by_phone[normalise_phone(phone)] = account

    @classmethod
    def from_file(cls, path: Path | None = None) -> JsonAccountDirectory:
        """The table at `path`, or the demo table shipped in this package."""
        try:
            if path is None:
                raw = resources.files(__package__).joinpath(DEMO_TABLE).read_text(encoding="utf-8")
            else:
                raw = path.read_text(encoding="utf-8")
            document = json.loads(raw)
            return cls(_parse(document))
        except (OSError, ValueError, KeyError, TypeError) as err:
            where = path or DEMO_TABLE
            raise ConfigurationError(f"The accounts table {where} could not be read: {err}") from None

    def find_by_phone(self, phone: str) -> AccountDue | None:
        return self._by_phone.get(normalise_phone(phone)) if phone else None

    def find_by_reference(self, reference: str) -> AccountDue | None:
        """By the reference as written, or, for keypad entry, by the digits of the reference."""
        typed = reference.strip()
        if not typed:
            return None
        found = self._by_reference.get(typed.casefold())
        if found is None and typed.isdigit():
            found = self._by_digits.get(typed)
        return found


def _parse(document: dict[str, Any]) -> list[tuple[AccountDue, tuple[str, ...]]]:
    rows = []
    for row in document["accounts"]:
        amount = int(row["amount"])
        if amount <= 0:
            raise ValueError(f"account {row['reference']!r} has a non-positive amount")
        account = AccountDue(
            reference=str(row["reference"]),
            customer_name=str(row["customerName"]),
            amount=amount,
            currency=str(row.get("currency", "usd")).lower(),
        )
        rows.append((account, tuple(str(p) for p in row.get("phones", ()))))
    return rows
