"""Bad settings: one line per PAYBOT_* variable saying what it expects; nothing else changes."""

from __future__ import annotations

import pytest

from paybot_channels.cli import main
from paybot_core import Settings, SettingsError

BAD = [
    ("PAYBOT_MAX_AMOUNT", "abc", "whole number"),
    ("PAYBOT_MAX_AMOUNT", "-3", "greater than 0"),
    ("PAYBOT_PAYMENT_GATEWAY", "strpe", "'sandbox' or 'stripe'"),
    ("PAYBOT_SESSION_STORE", "postgres", "'sqlite', 'dynamodb' or 'memory'"),
    ("PAYBOT_ALLOW_TYPED_CARD_ENTRY", "maybe", "true or false"),
    ("PAYBOT_CURRENCY", "dollars", "3-letter ISO 4217"),
    ("PAYBOT_LOG_LEVEL", "verbose", "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ("PAYBOT_CORS_ORIGINS", "*", "not *"),
    ("PAYBOT_CORS_ORIGINS", "https://shop.example,*", "not *"),
    ("PAYBOT_CORS_ORIGINS", "shop.example", "scheme://host"),
    ("PAYBOT_ACCEPTED_BRANDS", "visa,amx", "not amx"),
    ("PAYBOT_SESSION_TTL_SECONDS", "0", "greater than 0"),
    ("PAYBOT_WORKER_THREADS", "lots", "whole number"),
]


@pytest.mark.parametrize(("name", "value", "expects"), BAD, ids=[f"{n}={v}" for n, v, _ in BAD])
def test_a_bad_variable_is_one_line_naming_it_and_what_it_expects(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expects: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert len(raised.value.problems) == 1
    (line,) = raised.value.problems
    assert line.startswith(f"{name}=") and expects in line, line
    assert "pydantic" not in str(raised.value) and "errors.pydantic.dev" not in str(raised.value)


def test_several_bad_variables_give_a_line_each(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value, _ in (BAD[0], BAD[2], BAD[6]):
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert [line.split("=")[0] for line in raised.value.problems] == [
        "PAYBOT_MAX_AMOUNT",
        "PAYBOT_PAYMENT_GATEWAY",
        "PAYBOT_LOG_LEVEL",
    ]


def test_a_secret_value_is_never_repeated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYBOT_VAULT_KEY", "c2VjcmV0LXZhdWx0LWtleQ==")
    monkeypatch.setenv("PAYBOT_VAULT_KEY_SECRET_ID", "paybot/vault")
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert raised.value.problems == ["set PAYBOT_VAULT_KEY or PAYBOT_VAULT_KEY_SECRET_ID, not both"]
    monkeypatch.delenv("PAYBOT_VAULT_KEY_SECRET_ID")
    monkeypatch.setenv("PAYBOT_STRIPE_TIMEOUT_SECONDS", "slow")
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert "c2VjcmV0" not in str(raised.value)


@pytest.mark.parametrize(
    ("name", "value", "field", "read"),
    [
        ("PAYBOT_CURRENCY", "USD", "currency", "usd"),
        ("PAYBOT_LOG_LEVEL", "debug", "log_level", "DEBUG"),
        (
            "PAYBOT_CORS_ORIGINS",
            "https://shop.example, http://localhost:3000",
            "cors_origins",
            ("https://shop.example", "http://localhost:3000"),
        ),
    ],
)
def test_forms_people_write_are_read(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, field: str, read: object
) -> None:
    monkeypatch.setenv(name, value)
    assert getattr(Settings(), field) == read


def test_paybot_serve_prints_the_lines_and_exits_2_before_serving(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAYBOT_MAX_AMOUNT", "abc")
    monkeypatch.setenv("PAYBOT_LOG_LEVEL", "verbose")
    assert main(["serve", "--port", "0"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "paybot: invalid settings:",
        "  PAYBOT_MAX_AMOUNT='abc': expected a whole number (largest amount in minor units (cents))",
        "  PAYBOT_LOG_LEVEL='verbose': expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
    ]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("PAYBOT_STRIPE_SECRET_KEY", "PAYBOT_STRIPE_SECRET_ID"),
        ("PAYBOT_STRIPE_WEBHOOK_SECRET", "PAYBOT_STRIPE_WEBHOOK_SECRET_ID"),
        ("PAYBOT_ACCOUNTS_TABLE", "PAYBOT_ACCOUNTS_FILE"),
        ("PAYBOT_EDGE_SECRET", "PAYBOT_EDGE_SECRET_ID"),
        ("PAYBOT_VAULT_KEY", "PAYBOT_VAULT_KEY_SECRET_ID"),
    ],
)
def test_a_setting_given_two_ways_is_refused_naming_both(
    monkeypatch: pytest.MonkeyPatch, one: str, other: str
) -> None:
    values = {one: "paybot-one-value-0123456789", other: "paybot-other-value-0123456789"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert raised.value.problems == [f"set {one} or {other}, not both"]
    monkeypatch.delenv(other)
    Settings()  # either one alone is a start
