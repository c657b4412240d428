"""The whole program under the committed dev and prod stack settings."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
import yaml
from infra_mocks import ROOT, Recorder, settled, stack_config, use_mocks

from infra import iam
from infra.config import load_config
from infra.errors import ContactFlowError, InfraConfigError
from infra.flow import LAMBDA_PLACEHOLDER, STACK_PLACEHOLDERS, lambda_arns, placeholders, render_flow
from infra.iam import SMS_SID
from infra.program import build_stack

pytestmark = pytest.mark.infra
REAL_FLOW = ROOT / "packages/channels/src/paybot_channels/connect/flow.json"
PHONE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:paybot-{stack}-phone:live"


def _run(mocks: Recorder, check: Any) -> pulumi.Output[None]:
    done = settled(lambda: check(mocks))
    build_stack(load_config())
    return done


def _functions(mocks: Recorder) -> dict[str, dict[str, Any]]:
    return {f.inputs["name"]: f.inputs for f in mocks.of_type("aws:lambda/function:Function")}


def _policies(mocks: Recorder) -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.inputs["policy"]) for p in mocks.of_type("aws:iam/rolePolicy:RolePolicy")}


def _table(mocks: Recorder, name: str) -> dict[str, Any]:
    (table,) = [t for t in mocks.of_type("aws:dynamodb/table:Table") if t.name == f"{name}-table"]
    return table.inputs


def _vault_keys_table_checks(mocks: Recorder, stack: str, deletion_protection: bool) -> None:
    """The vault's data keys: a table of their own, never in a point-in-time copy, on every stack."""
    keys = _table(mocks, f"paybot-{stack}-vault-keys")
    assert keys["pointInTimeRecovery"] == {"enabled": False}
    assert keys["ttl"] == {"attributeName": "ttl", "enabled": True}
    assert keys["serverSideEncryption"]["enabled"] is True
    assert (
        keys["serverSideEncryption"]["kmsKeyArn"]
        == _table(mocks, f"paybot-{stack}-sessions")["serverSideEncryption"]["kmsKeyArn"]
    )
    assert keys["deletionProtectionEnabled"] is deletion_protection
    for function in _functions(mocks).values():
        assert function["environment"]["variables"]["PAYBOT_SESSION_KEYS_TABLE"] == (
            f"paybot-{stack}-vault-keys-table"
        )


def _common_checks(mocks: Recorder, stack: str) -> None:
    functions = _functions(mocks)
    assert set(functions) == {f"paybot-{stack}-web", f"paybot-{stack}-phone"}
    web, phone = functions[f"paybot-{stack}-web"], functions[f"paybot-{stack}-phone"]
    assert web["handler"] == "paybot_channels.web.lambda_handler.handler"
    assert phone["handler"] == "paybot_channels.connect.lambda_handler.handler"
    assert phone["timeout"] <= 8
    # SnapStart on both: every deploy publishes a version, the `live` alias points at it, and
    # API Gateway and Connect invoke the alias, never $LATEST.
    for function in (web, phone):
        assert function["publish"] is True
        assert function["snapStart"] == {"applyOn": "PublishedVersions"}
    aliases = {a.inputs["functionName"]: a.inputs for a in mocks.of_type("aws:lambda/alias:Alias")}
    assert {name: (a["name"], a["functionVersion"]) for name, a in aliases.items()} == {
        f"paybot-{stack}-web": ("live", "1"),
        f"paybot-{stack}-phone": ("live", "1"),
    }
    integration = mocks.one("aws:apigatewayv2/integration:Integration").inputs
    assert (
        integration["integrationUri"]
        == f"arn:aws:lambda:us-east-1:123456789012:function:paybot-{stack}-web:live"
    )
    permissions = {p.inputs["principal"]: p.inputs for p in mocks.of_type("aws:lambda/permission:Permission")}
    assert {principal: p["qualifier"] for principal, p in permissions.items()} == {
        "apigateway.amazonaws.com": "live",
        "connect.amazonaws.com": "live",
    }
    association = mocks.one("aws:connect/lambdaFunctionAssociation:LambdaFunctionAssociation").inputs
    assert association["functionArn"] == PHONE_ARN.format(stack=stack)
    layer = mocks.one("aws:lambda/layerVersion:LayerVersion").inputs
    assert layer["layerName"] == f"paybot-{stack}-deps"
    assert layer["code"].path == str(ROOT / "dist/lambda/deps-layer.zip")
    assert layer["compatibleRuntimes"] == ["python3.12"]
    assert layer["compatibleArchitectures"] == ["x86_64"]
    layer_arn = f"arn:aws:lambda:us-east-1:123456789012:layer:paybot-{stack}-deps:1"
    assert web["layers"] == [layer_arn]
    assert phone["layers"] == [layer_arn]
    assert web["code"].path == str(ROOT / "dist/lambda/web.zip")
    assert phone["code"].path == str(ROOT / "dist/lambda/connect.zip")
    env = web["environment"]["variables"]
    assert env["PAYBOT_SESSION_STORE"] == "dynamodb"
    assert env["PAYBOT_DYNAMODB_TABLE"] == f"paybot-{stack}-sessions-table"
    assert env["PAYBOT_AUDIT_LOG"] == "s3"
    assert env["PAYBOT_STRIPE_SECRET_ID"].startswith("arn:aws:secretsmanager:")
    assert env["PAYBOT_DATA_DIR"] == "/tmp/paybot"
    # Payment links point at the distribution, which routes /pay/* (the page) and /v1/* to the API;
    # the web and phone functions send links and receipts through SES and SNS.
    distribution = mocks.one("aws:cloudfront/distribution:Distribution")
    domain = distribution.outputs["domainName"]
    for variables in (env, phone["environment"]["variables"]):
        assert variables["PAYBOT_PUBLIC_URL"] == f"https://{domain}"
        assert variables["PAYBOT_MESSENGER"] == "aws"
    routed = {b["pathPattern"]: b["targetOriginId"] for b in distribution.inputs["orderedCacheBehaviors"]}
    assert routed["/pay/*"] == "api" and routed["/v1/*"] == "api"
    for policy_name in (f"paybot-{stack}-web-lambda-policy", f"paybot-{stack}-phone-policy"):
        sids = {s["Sid"]: s for s in _policies(mocks)[policy_name]["Statement"]}
        assert sids["SendEmailToPayers"]["Resource"][0].startswith(
            "arn:aws:ses:us-east-1:123456789012:identity/"
        )
        assert sids[SMS_SID]["Action"] == ["sns:Publish"]
    assert "PAYBOT_CONNECT_PRIVATE_KEY_SECRET_ID" in phone["environment"]["variables"]
    # The phone finds callers' accounts in the stack's accounts table, which it may only read, one
    # item at a time; the web chat neither knows nor reads it.
    accounts = mocks.declared[f"paybot-{stack}-accounts-table"]
    assert (accounts.inputs["hashKey"], accounts.inputs.get("ttl")) == ("lookup", None)
    assert accounts.inputs["serverSideEncryption"]["enabled"] is True
    assert phone["environment"]["variables"]["PAYBOT_ACCOUNTS_TABLE"] == accounts.outputs["name"]
    assert "PAYBOT_ACCOUNTS_TABLE" not in env
    policies = _policies(mocks)
    (reads,) = [
        s for s in policies[f"paybot-{stack}-phone-policy"]["Statement"] if s["Sid"] == "AccountsTable"
    ]
    assert (reads["Action"], reads["Resource"]) == (["dynamodb:GetItem"], [accounts.outputs["arn"]])
    assert accounts.outputs["arn"] not in json.dumps(policies[f"paybot-{stack}-web-lambda-policy"])
    assert phone["environment"]["variables"]["PAYBOT_LANGUAGE_MODEL"] == "rules"
    # The real flow.json, every placeholder filled by the stack itself: nothing hand-fed.
    content = mocks.one("aws:connect/contactFlow:ContactFlow").inputs["content"]
    assert "${" not in content
    flow = json.loads(content)
    assert lambda_arns(flow) == {PHONE_ARN.format(stack=stack)}
    assert flow == json.loads(
        render_flow(
            REAL_FLOW.read_text(),
            {
                LAMBDA_PLACEHOLDER: PHONE_ARN.format(stack=stack),
                "PaybotEncryptionKeyId": mocks.one("aws-native:connect:SecurityKey").outputs["associationId"],
                "PaybotEncryptionCertificate": mocks.one("tls:index/selfSignedCert:SelfSignedCert").outputs[
                    "certPem"
                ],
                "PaybotQueueArn": mocks.one("aws:connect/queue:Queue").outputs["arn"],
            },
        )
    )


@pulumi.runtime.test
def test_dev_stack_is_cheap_and_disposable() -> None:
    mocks = use_mocks("dev", stack_config("dev"))

    def check(m: Recorder) -> None:
        _common_checks(m, "dev")
        for table in m.of_type("aws:dynamodb/table:Table"):  # sessions, accounts and vault keys alike
            assert table.inputs["pointInTimeRecovery"] == {"enabled": False}
            assert table.inputs["deletionProtectionEnabled"] is False
        _vault_keys_table_checks(m, "dev", deletion_protection=False)
        web = _functions(m)["paybot-dev-web"]["environment"]["variables"]
        assert web["PAYBOT_LANGUAGE_MODEL"] == "rules"
        assert json.loads(web["PAYBOT_CORS_ORIGINS"]) == ["http://localhost:8765"]
        assert not any("bedrock" in json.dumps(p) for p in _policies(m).values())
        assert m.of_type("aws:connect/phoneNumber:PhoneNumber") == []
        assert {g.inputs["retentionInDays"] for g in m.of_type("aws:cloudwatch/logGroup:LogGroup")} == {14}
        assert "obs-bedrock-tokens" not in {
            a.name for a in m.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        }

    return _run(mocks, check)


@pulumi.runtime.test
def test_prod_stack_keeps_data_uses_bedrock_and_claims_a_number() -> None:
    mocks = use_mocks("prod", stack_config("prod"))

    def check(m: Recorder) -> None:
        _common_checks(m, "prod")
        for table in m.of_type("aws:dynamodb/table:Table"):
            if table.name != "paybot-prod-vault-keys-table":  # sessions and accounts alike
                assert table.inputs["pointInTimeRecovery"] == {"enabled": True}
            assert table.inputs["deletionProtectionEnabled"] is True
        # The sessions keep point-in-time copies on prod; the keys that open their card data do not.
        _vault_keys_table_checks(m, "prod", deletion_protection=True)
        web = _functions(m)["paybot-prod-web"]["environment"]["variables"]
        assert web["PAYBOT_LANGUAGE_MODEL"] == "bedrock"
        assert web["PAYBOT_BEDROCK_MODEL_ID"] == "us.amazon.nova-micro-v1:0"
        assert web["PAYBOT_STRIPE_PUBLISHABLE_KEY"].startswith("pk_live_")
        assert m.one("aws:connect/phoneNumber:PhoneNumber")
        assert {g.inputs["retentionInDays"] for g in m.of_type("aws:cloudwatch/logGroup:LogGroup")} == {365}
        alarms = {a.name for a in m.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
        assert "paybot-prod-observability-bedrock-tokens" in alarms
        secrets = m.of_type("aws:secretsmanager/secret:Secret")
        assert {s.inputs["recoveryWindowInDays"] for s in secrets} == {30}

    return _run(mocks, check)


@pulumi.runtime.test
def test_bedrock_access_is_limited_to_the_profile_and_its_regions_foundation_models() -> None:
    mocks = use_mocks("prod", stack_config("prod"))

    def check(m: Recorder) -> None:
        web_policy = _policies(m)["paybot-prod-web-lambda-policy"]
        bedrock = [s for s in web_policy["Statement"] if s.get("Sid") == "InvokeConfiguredModel"]
        assert len(bedrock) == 1
        assert sorted(bedrock[0]["Resource"]) == [
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-micro-v1:0",
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0",
            "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-micro-v1:0",
            "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-micro-v1:0",
        ]
        phone_policy = _policies(m)["paybot-prod-phone-policy"]
        assert not [s for s in phone_policy["Statement"] if "bedrock" in json.dumps(s)]

    return _run(mocks, check)


@pulumi.runtime.test
def test_iam_policies_name_their_resources_and_never_use_a_wildcard_resource() -> None:
    mocks = use_mocks("prod", stack_config("prod"))

    def check(m: Recorder) -> None:
        policies = _policies(m)
        assert len(policies) == 2
        for name, policy in policies.items():
            sids = {s["Sid"]: s for s in policy["Statement"]}
            for statement in policy["Statement"]:
                resources = (
                    statement["Resource"]
                    if isinstance(statement["Resource"], list)
                    else [statement["Resource"]]
                )
                if statement["Sid"] == SMS_SID:
                    # SNS authorises an SMS to a phone number against no ARN: "*" for that one
                    # action, with every topic and endpoint ARN denied beside it.
                    assert statement["Action"] == ["sns:Publish"] and resources == ["*"]
                    assert sids["NoTopicPublishing"]["Effect"] == "Deny"
                    assert sids["NoTopicPublishing"]["Resource"] == ["arn:aws:sns:*:*:*"]
                    continue
                assert resources, f"{name} {statement['Sid']} names no resource"
                assert "*" not in resources, f"{name} {statement['Sid']} allows Resource *"
                assert all(r.startswith("arn:aws:") for r in resources), (name, resources)
                assert not any(a.endswith("*") for a in statement["Action"]), (name, statement["Action"])
        by_sid = {s["Sid"]: s for s in policies["paybot-prod-phone-policy"]["Statement"]}
        assert by_sid["SessionTable"]["Resource"] == [
            "arn:aws:dynamodb:us-east-1:123456789012:paybot-prod-sessions-table"
        ]
        # Both functions that take typed card data seal and shred its keys: three calls, one table.
        for policy in policies.values():
            (keys,) = [s for s in policy["Statement"] if s["Sid"] == "VaultSessionKeys"]
            assert keys == {
                "Sid": "VaultSessionKeys",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                "Resource": ["arn:aws:dynamodb:us-east-1:123456789012:paybot-prod-vault-keys-table"],
            }
        key = "arn:aws:kms:us-east-1:123456789012:key/paybot-prod-data-key-key-id"
        assert by_sid["SessionDataKeys"] == {
            "Sid": "SessionDataKeys",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": [key],
            "Condition": {
                "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["paybot:session"]},
                "Null": {"kms:EncryptionContext:paybot:session": "false"},
            },
        }
        assert by_sid["DataKeyThroughServices"]["Resource"] == [key]
        assert by_sid["DataKeyThroughServices"]["Condition"] == {
            "StringEquals": {
                "kms:ViaService": [
                    "dynamodb.us-east-1.amazonaws.com",
                    "s3.us-east-1.amazonaws.com",
                    "secretsmanager.us-east-1.amazonaws.com",
                ]
            }
        }
        actions = {a for policy in policies.values() for st in policy["Statement"] for a in st["Action"]}
        assert "kms:Encrypt" not in actions, "nothing encrypts with the key directly"
        assert by_sid["AppendAuditEvents"]["Resource"] == ["arn:aws:s3:::paybot-prod-audit-bucket/audit/*"]
        assert sorted(r.rsplit("/", 1)[-1] for r in by_sid["ReadOwnSecrets"]["Resource"]) == [
            "connect-private-key-AbCdEf",
            "stripe-secret-key-AbCdEf",
            "vault-key-AbCdEf",
        ]
        # Only the KMS key policy uses "*", where it means "this key" (a key policy's own resource).
        key_policy = json.loads(m.one("aws:kms/key:Key").inputs["policy"])
        assert {s["Resource"] for s in key_policy["Statement"]} == {"*"}

    return _run(mocks, check)


@pulumi.runtime.test
def test_exports_are_what_pulumi_up_prints() -> None:
    use_mocks("dev", stack_config("dev"))
    exports = build_stack(load_config())

    def check(values: list[Any]) -> None:
        resolved = dict(zip(exports, values, strict=True))
        assert resolved["apiUrl"].startswith("https://")
        assert resolved["frontendUrl"] == "https://paybot-dev-frontend-cdn.cloudfront.net"
        assert resolved["phoneFlowId"] == "paybot-dev-connect-flow-flow-id"
        assert resolved["secretNames"]["stripe-secret-key"] == "paybot/dev/stripe-secret-key"
        assert resolved["depsLayerArn"] == "arn:aws:lambda:us-east-1:123456789012:layer:paybot-dev-deps:1"

    return pulumi.Output.all(*exports.values()).apply(check)


@pulumi.runtime.test
def test_existing_connect_instance_and_disabled_phone_channel() -> None:
    mocks = use_mocks("dev", stack_config("dev", connectInstanceAlias="", connectInstanceId="inst-1"))

    def check(m: Recorder) -> None:
        assert m.of_type("aws:connect/instance:Instance") == []
        assert m.one("aws:connect/contactFlow:ContactFlow").inputs["instanceId"] == "inst-1"

    return _run(mocks, check)


@pulumi.runtime.test
def test_phone_channel_can_be_left_out() -> None:
    mocks = use_mocks("dev", stack_config("dev", connectEnabled=False))

    def check(m: Recorder) -> None:
        assert set(_functions(m)) == {"paybot-dev-web"}
        # The web function still uses the layer alone.
        assert _functions(m)["paybot-dev-web"]["layers"] == [
            m.one("aws:lambda/layerVersion:LayerVersion").outputs["arn"]
        ]
        assert [t for t in (d.type for d in m.declared.values()) if t.startswith("aws:connect")] == []

    return _run(mocks, check)


@pulumi.runtime.test
@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"corsOrigins": ["*"]}, "corsOrigins"),
        ({"phoneTimeoutSeconds": 20}, "phoneTimeoutSeconds"),
        ({"stripePublishableKey": "sk_live_abc"}, "publishable"),
        ({"auditRetentionDays": 90}, "12 months"),
        ({"logRetentionDays": 10}, "logRetentionDays"),
        ({"connectInstanceId": "inst-1"}, "exactly one"),
        ({"bedrockModelId": "eu.amazon.nova-micro-v1:0", "languageModel": "bedrock"}, "bedrockRegions"),
    ],
)
def test_bad_settings_are_refused_with_the_key_named(override: dict[str, Any], message: str) -> None:
    use_mocks("dev", stack_config("dev", **override))
    with pytest.raises(InfraConfigError, match=message):
        load_config()


@pulumi.runtime.test
def test_bedrock_arns_for_plain_models_and_explicit_regions() -> None:
    assert iam.bedrock_model_arns("amazon.nova-micro-v1:0", ["eu-west-1"], "eu-west-1", "1") == [
        "arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-micro-v1:0"
    ]
    arns = iam.bedrock_model_arns(
        "eu.amazon.nova-micro-v1:0", ["eu-west-1", "eu-central-1"], "eu-west-1", "1"
    )
    assert arns == [
        "arn:aws:bedrock:eu-central-1::foundation-model/amazon.nova-micro-v1:0",
        "arn:aws:bedrock:eu-west-1:1:inference-profile/eu.amazon.nova-micro-v1:0",
        "arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-micro-v1:0",
    ]


@pulumi.runtime.test
def test_render_flow_escapes_values_and_refuses_unknown_placeholders() -> None:
    template = json.dumps(
        {
            "Actions": [
                {"Type": "InvokeLambdaFunction", "Parameters": {"LambdaFunctionARN": "${PaybotLambdaArn}"}}
            ]
        }
    )
    assert placeholders(template) == {LAMBDA_PLACEHOLDER}
    rendered = json.loads(render_flow(template, {LAMBDA_PLACEHOLDER: 'arn"x'}))
    assert lambda_arns(rendered) == {'arn"x'}
    with pytest.raises(ContactFlowError, match="PaybotLambdaArn"):
        render_flow(template, {})
    with pytest.raises(ContactFlowError, match="not JSON"):
        render_flow("{nope", {})


@pulumi.runtime.test
def test_the_committed_dev_stack_feeds_no_connect_value_by_hand() -> None:
    document = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
    assert "paybot:connectFlowParameters" not in document
    assert not {key for key in document if "Queue" in key or "Encryption" in key}


@pulumi.runtime.test
@pytest.mark.parametrize("name", sorted(STACK_PLACEHOLDERS))
def test_flow_parameters_may_not_override_what_the_stack_makes(name: str) -> None:
    use_mocks("dev", stack_config("dev", connectFlowParameters={name: "hand-fed"}))
    with pytest.raises(InfraConfigError, match=name):
        load_config()
