"""The merchant's accounts due: the one reader of an accounts table, and the embedded directory.

A table lists what each customer owes, as JSON or CSV:

    {"accounts": [{"reference": "INV-1", "customerName": "Jane Doe", "amount": 5000,
                   "currency": "usd", "phones": ["+15555550100"]}]}

    reference,customerName,amount,currency,phones
    INV-1,Jane Doe,5000,usd,+15555550100;+1 (555) 555-0101

`amount` is in minor units (cents); `currency` defaults to usd; `phones` (E.164 numbers, written as
people write them; in CSV several are separated by semicolons) may be empty. `read_accounts`
checks every row and reports every bad one at once (row numbers as a person counts them), so a bad
table changes nothing.

Two directories read such a table: `JsonAccountDirectory` (this module: in memory, from
`PAYBOT_ACCOUNTS_FILE`, or the demo table shipped in the package: account DEMO-1001, Jane Doe,
$50.00, phone +15555550100, so that `paybot call` works on a fresh clone) and
`DynamoDBAccountDirectory` (`dynamodb_accounts.py`: `PAYBOT_ACCOUNTS_TABLE`, filled by
`paybot accounts import`). Both find an account the same way (`lookup_keys`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..conversation.state import AccountDue
from ..errors import AccountsFileError, ConfigurationError

DEMO_TABLE = "demo_accounts.json"
MAX_REFERENCE = 64
MAX_NAME = 100
MAX_PHONES = 10
_NOT_DIGITS = re.compile(r"\D")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_CURRENCY = re.compile(r"^[a-z]{3}$")
_PHONE_SEPARATORS = re.compile(r";")  # a space belongs to a written number: "+1 (555) 555-0100"
CSV_COLUMNS = ("reference", "customerName", "amount", "currency", "phones")


@dataclass(frozen=True)
class AccountRow:
    """One account of a table and the caller numbers it is found by."""

    account: AccountDue
    phones: tuple[str, ...]


def normalise_phone(number: str) -> str:
    """E.164 digits with their plus sign: "+1 (555) 555-0100" -> "+15555550100"."""
    digits = _NOT_DIGITS.sub("", number)
    return f"+{digits}" if digits else ""


def reference_key(reference: str) -> str:
    return "ref#" + reference.strip().casefold()


def digits_key(reference: str) -> str | None:
    """The key of a reference's digits (for keypad entry), or None when it has none."""
    digits = _NOT_DIGITS.sub("", reference)
    return "digits#" + digits if digits else None


def phone_key(phone: str) -> str:
    return "phone#" + normalise_phone(phone)


def lookup_keys(rows: Iterable[AccountRow]) -> dict[str, AccountDue]:
    """Every key an account is found by, in table order: its reference, its digits (the first
    account with those digits keeps them, as keyed digits cannot tell two apart) and its phones."""
    keys: dict[str, AccountDue] = {}
    for row in rows:
        keys[reference_key(row.account.reference)] = row.account
        digits = digits_key(row.account.reference)
        if digits is not None:
            keys.setdefault(digits, row.account)
        for phone in row.phones:
            keys[phone_key(phone)] = row.account
    return keys


def find_reference(get: Any, reference: str) -> AccountDue | None:
    """By the reference as written, or, for keypad entry, by its digits; `get(key)` reads one key."""
    typed = reference.strip()
    if not typed:
        return None
    found: AccountDue | None = get(reference_key(typed))
    if found is None and typed.isdigit():
        found = get("digits#" + typed)
    return found


# ---------------------------------------------------------------- reading a table


def read_accounts(path: Path) -> list[AccountRow]:
    """The rows of a .json or .csv accounts table, every row checked; AccountsFileError lists the bad ones."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise AccountsFileError(str(path), ["not UTF-8 text"]) from None
    if path.suffix.lower() == ".csv":
        return parse_rows(_csv_rows(text, str(path)), str(path))
    if path.suffix.lower() == ".json":
        return parse_rows(_json_rows(text, str(path)), str(path))
    raise AccountsFileError(
        str(path), [f"unknown format {path.suffix or '(no suffix)'!r}: use .json or .csv"]
    )


def _json_rows(text: str, where: str) -> Iterator[tuple[str, Any]]:
    try:
        document = json.loads(text)
    except ValueError as err:
        raise AccountsFileError(where, [f"not JSON ({err})"]) from None
    rows = document.get("accounts") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise AccountsFileError(where, ['expected {"accounts": [...]}'])
    for number, row in enumerate(rows, start=1):
        yield f"account {number}", row


def _csv_rows(text: str, where: str) -> Iterator[tuple[str, Any]]:
    import csv  # only for a CSV table: the phone's start reads none
    import io

    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [c for c in ("reference", "customerName", "amount") if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        problems = [f"the header needs column {c}" for c in missing]
        problems += [f"unknown column {c!r} (columns: {', '.join(CSV_COLUMNS)})" for c in unknown]
        raise AccountsFileError(where, problems)
    reader.fieldnames = header
    for row in reader:
        extra = row.pop(None, None)  # values past the header's columns (DictReader's restkey)
        line = f"line {reader.line_num}"
        if extra:
            yield line, {"__extra__": True}
            continue
        phones = [p.strip() for p in _PHONE_SEPARATORS.split(row.get("phones") or "") if p.strip()]
        yield line, {**{k: (v or "").strip() for k, v in row.items() if k != "phones"}, "phones": phones}


def parse_rows(rows: Iterable[tuple[str, Any]], where: str) -> list[AccountRow]:
    parsed: list[AccountRow] = []
    problems: list[str] = []
    seen_references: dict[str, str] = {}
    seen_phones: dict[str, str] = {}
    for label, row in rows:
        try:
            account_row = parse_row(row)
        except ValueError as err:
            problems.append(f"{label}: {err}")
            continue
        key = reference_key(account_row.account.reference)
        if key in seen_references:
            problems.append(
                f"{label}: reference {account_row.account.reference!r} is already on {seen_references[key]}"
            )
            continue
        seen_references[key] = label
        for phone in account_row.phones:
            if phone in seen_phones:
                problems.append(f"{label}: phone {phone} is already on {seen_phones[phone]}")
            seen_phones.setdefault(phone, label)
        parsed.append(account_row)
    if problems:
        raise AccountsFileError(where, problems)
    return parsed


def parse_row(row: Any) -> AccountRow:
    """One account, checked: ValueError says what is wrong, without quoting more than the field."""
    if not isinstance(row, dict):
        raise ValueError("expected an object with reference, customerName and amount")
    if row.get("__extra__"):
        raise ValueError(
            f"more fields than the {len(CSV_COLUMNS)} columns (a comma inside a value needs quotes)"
        )
    reference = _text(row, "reference", MAX_REFERENCE)
    name = _text(row, "customerName", MAX_NAME)
    amount = row.get("amount")
    if isinstance(amount, str) and amount.strip().isdigit():
        amount = int(amount)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"amount must be a positive whole number of minor units (cents), not {amount!r}")
    currency = row.get("currency") or "usd"
    if not isinstance(currency, str) or not _CURRENCY.match(currency.strip().lower()):
        raise ValueError(f"currency must be a 3-letter ISO 4217 code such as usd, not {currency!r}")
    phones = row.get("phones") or []
    if not isinstance(phones, list) or not all(isinstance(p, str) for p in phones):
        raise ValueError("phones must be a list of E.164 numbers such as +15555550100")
    if len(phones) > MAX_PHONES:
        raise ValueError(f"at most {MAX_PHONES} phones per account")
    normalised = []
    for phone in phones:
        number = normalise_phone(phone)
        if not phone.strip().startswith("+") or not _E164.match(number):
            raise ValueError(
                f"phone {phone!r} is not an E.164 number: + and the country code, as +15555550100"
            )
        normalised.append(number)
    account = AccountDue(
        reference=reference, customer_name=name, amount=amount, currency=currency.strip().lower()
    )
    return AccountRow(account, tuple(dict.fromkeys(normalised)))


def _text(row: dict[str, Any], field: str, longest: int) -> str:
    value = row.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} is missing")
    value = value.strip()
    if len(value) > longest:
        raise ValueError(f"{field} is longer than {longest} characters")
    if any(not ch.isprintable() for ch in value):
        raise ValueError(f"{field} holds a control character")
    return value


# ---------------------------------------------------------------- the embedded directory


class JsonAccountDirectory:
    """Accounts kept in memory from a table read once at start."""

    def __init__(self, rows: Iterable[AccountRow]) -> None:
        self._keys = lookup_keys(rows)

    @classmethod
    def from_file(cls, path: Path | None = None) -> JsonAccountDirectory:
        """The table at `path` (.json or .csv), or the demo table shipped in this package."""
        try:
            if path is None:
                raw = resources.files(__package__).joinpath(DEMO_TABLE).read_text(encoding="utf-8")
                return cls(parse_rows(_json_rows(raw, DEMO_TABLE), DEMO_TABLE))
            return cls(read_accounts(path))
        except OSError as err:
            raise ConfigurationError(
                f"The accounts table {path} could not be read: {err.strerror or err}"
            ) from None
        except AccountsFileError as err:
            raise ConfigurationError(f"The accounts table is not valid:\n{err}") from None

    def find_by_phone(self, phone: str) -> AccountDue | None:
        return self._keys.get(phone_key(phone)) if normalise_phone(phone) else None

    def find_by_reference(self, reference: str) -> AccountDue | None:
        """By the reference as written, or, for keypad entry, by the digits of the reference."""
        return find_reference(self._keys.get, reference)


class DemoAccountsRefused:
    """Where the demo table would be used with a gateway that charges real cards: every lookup is
    refused with what to set, so nobody pays the demo's "Jane Doe $50.00" with a real card."""

    MESSAGE = (
        "PAYBOT_PAYMENT_GATEWAY=stripe refuses the demo accounts table (DEMO-1001, Jane Doe): set "
        "PAYBOT_ACCOUNTS_TABLE (filled by `paybot accounts import`) or PAYBOT_ACCOUNTS_FILE"
    )

    def find_by_phone(self, phone: str) -> AccountDue | None:
        raise ConfigurationError(self.MESSAGE)

    def find_by_reference(self, reference: str) -> AccountDue | None:
        raise ConfigurationError(self.MESSAGE)
