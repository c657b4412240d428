"""The merchant lookup (AccountDirectory) and replies phrased for speech."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paybot_core import AccountDue
from paybot_core.adapters.account_directory import JsonAccountDirectory, normalise_phone
from paybot_core.errors import ConfigurationError
from paybot_core.replies import Style, format_amount, number_words, spell_digits, spoken_code

DEMO = AccountDue("DEMO-1001", "Jane Doe", 5000, "usd")


def test_demo_table_ships_with_the_package() -> None:
    accounts = JsonAccountDirectory.from_file()

    assert accounts.find_by_phone("+1 (555) 555-0100") == DEMO
    assert accounts.find_by_reference("demo-1001") == DEMO
    assert accounts.find_by_reference("1001") == DEMO  # a keypad has no letters
    assert accounts.find_by_phone("+15555550111") is None
    assert accounts.find_by_reference("") is None


def test_a_merchant_table_from_a_file(tmp_path: Path) -> None:
    table = tmp_path / "accounts.json"
    row = {
        "reference": "INV-77",
        "customerName": "Ann Lee",
        "amount": 1999,
        "currency": "EUR",
        "phones": ["+447700900123"],
    }
    table.write_text(json.dumps({"accounts": [row]}))

    accounts = JsonAccountDirectory.from_file(table)
    assert accounts.find_by_phone("+44 7700 900123") == AccountDue("INV-77", "Ann Lee", 1999, "eur")
    assert accounts.find_by_reference("DEMO-1001") is None


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"accounts": [{"reference": "X"}]}',
        '{"accounts": [{"reference": "X", "customerName": "A", "amount": 0}]}',
    ],
)
def test_a_broken_table_is_a_clear_configuration_error(tmp_path: Path, content: str) -> None:
    table = tmp_path / "accounts.json"
    table.write_text(content)
    with pytest.raises(ConfigurationError, match="accounts table"):
        JsonAccountDirectory.from_file(table)


def test_bootstrap_wires_the_table_from_settings(make_services, tmp_path: Path) -> None:
    table = tmp_path / "mine.json"
    table.write_text(json.dumps({"accounts": [{"reference": "A-1", "customerName": "Bo", "amount": 100}]}))
    assert make_services().accounts.find_by_reference("DEMO-1001") == DEMO
    assert make_services(accounts_file=table).accounts.find_by_reference("A-1") == AccountDue(
        "A-1", "Bo", 100, "usd"
    )
    assert normalise_phone("+1 555 555 0100") == "+15555550100"


@pytest.mark.parametrize(
    ("number", "words"),
    [(0, "zero"), (13, "thirteen"), (42, "forty-two"), (100, "one hundred"),
     (1250, "one thousand two hundred fifty"), (2_000_017, "two million seventeen")],
)  # fmt: skip
def test_number_words(number: int, words: str) -> None:
    assert number_words(number) == words


def test_amounts_in_words_for_speech_and_unchanged_in_text() -> None:
    assert format_amount(5000, "usd", Style.SPEECH) == "fifty dollars"
    assert (
        format_amount(125050, "usd", Style.SPEECH) == "one thousand two hundred fifty dollars and fifty cents"
    )
    assert format_amount(101, "gbp", Style.SPEECH) == "one pound and one penny"
    assert format_amount(125050, "usd") == "$1,250.50"
    assert format_amount(5000, "jpy") == "¥5,000"


def test_digits_are_spaced_for_speech() -> None:
    assert spell_digits("DEMO-1001") == "DEMO 1 0 0 1"
    assert spoken_code("pi_3MtwBwLkdIwHu7ix28a3tqPa") == "A 3 T Q P A"
