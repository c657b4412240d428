"""What clients, merchants and crafted Connect events send is validated to its exact shape, and
nothing of it comes back raw (issue 13, findings 4, 5, 6, 8 and 9)."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybot_channels.connect.channel import PhoneChannel
from paybot_channels.connect.handler import respond
from paybot_channels.web.app import create_app
from paybot_core.bootstrap import build
from paybot_core.settings import Settings
from tests.support.connect_events import contact_flow_event as _event

from .attacks import labelled_cvv, pan_attack
from .leaks import all_digits, cards

CASES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    services = build(Settings(data_dir=tmp_path_factory.mktemp("untrusted"), allow_typed_card_entry=True))
    with TestClient(create_app(services, sweep_expired=False)) as test_client:
        yield test_client


@CASES
@given(data=st.data(), card=cards(), key=st.sampled_from(["reference", "description", "customerName"]))
def test_merchant_presets_holding_card_data_in_any_form_are_refused_naming_the_key(client, data, card, key):
    attack = data.draw(st.one_of(pan_attack(card.pan), labelled_cvv(card.cvv)))
    value = data.draw(st.sampled_from(["{}", "INV {}", "Order for {} thanks"])).format(attack)
    response = client.post("/v1/sessions", json={"amount": 500, key: value})
    assert response.status_code == 400, value
    message = response.json()["error"]["message"]
    assert key in message
    assert card.pan not in all_digits(response.text) and attack not in response.text


@CASES
@given(data=st.data(), card=cards(), path=st.sampled_from(["/v1/sessions", "/v1/chat"]))
def test_errors_never_echo_a_client_key(client, data, card, path):
    key = data.draw(pan_attack(card.pan))
    nested = data.draw(st.booleans())
    body = {"message": "hi", "x": {key: 1}} if nested else {key: 1}
    response = client.post(path, content=json.dumps(body), headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert card.pan not in all_digits(response.text)
    assert "is not a known field" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "pm", ["pm_4929_8541_9232_6189", "pm_4929854192326189", "pm__x", "pm_card__visa", "pm_1_2_3_4"]
)
def test_payment_method_ids_have_stripe_s_shape_and_no_digit_groups(client, pm) -> None:
    session = client.post("/v1/sessions", json={"cardEntry": "secure"}).json()["sessionId"]
    response = client.post("/v1/chat", json={"sessionId": session, "paymentMethod": pm})
    assert response.status_code == 400
    assert "4929" not in response.text and "6189" not in response.text


@pytest.mark.parametrize("sid", ["ses_4929_8541_9232_6189", "ses_4929854192326189", "4929.8541.9232.6189"])
def test_session_ids_are_letters_after_their_prefix(client, sid) -> None:
    """Any other shape is an unknown session, answered without the id."""
    response = client.post("/v1/chat", json={"sessionId": sid, "message": "hi"})
    assert response.status_code == 404 and "4929" not in response.text
    response = client.get(f"/v1/sessions/{sid}")
    assert response.status_code == 404 and "4929" not in response.text


@CASES
@given(data=st.data(), card=cards())
def test_a_card_number_typed_as_a_name_never_becomes_the_name(client, data, card):
    shown = data.draw(pan_attack(card.pan, ("scripts", "words")))
    session = client.post("/v1/sessions", json={"cardEntry": "secure", "amount": 500}).json()["sessionId"]
    reply = client.post("/v1/chat", json={"sessionId": session, "message": shown})
    assert reply.status_code == 200
    assert reply.json()["collected"].get("name") is None
    assert card.pan not in all_digits(reply.text)


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    services = build(Settings(data_dir=tmp_path_factory.mktemp("phone")))
    return PhoneChannel(services, allow_plaintext=True)


@CASES
@given(
    data=st.data(), card=cards(), where=st.sampled_from(["ContactId", "step", "tries", "session", "field"])
)
def test_crafted_connect_events_get_nothing_logged_or_answered_back_raw(phone, caplog, data, card, where):
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    attack = data.draw(st.one_of(st.just(card.pan), pan_attack(card.pan, ("separators", "scripts"))))
    parameters = {"step": "lookup_reference", "reference": "1001", "tries": "0", "session": "ses_abc"}
    if where == "ContactId":
        event = _event(parameters, contact_id=attack)
    else:
        event = _event({**parameters, where: attack})
    answer = respond(phone, event)
    assert answer["result"] == "error"
    sinks = json.dumps(answer) + "\n".join(r.getMessage() for r in caplog.records)
    assert card.pan not in all_digits(sinks)


def test_tries_is_a_small_number_never_echoed_back_changed(phone) -> None:
    answer = respond(
        phone, _event({"step": "lookup_reference", "reference": "77", "tries": "4929854192326188"})
    )
    assert answer["result"] == "error" and "492985" not in json.dumps(answer)


@CASES
@given(card=cards())
def test_a_card_number_keyed_at_the_account_prompt_is_refused(phone, caplog, card):
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    session = respond(phone, _event({"step": "lookup"}))["session"]  # a caller whose number has no account
    answer = respond(
        phone, _event({"step": "lookup_reference", "session": session, "reference": f"{card.pan}#"})
    )
    assert answer["result"] == "retry" and "card number" in answer["say"]
    assert card.pan not in all_digits(json.dumps(answer) + "".join(r.getMessage() for r in caplog.records))
