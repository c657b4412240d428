"""The red team's attacks replayed through the HTTP API on the cloud adapters, at DEBUG.

One configuration holds every remote adapter at once: sessions in DynamoDB with KMS (moto
server), payments through the real Stripe SDK against localstripe, the Bedrock model through
boto3 against the local Converse server. PAYBOT_LOG_LEVEL is DEBUG, and so is every logger the
test can raise. Each generated conversation mixes the attack classes (separators, scripts,
zero-width, words, halves, labelled and unlabelled codes) into the name, amount and card turns;
then one scanner reads every sink: responses, every log record, the model's request bodies,
the DynamoDB items, the files under the data dir. (Issue 13, "done when", second item.)
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybot_channels.web.app import create_app
from paybot_core.bootstrap import build
from paybot_core.pci.logging import LIBRARY_LOGGERS
from paybot_core.settings import Settings
from tests.support import moto_server as moto
from tests.support.converse_server import ConverseServer
from tests.support.localstripe_emulator import SECRET_KEY, localstripe_url  # noqa: F401  (a fixture)
from tests.support.moto_server import moto_url  # noqa: F401  (a fixture)

from .attacks import cvv_after_expiry, cvv_attack, labelled_cvv, pan_attack
from .leaks import Card, Sinks, cards, dynamodb_item_text, log_text, raw_files

pytestmark = [pytest.mark.aws, pytest.mark.slow]

REPLAY = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def converse():
    server = ConverseServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cloud(moto_url, localstripe_url, converse, tmp_path_factory):  # noqa: F811
    dynamodb, kms = moto.client("dynamodb", moto_url), moto.client("kms", moto_url)
    table = f"sessions-{uuid.uuid4().hex[:8]}"
    keys_table = f"keys-{uuid.uuid4().hex[:8]}"
    moto.create_session_table(dynamodb, table)
    moto.create_session_table(dynamodb, keys_table)
    env = {**moto.aws_env(moto_url), "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": converse.url}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        services = build(
            Settings(
                data_dir=tmp_path_factory.mktemp("cloud"),
                log_level="DEBUG",
                allow_typed_card_entry=True,
                session_store="dynamodb",
                dynamodb_table=table,
                session_keys_table=keys_table,
                session_kms_key_id=moto.create_kms_key(kms),
                payment_gateway="stripe",
                stripe_secret_key=SECRET_KEY,
                stripe_api_base=localstripe_url,
                language_model="bedrock",
                audit_log="file",
            )
        )
        yield services, dynamodb, (table, keys_table), converse


@st.composite
def attack_conversations(draw: st.DrawFn) -> tuple[Card, list[str]]:
    """Card material in every class, at the name and amount prompts and at the card's own steps."""
    card = draw(cards())
    pan = draw(pan_attack(card.pan))
    code = draw(
        st.one_of(
            labelled_cvv(card.cvv),
            cvv_after_expiry(card.cvv, card.exp_month, card.exp_year),
            cvv_attack(card.cvv, card.exp_month, card.exp_year),  # the second round's classes
        )
    )
    at_name = draw(st.sampled_from([pan, f"I'm {pan}", code, "the card holder goes by Jane Doe"]))
    at_amount = draw(st.sampled_from([f"{pan} dollars", code, "fifty dollars", f"put {pan} on it"]))
    turns = [at_name, "Jane Doe", at_amount, "$50", pan, f"{card.exp_month:02d}/{card.exp_year % 100:02d}"]
    turns += [code if "/" not in code else f"cvv {card.cvv}", "yes"]
    return card, turns


@REPLAY
@given(conversation=attack_conversations())
def test_no_sink_holds_card_data_or_keys_on_the_cloud_adapters_at_debug(cloud, caplog, conversation):
    services, dynamodb, tables, converse = cloud
    card, turns = conversation
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    for name in ("paybot", "botocore", "boto3", "urllib3", "stripe", "aws_encryption_sdk"):
        caplog.set_level(logging.DEBUG, logger=name)  # what a careless deployment would do
    converse.reset()
    responses = []
    with TestClient(create_app(services, sweep_expired=False)) as client:
        session = client.post("/v1/sessions", json={"cardEntry": "typed"}).json()["sessionId"]
        for turn in turns:
            reply = client.post("/v1/chat", json={"sessionId": session, "message": turn})
            assert reply.status_code in (200, 400), reply.status_code
            responses.append(reply.text)
        responses.append(client.get(f"/v1/sessions/{session}").text)
    items = [dynamodb_item_text(i) for t in tables for i in dynamodb.scan(TableName=t)["Items"]]
    sinks = Sinks()
    sinks.add_text("responses", responses, dlp=True)
    sinks.add_text("logs", log_text(caplog), dlp=True)
    sinks.add_text("model requests", list(converse.bodies), dlp=True)
    sinks.add_text("dynamodb items", items)
    sinks.raw.update(raw_files(Path(services.settings.data_dir)))
    finds = sinks.finds(card)
    assert not finds, finds
    # Wire-logging libraries wrote nothing below WARNING: no Secrets Manager, KMS or Stripe bodies.
    noisy = [r.name for r in caplog.records if r.levelno < logging.WARNING and r.name.split(".")[0] in
             {n.split(".")[0] for n in LIBRARY_LOGGERS} and not r.name.startswith("httpx")]  # fmt: skip
    assert not noisy, sorted(set(noisy))
    assert not any("Plaintext" in part or "card[cvc]" in part for part in log_text(caplog))


def test_only_the_stores_own_sort_key_numbers_are_blanked_in_scanned_items():
    item = {
        "listSk": {"S": "01764627000#ses_YTdKrnhxWGjamiOApdaerPqP#000000004#000"},
        "note": {"S": "cvv 000"},
    }
    text = dynamodb_item_text(item)
    assert "#000" not in text  # the event's position in its save, made by the store
    assert "cvv 000" in text  # any other attribute is scanned as written
    forged = dynamodb_item_text({"listSk": {"S": "cvv 000"}})
    assert "cvv 000" in forged  # a sort key of another shape is scanned too
