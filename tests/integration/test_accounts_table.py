"""The phone channel's accounts on Lambda: a DynamoDB table filled by `paybot accounts import`.

Real boto3 against moto's server: the import checks the whole file before writing anything, writes
it in batches (again for what DynamoDB leaves unprocessed), reports progress, and with --replace
leaves exactly the file; the directory finds each account as the embedded one does; and the demo
table is refused wherever the Stripe gateway would charge a real card for it.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from paybot_channels.cli import main
from paybot_core import AccountDue, AccountsFileError, Settings, SettingsError, build
from paybot_core.adapters.account_directory import DemoAccountsRefused, JsonAccountDirectory, read_accounts
from paybot_core.adapters.dynamodb_accounts import AccountImport, DynamoDBAccountDirectory
from paybot_core.errors import ConfigurationError
from tests.support import moto_server as moto

pytestmark = pytest.mark.aws

CSV = """reference,customerName,amount,currency,phones
INV-1001,Jane Doe,5000,usd,+1 (555) 555-0100
inv-2002,José Ñúñez,125050,EUR,+447700900123;+447700900124
ACME-7,"Acme, Inc.",99,usd,
"""


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    for name, value in moto.aws_env(moto_url).items():
        monkeypatch.setenv(name, value)
    dynamodb = moto.client("dynamodb", moto_url)
    table = f"accounts-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(  # as infra's AccountsTable declares it
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "lookup", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "lookup", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return {"dynamodb": dynamodb, "table": table, "url": moto_url}


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _items(aws: dict[str, Any]) -> list[dict[str, Any]]:
    pages = aws["dynamodb"].get_paginator("scan").paginate(TableName=aws["table"])
    return [item for page in pages for item in page["Items"]]


def test_an_imported_table_finds_each_account_as_the_embedded_directory_does(aws, tmp_path: Path) -> None:
    path = _file(tmp_path, "accounts.csv", CSV)
    rows = read_accounts(path)
    written, deleted = AccountImport(aws["dynamodb"], aws["table"]).run(rows)
    assert (written, deleted) == (3 + 3 + 3, 0)  # references, their digits, phones
    table = DynamoDBAccountDirectory(aws["dynamodb"], aws["table"])
    embedded = JsonAccountDirectory(rows)
    jane = AccountDue("INV-1001", "Jane Doe", 5000, "usd")
    for directory in (table, embedded):
        assert directory.find_by_phone("+15555550100") == jane
        assert directory.find_by_phone("+1 555 555 0100") == jane
        assert directory.find_by_reference("inv-1001") == jane
        assert directory.find_by_reference("1001") == jane  # keyed on a keypad
        assert directory.find_by_phone("+44 7700 900124") == AccountDue(
            "inv-2002", "José Ñúñez", 125050, "eur"
        )
        assert directory.find_by_reference("ACME-7") == AccountDue("ACME-7", "Acme, Inc.", 99, "usd")
        assert (
            directory.find_by_reference("INV-9999") is None
            and directory.find_by_phone("+15550000000") is None
        )
        assert directory.find_by_reference("") is None and directory.find_by_phone("") is None


def test_json_and_csv_tables_read_the_same(tmp_path: Path) -> None:
    as_csv = read_accounts(_file(tmp_path, "a.csv", CSV))
    document = {
        "accounts": [
            {"reference": "INV-1001", "customerName": "Jane Doe", "amount": 5000, "phones": ["+15555550100"]},
            {
                "reference": "inv-2002",
                "customerName": "José Ñúñez",
                "amount": 125050,
                "currency": "EUR",
                "phones": ["+447700900123", "+447700900124"],
            },
            {"reference": "ACME-7", "customerName": "Acme, Inc.", "amount": 99, "currency": "usd"},
        ]
    }
    assert read_accounts(_file(tmp_path, "a.json", json.dumps(document))) == as_csv


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            "reference,customerName,amount,currency,phones\n"
            "A-1,Ann,12.50,usd,\n"  # line 2: not minor units
            "A-2,,100,usd,\n"  # line 3: no name
            "A-3,Cy,100,dollars,\n"  # line 4: not a currency code
            "A-4,Di,100,usd,555-0100\n"  # line 5: a local number, not E.164
            "A-5,Eve,100,usd,+15555550100\n"  # line 6: good
            "a-5,Ed,100,usd,\n"  # line 7: A-5 again (case does not make a new reference)
            "A-6,Fay,100,usd,+1 555 555 0100\n"  # line 8: Eve's phone again
            "A-7,Gil,100,usd,+15555550107,extra\n",  # line 9: a stray comma
            ["line 2: amount", "line 3: customerName is missing", "line 4: currency", "line 5: phone",
             "line 7: reference 'a-5' is already on line 6",
             "line 8: phone +15555550100 is already on line 6", "line 9: more fields"],
        ),
        ("reference,name,amount\nA-1,Ann,100\n",
         ["the header needs column customerName", "unknown column 'name'"]),
    ],
)  # fmt: skip
def test_a_bad_file_names_every_bad_row_and_writes_nothing(
    aws, tmp_path: Path, text: str, problems: list[str]
) -> None:
    path = _file(tmp_path, "bad.csv", text)
    with pytest.raises(AccountsFileError) as caught:
        read_accounts(path)
    assert len(caught.value.problems) == len(problems)
    for found, expected in zip(caught.value.problems, problems, strict=True):
        assert expected in found
    assert main(["accounts", "import", str(path), "--table", aws["table"]]) == 2
    assert _items(aws) == []


def test_the_command_imports_reports_progress_and_replaces(aws, tmp_path: Path, capsys) -> None:
    many = "reference,customerName,amount\n" + "".join(
        f"BIG-{n},Payer {n},{100 + n}\n" for n in range(10_000, 10_400)
    )
    assert main(["accounts", "import", str(_file(tmp_path, "big.csv", many)), "--table", aws["table"]]) == 0
    out, err = capsys.readouterr()
    assert "400 accounts" in out and "800 lookup entries" in out
    assert err.strip().splitlines()[-1].startswith("imported 800/800 lookup entries")
    assert len(_items(aws)) == 800

    small = _file(tmp_path, "small.csv", CSV)
    assert main(["accounts", "import", str(small), "--table", aws["table"]]) == 0  # adds, keeps the rest
    assert len(_items(aws)) == 809
    assert main(["accounts", "import", str(small), "--table", aws["table"], "--replace"]) == 0
    out, _ = capsys.readouterr()
    assert "800 entries of earlier imports removed" in out
    assert len(_items(aws)) == 9
    assert DynamoDBAccountDirectory(aws["dynamodb"], aws["table"]).find_by_reference("BIG-10007") is None


def test_the_table_comes_from_the_setting_and_a_wrong_table_is_refused(
    aws, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = _file(tmp_path, "accounts.csv", CSV)
    assert main(["accounts", "import", str(path)]) == 2
    assert "PAYBOT_ACCOUNTS_TABLE" in capsys.readouterr().err
    monkeypatch.setenv("PAYBOT_ACCOUNTS_TABLE", aws["table"])
    assert main(["accounts", "import", str(path)]) == 0
    sessions = f"sessions-{uuid.uuid4().hex[:8]}"
    moto.create_session_table(aws["dynamodb"], sessions)
    assert main(["accounts", "import", str(path), "--table", sessions]) == 2
    assert "not an accounts table" in capsys.readouterr().err
    assert main(["accounts", "import", str(path), "--table", "no-such-table"]) == 2
    assert "ResourceNotFoundException" in capsys.readouterr().err
    assert main(["accounts", "import", str(path), "--check"]) == 0  # checks only: no table needed


class Throttled:
    """The real client, but the first write of each batch leaves its second half unprocessed."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:  # noqa: N803
        self.writes += 1
        ((table, requests),) = RequestItems.items()
        if self.writes % 2 == 1 and len(requests) > 1:
            half = len(requests) // 2
            self.client.batch_write_item(RequestItems={table: requests[:half]})
            return {"UnprocessedItems": {table: requests[half:]}}
        return self.client.batch_write_item(RequestItems=RequestItems)


def test_items_dynamodb_leaves_unprocessed_are_written_again(aws, tmp_path: Path) -> None:
    rows = read_accounts(_file(tmp_path, "a.csv", CSV))
    throttled = Throttled(aws["dynamodb"])
    seen: list[tuple[int, int]] = []
    AccountImport(
        throttled, aws["table"], progress=lambda d, t: seen.append((d, t)), sleep=lambda s: None
    ).run(rows)  # type: ignore[arg-type]
    assert throttled.writes == 2 and len(_items(aws)) == 9 and seen == [(9, 9)]


def test_bootstrap_wires_the_table_and_refuses_the_demo_table_with_stripe(aws, tmp_path: Path) -> None:
    rows = read_accounts(_file(tmp_path, "a.csv", CSV))
    AccountImport(aws["dynamodb"], aws["table"]).run(rows)
    services = build(Settings(data_dir=tmp_path, accounts_table=aws["table"]))
    assert services.accounts.find_by_reference("1001") == AccountDue("INV-1001", "Jane Doe", 5000, "usd")

    live = build(Settings(data_dir=tmp_path, payment_gateway="stripe", stripe_secret_key="sk_test_x"))
    assert isinstance(live.accounts, DemoAccountsRefused)
    with pytest.raises(ConfigurationError, match="refuses the demo accounts table"):
        live.accounts.find_by_phone("+15555550100")
    # The phone channel deployed (its keypad key in Secrets Manager) does not even start that way.
    with pytest.raises(SettingsError, match="PAYBOT_ACCOUNTS_TABLE"):
        Settings(payment_gateway="stripe", stripe_secret_id="s", connect_private_key_secret_id="k")
    with pytest.raises(SettingsError, match="not both"):
        Settings(accounts_table=aws["table"], accounts_file=tmp_path / "a.csv")
