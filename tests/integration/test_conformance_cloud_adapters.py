"""The public conformance dialogs against `paybot serve` on DynamoDB (moto server) and on Bedrock (the local
Converse server): the same behaviour on the cloud adapters, chosen by environment alone."""

from __future__ import annotations

import pytest

from paybot_core.pci.redact import contains_card_number
from tests.support import moto_server as moto
from tests.support.conformance import KIT, run_dialogs
from tests.support.servers import paybot_server

pytestmark = [
    pytest.mark.slow,
    # Like tests/e2e/test_conformance.py: the kit sits beside the clone, not inside it.
    pytest.mark.skipif(
        not (KIT / "run_dialogs.py").exists(), reason="../shared/conformance is not beside the repo"
    ),
]


@pytest.mark.aws
def test_conformance_dialogs_pass_on_dynamodb(tmp_path, moto_url):
    sessions = moto.new_session_table(moto_url)
    dynamodb, table = sessions.dynamodb, sessions.name
    env = {**moto.aws_env(moto_url), **sessions.env(), "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true"}
    with paybot_server(tmp_path, env) as base:
        run_dialogs(base)
    assert dynamodb.scan(TableName=table, Select="COUNT")["Count"] > 10
    items = str(dynamodb.scan(TableName=table)["Items"])
    assert not contains_card_number(items)
    assert not (tmp_path / "sessions.sqlite3").exists()


@pytest.mark.aws
def test_conformance_dialogs_pass_on_bedrock_and_no_card_data_reaches_the_model(tmp_path, converse):
    env = {
        "PAYBOT_LANGUAGE_MODEL": "bedrock",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": converse.url,
        "AWS_REGION": moto.REGION,
        "AWS_DEFAULT_REGION": moto.REGION,
        **moto.FAKE_CREDENTIALS,
        "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
    }
    with paybot_server(tmp_path, env) as base:
        run_dialogs(base)
    assert converse.bodies, "the dialogs should have asked the model at least once"
    captured = "\n".join(converse.bodies)
    assert not contains_card_number(captured)
    for leaked in ("4242", "5555", "0002", "9995", "12/2", "cvc 1", "cvv 1"):
        assert leaked not in captured.lower()
    assert "model_usage" in (tmp_path / "server.log").read_text()
