"""A leak fuzzer: generated card numbers of every brand, expiries and CVVs at random places of random
turns of whole conversations, in both card entry modes and on the phone; then every sink is scanned
(responses, logs, the SQLite files' raw bytes with their WAL, the audit log, language-model requests).

The card and its code come as a payer types them or in the red team's forms (issue 13: any separator,
digit script, zero-width characters, words, halves in one sentence; any label of the code); on the
phone, a caller of unknown number may key the card at the account-number prompt."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybot_channels.connect.channel import PhoneChannel
from paybot_channels.connect.handler import respond
from paybot_channels.connect.simulator import (
    DEMO_CALLER,
    CallSimulator,
    ConnectStyleEncryptor,
    Keypad,
    load_flow,
)
from paybot_channels.web.app import create_app
from paybot_core import Settings, build

from .leaks import (
    Card,
    Conversation,
    RecordingModel,
    Sinks,
    cards,
    conversations,
    decoded_store_text,
    log_text,
    raw_files,
)

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=False,
    # caplog is cleared per example; each example builds its own services in its own directory.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _scan(
    data_dir: Path, responses: list[str], model: RecordingModel, caplog: pytest.LogCaptureFixture
) -> Sinks:
    sinks = Sinks()
    sinks.add_text("responses", responses, dlp=True)
    sinks.add_text("logs", log_text(caplog), dlp=True)
    sinks.add_text("language-model requests", model.requests, dlp=True)
    audit = data_dir / "audit.jsonl"
    sinks.add_text("audit log", [audit.read_text() if audit.exists() else ""])
    sinks.add_text("session store rows", [decoded_store_text(data_dir / "sessions.sqlite3")])
    sinks.raw.update(raw_files(data_dir))
    return sinks


def _web_conversation(conversation: Conversation, card_entry: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.clear()
    with tempfile.TemporaryDirectory(prefix="paybot-leak-") as tmp:
        data_dir = Path(tmp)
        model = RecordingModel()
        services = build(Settings(data_dir=data_dir, allow_typed_card_entry=True), model=model)
        responses: list[str] = []
        with TestClient(create_app(services, sweep_expired=False)) as client:
            created = client.post("/v1/sessions", json={"cardEntry": card_entry})
            responses.append(created.text)
            session_id = created.json()["sessionId"]
            for turn in conversation.turns:
                answer = client.post("/v1/chat", json={"sessionId": session_id, "message": turn})
                assert answer.status_code in (200, 400), answer.status_code
                responses.append(answer.text)
                # Content-Length is a byte count the server does not choose: it can equal a CVC by chance.
                responses.extend(
                    f"{k}: {v}" for k, v in answer.headers.items() if k.lower() != "content-length"
                )
            if card_entry == "secure":
                # The secure form's path carries the same card: only a pm_ id may come back.
                card = conversation.card
                form = client.post(
                    "/v1/sandbox/payment_methods",
                    json={
                        "number": card.pan,
                        "expMonth": card.exp_month,
                        "expYear": card.exp_year,
                        "cvc": card.cvv,
                    },
                )
                responses.append(form.text)
                if form.status_code == 201:
                    for body in ({"paymentMethod": form.json()["id"]}, {"message": "yes"}):
                        answer = client.post("/v1/chat", json={"sessionId": session_id, **body})
                        responses.append(answer.text)
            responses.append(client.get(f"/v1/sessions/{session_id}").text)
            responses.append(client.get("/v1/sandbox/payment_intents", params={"sessionId": session_id}).text)
        finds = _scan(data_dir, responses, model, caplog).finds(conversation.card, [conversation.typed_pan])
        assert not finds, finds


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in ("paybot", "paybot.web", "paybot.service", "paybot.connect", "uvicorn", "httpx"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@FUZZ
@given(conversation=conversations())
def test_typed_card_entry_leaks_nothing(
    conversation: Conversation, debug_logs: pytest.LogCaptureFixture
) -> None:
    _web_conversation(conversation, "typed", debug_logs)


@FUZZ
@given(conversation=conversations())
def test_secure_card_entry_leaks_nothing(
    conversation: Conversation, debug_logs: pytest.LogCaptureFixture
) -> None:
    _web_conversation(conversation, "secure", debug_logs)


ENCRYPTOR = ConnectStyleEncryptor()
UNKNOWN_CALLER = "+15555550142"  # in no account of the demo directory: the flow asks for an account number


@st.composite
def keypad_scripts(draw: st.DrawFn) -> tuple[Card, str, str]:
    """The caller's keys: card number, expiry and CVV entries (each ended by #), menu presses and
    the card keyed at the wrong prompt, in a random order. A caller whose number is unknown is
    asked for an account number first, where the card (or its code) may be keyed by mistake."""
    card = draw(cards())
    pieces = [f"{card.pan}#", f"{card.mmyy}#", f"{card.cvv}#"]
    extra = draw(st.lists(st.sampled_from(["1", "2", "9", "#", f"{card.pan}#", f"{card.cvv}#"]), max_size=4))
    ordered = draw(st.sampled_from(["in order", "shuffled"]))
    keys = pieces + extra if ordered == "in order" else draw(st.permutations(pieces + extra))
    language = draw(st.sampled_from(["1", "2", ","]))  # the flow's first menu: English, Spanish, nothing
    caller, account = DEMO_CALLER, ""
    if draw(st.booleans()):
        caller = UNKNOWN_CALLER
        account = draw(
            st.sampled_from(["1001#", f"{card.pan}#1001#", f"{card.cvv}#1001#", f"{card.pan}*#1001#"])
        )
    return card, language + account + "".join(keys) + draw(st.sampled_from(["1", "2", ""])), caller


@FUZZ
@given(script=keypad_scripts())
def test_phone_handler_leaks_nothing(
    script: tuple[Card, str, str], debug_logs: pytest.LogCaptureFixture
) -> None:
    card, keys, caller = script
    debug_logs.clear()
    with tempfile.TemporaryDirectory(prefix="paybot-leak-phone-") as tmp:
        data_dir = Path(tmp)
        model = RecordingModel()
        services = build(Settings(data_dir=data_dir), model=model)
        channel = PhoneChannel(services, ENCRYPTOR.decryptor())
        call = CallSimulator(
            load_flow(), lambda event: respond(channel, event), Keypad(keys), caller=caller, encrypt=ENCRYPTOR
        ).run()
        sinks = _scan(data_dir, [], model, debug_logs)
        kept = [*call.attribute_values]
        for event in call.events:
            kept.extend(event["Details"]["ContactData"]["Attributes"].values())
        sinks.add_text("contact attributes", kept, dlp=True)
        sinks.add_text("transcript", call.transcript, dlp=True)
        sinks.add_text("handler answers", [json.dumps(a) for a in call.answers], dlp=True)
        finds = sinks.finds(card)
        assert not finds, finds
        assert all(call.card_inputs_protected)
