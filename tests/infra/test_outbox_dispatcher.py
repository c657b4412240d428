"""The outbox's managed engine as Pulumi declares it (runtime mocks): stream -> relay -> FIFO -> delivery."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from infra_mocks import settled, stack_config, use_mocks
from test_infra_settings import settings_from

from infra.components import OutboxDispatcher, OutboxDispatcherArgs, PaybotFunctionArgs
from infra.components.outbox_dispatcher import DELIVERY_HANDLER, RELAY_HANDLER
from infra.config import load_config
from infra.errors import InfraConfigError
from infra.program import build_stack

pytestmark = pytest.mark.infra
KEY = "arn:aws:kms:us-east-1:123456789012:key/k"
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/paybot-test-sessions"
STREAM = f"{TABLE}/stream/2026-06-15T00:00:00.000"
IDENTITY = "arn:aws:ses:us-east-1:123456789012:identity/acme.example"


def function(tmp: Path, suffix: str, timeout: int) -> PaybotFunctionArgs:
    return PaybotFunctionArgs(
        function_name=f"paybot-test-{suffix}",
        handler="to be set by the component",
        code_path=tmp / "web.zip",
        log_group_name=f"/aws/lambda/paybot-test-{suffix}",
        log_group_arn=f"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/paybot-test-{suffix}",
        environment={
            "PAYBOT_SESSION_STORE": "dynamodb",
            "PAYBOT_WEBHOOK_URLS": '["https://shop.example/hooks"]',
        },
        timeout_seconds=timeout,
    )


@pulumi.runtime.test
def test_the_stream_feeds_the_relay_the_fifo_queue_feeds_the_delivery_with_a_dead_letter_queue(
    tmp_path: Path,
) -> None:
    mocks = use_mocks()

    def check() -> None:
        queues = {q.name: q.inputs for q in mocks.of_type("aws:sqs/queue:Queue")}
        main, dead = queues["outbox-queue"], queues["outbox-dead"]
        assert main["fifoQueue"] and dead["fifoQueue"] and not main["contentBasedDeduplication"]
        assert main["name"].endswith(".fifo") and dead["name"].endswith(".fifo")
        assert main["kmsMasterKeyId"] == KEY and dead["kmsMasterKeyId"] == KEY
        assert main["messageRetentionSeconds"] > 3 * 86_400  # outlives the retry window
        assert main["visibilityTimeoutSeconds"] >= 60
        redrive = json.loads(main["redrivePolicy"])
        assert redrive["deadLetterTargetArn"].endswith("paybot-test-delivery-dead.fifo")
        assert redrive["maxReceiveCount"] >= 20

        functions = {f.inputs["name"]: f.inputs for f in mocks.of_type("aws:lambda/function:Function")}
        relay, delivery = functions["paybot-test-relay"], functions["paybot-test-delivery"]
        assert relay["handler"] == RELAY_HANDLER and delivery["handler"] == DELIVERY_HANDLER
        for env in (relay["environment"]["variables"], delivery["environment"]["variables"]):
            assert env["PAYBOT_OUTBOX_QUEUE_URL"] and env["PAYBOT_OUTBOX_DEAD_LETTER_URL"]
            assert env["PAYBOT_SESSION_STORE"] == "dynamodb" and env["PAYBOT_MESSENGER"] == "aws"

        mappings = {
            m.name: m.inputs for m in mocks.of_type("aws:lambda/eventSourceMapping:EventSourceMapping")
        }
        stream, queue = mappings["outbox-stream"], mappings["outbox-queue-source"]
        assert stream["eventSourceArn"] == STREAM and stream["bisectBatchOnFunctionError"]
        assert stream["functionName"].endswith(":function:paybot-test-relay:live")
        pattern = json.loads(stream["filterCriteria"]["filters"][0]["pattern"])
        assert pattern == {"dynamodb": {"NewImage": {"outboxCount": {"N": [{"exists": True}]}}}}
        assert stream["destinationConfig"]["onFailure"]["destinationArn"].endswith(
            "paybot-test-relay-failures"
        )
        assert queue["functionResponseTypes"] == ["ReportBatchItemFailures"]
        assert queue["functionName"].endswith(":function:paybot-test-delivery:live")

        policies = {
            p.name: json.loads(p.inputs["policy"]) for p in mocks.of_type("aws:iam/rolePolicy:RolePolicy")
        }
        relay_sids = {s["Sid"]: s for s in policies["outbox-relay-policy"]["Statement"]}
        assert relay_sids["ReadTableStream"]["Resource"] == [STREAM]
        assert relay_sids["FillOutboxQueue"]["Action"] == ["sqs:SendMessage"]
        delivery_sids = {s["Sid"]: s for s in policies["outbox-delivery-policy"]["Statement"]}
        assert "sqs:ChangeMessageVisibility" in delivery_sids["WorkOutboxQueue"]["Action"]
        assert delivery_sids["Receipts"]["Resource"] == [IDENTITY]
        for policy in policies.values():
            for statement in policy["Statement"]:
                assert "*" not in statement["Resource"], statement["Sid"]

    done = settled(check)
    OutboxDispatcher(
        "outbox",
        OutboxDispatcherArgs(
            relay=function(tmp_path, "relay", 30),
            delivery=function(tmp_path, "delivery", 60),
            table_arn=TABLE,
            table_stream_arn=STREAM,
            kms_key_arn=KEY,
            email_from="receipts@acme.example",
            ses_identity_arn=IDENTITY,
        ),
    )
    return done


def revealed(value: Any) -> Any:
    """An input as the mocks see it, unwrapped when it is a secret (the outbox functions' environment
    is: it holds the webhook secret, so Pulumi keeps the whole of it secret in the state)."""
    if isinstance(value, dict) and "value" in value and len(value) == 2:
        return value["value"]
    return value


OUTBOX_STACK = {
    "webhookUrls": ["https://shop.example/hooks/paybot"],
    "webhookSecret": "whsec_stack",
    "emailFrom": "receipts@acme.example",
}


@pulumi.runtime.test
def test_a_stack_with_webhooks_deploys_the_engine_and_each_function_accepts_its_environment() -> None:
    mocks = use_mocks("prod", stack_config("prod", **OUTBOX_STACK))

    def check() -> None:
        environments = {
            f.inputs["name"]: dict(revealed(f.inputs["environment"])["variables"])
            for f in mocks.of_type("aws:lambda/function:Function")
        }
        delivery = environments["paybot-prod-outbox-delivery"]
        assert json.loads(delivery["PAYBOT_WEBHOOK_URLS"]) == OUTBOX_STACK["webhookUrls"]
        settings = settings_from(delivery)
        assert settings.webhook_urls == tuple(OUTBOX_STACK["webhookUrls"]) and settings.messenger == "aws"
        assert settings.outbox_queue_url and settings.outbox_dead_letter_url
        assert settings.email_from == "receipts@acme.example"
        settings_from(environments["paybot-prod-outbox-relay"])
        policies = {
            p.name: json.loads(p.inputs["policy"]) for p in mocks.of_type("aws:iam/rolePolicy:RolePolicy")
        }
        receipts = {s["Sid"]: s for s in policies["paybot-prod-outbox-delivery-policy"]["Statement"]}[
            "Receipts"
        ]
        assert receipts["Resource"] == ["arn:aws:ses:us-east-1:123456789012:identity/acme.example"]
        [web_policy] = [p for name, p in policies.items() if name.startswith("paybot-prod-web")]
        web = {s["Sid"]: s for s in web_policy["Statement"]}
        assert web["MerchantIndexes"]["Resource"] == [
            "arn:aws:dynamodb:us-east-1:123456789012:paybot-prod-sessions-table/index/*"
        ]
        assert len(mocks.of_type("aws:lambda/eventSourceMapping:EventSourceMapping")) == 2

    done = settled(check)
    build_stack(load_config())
    return done


@pulumi.runtime.test
def test_a_stack_without_webhooks_or_receipts_has_no_engine() -> None:
    mocks = use_mocks("dev", stack_config("dev"))
    done = settled(
        lambda: not mocks.of_type("aws:sqs/queue:Queue") or pytest.fail("queues without an outbox")
    )
    build_stack(load_config())
    return done


def test_webhook_urls_need_https_and_a_secret() -> None:
    use_mocks("dev", stack_config("dev", webhookUrls=["http://shop.example/hooks"], webhookSecret="s"))
    with pytest.raises(InfraConfigError, match="https"):
        load_config()
    use_mocks("dev", stack_config("dev", webhookUrls=["https://shop.example/hooks"]))
    with pytest.raises(InfraConfigError, match="webhookSecret"):
        load_config()
