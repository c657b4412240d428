"""Accounts due in DynamoDB: the phone Lambda's `AccountDirectory`, and the import that fills it.

Table (the stack's `AccountsTable`): partition key `lookup` (S), one item per way an account is
found (`account_directory.lookup_keys`): `ref#<reference, case-folded>`, `digits#<its digits>` (a
keypad has no letters) and `phone#<E.164>`. Each item carries the account itself (`reference`,
`customerName`, `amount` (N, minor units), `currency`), so a lookup is one `GetItem`, and
`importId`, the import that wrote it.

`paybot accounts import FILE` (`AccountImport`) checks the whole table first (nothing is written
when a row is bad), then writes it with `BatchWriteItem`, 25 items a request, again for what
DynamoDB leaves unprocessed. An import adds and updates accounts; `--replace` then deletes every
item an earlier import wrote that this one did not, so the table is the file.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..conversation.state import AccountDue
from ..errors import ConfigurationError, StoreUnavailableError
from ..lazy import lazy_client
from .account_directory import AccountRow, find_reference, lookup_keys, normalise_phone, phone_key
from .aws_errors import aws_failure, error_code

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ..settings import Settings

log = logging.getLogger("paybot.accounts")

KEY = "lookup"
BATCH = 25  # BatchWriteItem's limit
MAX_ROUNDS = 8  # of unprocessed items, with backoff, before an import gives up


class DynamoDBAccountDirectory:
    """`AccountDirectory` on the accounts table (`client`: boto3 `dynamodb`)."""

    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self.client = client
        self.table_name = table_name

    def find_by_phone(self, phone: str) -> AccountDue | None:
        return self._get(phone_key(phone)) if normalise_phone(phone) else None

    def find_by_reference(self, reference: str) -> AccountDue | None:
        return find_reference(self._get, reference)

    def _get(self, key: str) -> AccountDue | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            item = self.client.get_item(TableName=self.table_name, Key={KEY: {"S": key}}).get("Item")
        except (BotoCoreError, ClientError) as err:
            raise aws_failure(err, StoreUnavailableError, "The accounts table") from None
        if item is None:
            return None
        return AccountDue(
            reference=item["reference"]["S"],
            customer_name=item["customerName"]["S"],
            amount=int(item["amount"]["N"]),
            currency=item["currency"]["S"],
        )


def build_from_settings(settings: Settings, shared: DynamoDBClient | None = None) -> DynamoDBAccountDirectory:
    """`shared`: the DynamoDB client the process has already (the session store's); without one, a
    client of its own, made on the first lookup rather than at the phone Lambda's start."""
    from .aws_clients import client

    if not settings.accounts_table:
        raise ConfigurationError("PAYBOT_ACCOUNTS_TABLE is not set.")
    dynamodb = shared if shared is not None else lazy_client(lambda: client("dynamodb"))
    return DynamoDBAccountDirectory(dynamodb, settings.accounts_table)


# ---------------------------------------------------------------- the import


def import_accounts(
    rows: Sequence[AccountRow],
    table_name: str,
    *,
    client: DynamoDBClient | None = None,
    replace: bool = False,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> tuple[int, int]:
    """`paybot accounts import`: write rows `read_accounts` checked into the accounts table; with
    `replace`, delete what earlier imports left. Returns (items written, items deleted)."""
    if client is None:
        from .aws_clients import client as aws_client

        client = aws_client("dynamodb", read_timeout=10.0)
    return AccountImport(client, table_name, progress=progress).run(rows, replace=replace)


def account_items(rows: Iterable[AccountRow], import_id: str) -> list[dict[str, Any]]:
    """The table's items for these accounts: one per lookup key."""
    return [
        {
            KEY: {"S": key},
            "reference": {"S": account.reference},
            "customerName": {"S": account.customer_name},
            "amount": {"N": str(account.amount)},
            "currency": {"S": account.currency},
            "importId": {"S": import_id},
        }
        for key, account in lookup_keys(rows).items()
    ]


class AccountImport:
    """Writes checked rows into the accounts table; `progress(done, total)` hears about each batch."""

    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        *,
        progress: Callable[[int, int], None] = lambda done, total: None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.table_name = table_name
        self.progress = progress
        self.sleep = sleep
        self.import_id = uuid.uuid4().hex

    def run(self, rows: Sequence[AccountRow], *, replace: bool = False) -> tuple[int, int]:
        """Write every row's items; with `replace`, then delete what earlier imports left. Returns
        (items written, items deleted)."""
        self._check_table()
        items = account_items(rows, self.import_id)
        written = self._write([{"PutRequest": {"Item": item}} for item in items], len(items))
        deleted = 0
        if replace:
            stale = [{"DeleteRequest": {"Key": {KEY: key}}} for key in self._stale_keys()]
            deleted = self._write(stale, len(stale)) if stale else 0
        return written, deleted

    def _check_table(self) -> None:
        from botocore.exceptions import ClientError

        try:
            schema = self.client.describe_table(TableName=self.table_name)["Table"]["KeySchema"]
        except ClientError as err:
            code = error_code(err) or "error"
            raise ConfigurationError(
                f"The accounts table {self.table_name!r} cannot be used ({code})."
            ) from None
        if [(k["AttributeName"], k["KeyType"]) for k in schema] != [(KEY, "HASH")]:
            raise ConfigurationError(
                f"{self.table_name!r} is not an accounts table: its key must be {KEY} (S) alone "
                "(the stack's accountsTable output names the right one)."
            )

    def _write(self, requests: list[dict[str, Any]], total: int) -> int:
        done = 0
        for start in range(0, len(requests), BATCH):
            batch = requests[start : start + BATCH]
            for round_ in range(MAX_ROUNDS):
                answer = self._batch(batch)
                batch = answer.get("UnprocessedItems", {}).get(self.table_name, [])
                if not batch:
                    break
                self.sleep(min(0.05 * 2**round_, 2.0))  # DynamoDB throttled part of the batch: back off
            else:
                raise StoreUnavailableError(
                    f"DynamoDB kept {len(batch)} items unprocessed; {done} of {total} were written. "
                    "Run the import again: it writes the same items."
                )
            done += len(requests[start : start + BATCH])
            self.progress(done, total)
        return done

    def _batch(self, batch: list[dict[str, Any]]) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.batch_write_item(RequestItems={self.table_name: batch})  # type: ignore[dict-item]
        except (BotoCoreError, ClientError) as err:
            raise aws_failure(err, StoreUnavailableError, "The accounts table") from None

    def _stale_keys(self) -> Iterator[dict[str, str]]:
        """Keys of items written by another import than this one."""
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table_name,
            ProjectionExpression="#k, importId",
            ExpressionAttributeNames={"#k": KEY},
        )
        for page in pages:
            for item in page.get("Items", []):
                if item.get("importId", {}).get("S") != self.import_id:
                    yield item[KEY]  # type: ignore[misc]
