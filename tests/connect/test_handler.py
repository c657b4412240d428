"""The Lambda handler on events from JSON fixtures shaped like Connect's (tests/events/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from paybot_channels.connect.channel import PhoneChannel
from paybot_channels.connect.errors import InputDecryptionError
from paybot_channels.connect.events import ConnectContactFlowEvent
from paybot_channels.connect.handler import respond
from paybot_core import Field

from .conftest import Phone

EVENTS = Path(__file__).parent.parent / "events"


def _event(name: str, **parameters: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    event["Details"]["Parameters"].update(parameters)
    return event


def _flat_strings(answer: object) -> bool:
    return isinstance(answer, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in answer.items()
    )


def test_typed_view_of_a_connect_event() -> None:
    event = ConnectContactFlowEvent.parse(_event("connect_lookup.json"))

    assert event.contact_data.contact_id == "4a573372-1f28-4e26-b97b-1c6c4ae2fb71"
    assert event.caller_number == "+15555550100"
    assert event.contact_data.channel == "VOICE"
    assert event.parameter("step") == "lookup"
    assert repr(event).endswith("parameters=<['step']>)")  # names, never values


def test_lookup_by_caller_number_starts_a_voice_session(phone: Phone) -> None:
    answer = respond(phone.channel, _event("connect_lookup.json"))

    assert _flat_strings(answer)
    assert answer["result"] == "ok"
    assert answer["amount"] == "fifty dollars"
    assert answer["reference"] == "DEMO 1 0 0 1"
    state = phone.services.conversations.get(answer["session"]).state
    assert (state.channel.value, state.amount, state.name, state.presets.reference) == (
        "voice",
        5000,
        "Jane Doe",
        "DEMO-1001",
    )


def test_unknown_caller_is_asked_for_an_account_number(phone: Phone) -> None:
    answer = respond(phone.channel, _event("connect_lookup_unknown_caller.json"))

    assert answer == {
        "result": "ask_reference",
        "say": "I couldn't find an account for the number you're calling from.",
        "session": answer["session"],
    }
    # The session exists from the first step, in the caller's language, asking for the account.
    state = phone.services.conversations.get(answer["session"]).state
    assert (state.channel.value, state.locale, state.current_field) == ("voice", "en", Field.ACCOUNT)
    assert (state.amount, state.name, state.presets.reference) == (None, None, None)


def test_check_number_answers_masked_facts_only(phone: Phone) -> None:
    session = respond(phone.channel, _event("connect_lookup.json"))["session"]
    encrypted = phone.encryptor("key-1", "4242424242424242")
    answer = respond(phone.channel, _event("connect_check_number.json", session=session, input=encrypted))

    assert answer == {
        "result": "ok",
        "say": "Thanks, that's your Visa ending 4 2 4 2.",
        "brand": "visa",
        "last4": "4 2 4 2",
        "cvvPrompt": "And the three digit security code on the back of the card, then press pound.",
    }


def test_the_link_key_before_the_account_sends_nothing(phone: Phone, tmp_path: Path) -> None:
    # The flow asks for the account before any card field; a crafted check_number with the link key
    # on a session still awaiting its account must not text a link the web could not finish.
    session = respond(phone.channel, _event("connect_lookup_unknown_caller.json"))["session"]
    encrypted = phone.encryptor("key-1", "9")
    answer = respond(phone.channel, _event("connect_check_number.json", session=session, input=encrypted))

    assert answer == {"result": "retry", "say": "First I need your account number."}
    assert not list(tmp_path.rglob("*.sms.json")), "no text message went out"
    state = phone.services.conversations.get(session).state
    assert (state.channel.value, state.current_field) == ("voice", Field.ACCOUNT)


@pytest.mark.parametrize("name", ["apigateway_not_connect.json", "connect_unknown_step.json"])
def test_events_that_are_not_a_known_step_get_an_error_answer(phone: Phone, name: str) -> None:
    answer = respond(phone.channel, json.loads((EVENTS / name).read_text()))

    assert answer["result"] == "error"
    assert _flat_strings(answer)


def test_plain_keys_are_refused_unless_the_setting_allows_them(make_phone: Any) -> None:
    phone: Phone = make_phone()
    session = respond(phone.channel, _event("connect_lookup.json"))["session"]
    plain = _event("connect_check_number.json", session=session, input="4242424242424242")

    assert phone.channel.decryptor is not None
    with pytest.raises(InputDecryptionError):
        phone.channel.decryptor.decrypt("4242424242424242")
    assert respond(phone.channel, plain)["result"] == "error"
    without_key = PhoneChannel(phone.services, None, allow_plaintext=False)
    assert respond(without_key, plain)["result"] == "error"
    simulator_mode = PhoneChannel(phone.services, None, allow_plaintext=True)
    assert respond(simulator_mode, plain)["result"] == "ok"


def test_settings_name_the_plaintext_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    from paybot_core import Settings

    monkeypatch.setenv("PAYBOT_CONNECT_ALLOW_PLAINTEXT_INPUT", "true")
    monkeypatch.setenv("PAYBOT_CONNECT_PRIVATE_KEY_SECRET_ID", "paybot/dev/connect-private-key")
    settings = Settings()
    assert settings.connect_allow_plaintext_input is True
    assert settings.connect_private_key_secret_id == "paybot/dev/connect-private-key"


def test_handler_module_imports_no_web_stack_and_no_sdk() -> None:
    """The Lambda zip leaves out FastAPI; the Encryption SDK and boto3 load only when a key is used."""
    code = (
        "import sys, paybot_channels.connect.handler; "
        "heavy = ('fastapi', 'aws_encryption_sdk', 'boto3', 'paybot_channels.web'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_in_a_lambda_container_init_builds_the_channel_and_the_first_call_reuses_it(tmp_path: Path) -> None:
    """Lambda's runtime sets AWS_LAMBDA_FUNCTION_NAME: init (the import) builds, so a SnapStart
    snapshot holds the services and the first call only runs its step."""
    import os

    code = (
        "import json, sys, paybot_channels.connect.handler as h; "
        "built = h.default_channel.cache_info().currsize; "
        f"answer = h.handler(json.load(open({str(EVENTS / 'connect_lookup.json')!r}))); "
        "print(built, h.default_channel.cache_info().hits, answer['result'])"
    )
    env = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "paybot-connect", "PAYBOT_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == ["1", "1", "ok"]
