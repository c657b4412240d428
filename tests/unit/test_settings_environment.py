"""How `Settings()` reads the PAYBOT_* environment (as pydantic-settings did before it was dropped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paybot_core import Settings, SettingsError


def test_a_variable_is_read_whatever_the_case_of_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYBOT_MAX_AMOUNT", "2500")
    monkeypatch.setenv("paybot_merchant_name", "Corner Shop")
    monkeypatch.setenv("Paybot_Session_Store", "memory")
    settings = Settings()
    assert (settings.max_amount, settings.merchant_name, settings.session_store) == (
        2500,
        "Corner Shop",
        "memory",
    )


def test_keyword_arguments_override_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PAYBOT_DATA_DIR", "/somewhere/else")
    monkeypatch.setenv("PAYBOT_CURRENCY", "eur")
    settings = Settings(data_dir=tmp_path)
    assert settings.data_dir == tmp_path and settings.currency == "eur"


def test_the_environment_is_read_at_each_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYBOT_SESSION_TTL_SECONDS", "60")
    first = Settings()
    monkeypatch.setenv("PAYBOT_SESSION_TTL_SECONDS", "120")
    assert (first.session_ttl_seconds, Settings().session_ttl_seconds) == (60, 120)


@pytest.mark.parametrize(
    "value", ['["visa", "amex"]', "visa,amex", " visa , amex ", '["visa","amex"]'], ids=repr
)
def test_a_list_setting_is_json_or_comma_separated(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PAYBOT_ACCEPTED_BRANDS", value)
    assert Settings().accepted_brands == ("visa", "amex")


def test_variables_that_name_no_setting_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYBOT_NO_SUCH_SETTING", "x")
    monkeypatch.setenv("MAX_AMOUNT", "-1")  # not ours: no prefix
    monkeypatch.setenv("XPAYBOT_MAX_AMOUNT", "-1")
    assert Settings().max_amount == Settings.model_fields["max_amount"].default


def test_an_empty_variable_is_a_value_not_an_absence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYBOT_MAX_AMOUNT", "")
    with pytest.raises(SettingsError) as raised:
        Settings()
    assert [line.split("=")[0] for line in raised.value.problems] == ["PAYBOT_MAX_AMOUNT"]


def test_defaults_are_validated_like_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # A default passes through the same validators a value does (public_url loses a trailing slash).
    monkeypatch.setenv("PAYBOT_PUBLIC_URL", "https://pay.example.com/")
    assert Settings().public_url == "https://pay.example.com"
    monkeypatch.delenv("PAYBOT_PUBLIC_URL")
    assert Settings().accepted_brands == ("visa", "mastercard", "amex", "discover")
