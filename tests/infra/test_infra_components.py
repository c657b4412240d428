"""Each component alone, under Pulumi runtime mocks."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from infra_mocks import ROOT, Recorder, settled, use_mocks

from infra.components import (
    AuditBucket,
    AuditBucketArgs,
    DataKey,
    DataKeyArgs,
    DependencyLayer,
    DependencyLayerArgs,
    Frontend,
    FrontendArgs,
    Observability,
    ObservabilityArgs,
    PhoneChannel,
    PhoneChannelArgs,
    Secrets,
    SecretsArgs,
    SessionKeysTable,
    SessionKeysTableArgs,
    SessionTable,
    SessionTableArgs,
    WatchedFunction,
    WebChat,
    WebChatArgs,
)
from infra.components.frontend import content_security_policy
from infra.components.function import PaybotFunctionArgs
from infra.flow import lambda_arns

pytestmark = pytest.mark.infra
KEY = "arn:aws:kms:us-east-1:123456789012:key/k"
LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:paybot-test-phone"
LAYER_ARN = "arn:aws:lambda:us-east-1:123456789012:layer:paybot-test-deps:3"
REAL_FLOW = (ROOT / "packages/channels/src/paybot_channels/connect/flow.json").read_text()
PRIVATE_KEY_SECRET = (
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:paybot/test/connect-private-key-AbCdEf"
)


@pulumi.runtime.test
def test_session_table_is_on_demand_keyed_by_session_with_ttl_and_kms() -> None:
    mocks = use_mocks()

    def check() -> None:
        table = mocks.one("aws:dynamodb/table:Table").inputs
        assert table["billingMode"] == "PAY_PER_REQUEST"
        assert table["hashKey"] == "sessionId"
        assert {a["name"] for a in table["attributes"]} == {"sessionId", "listPk", "listSk", "reference"}
        indexes = {
            i["name"]: [(k["attributeName"], k["keyType"]) for k in i["keySchemas"]]
            for i in table["globalSecondaryIndexes"]
        }
        assert indexes == {
            "byTime": [("listPk", "HASH"), ("listSk", "RANGE")],
            "byReference": [("reference", "HASH"), ("listSk", "RANGE")],
        }
        assert table["streamEnabled"] and table["streamViewType"] == "NEW_IMAGE"
        assert table["ttl"] == {"attributeName": "ttl", "enabled": True}
        assert table["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": KEY}
        assert table["pointInTimeRecovery"] == {"enabled": True}

    done = settled(check)
    SessionTable("t", SessionTableArgs(kms_key_arn=KEY, point_in_time_recovery=True))
    return done


@pulumi.runtime.test
def test_vault_keys_table_is_keyed_by_session_expires_is_encrypted_and_never_backed_up() -> None:
    mocks = use_mocks()

    def check() -> None:
        table = mocks.one("aws:dynamodb/table:Table")
        assert table.name == "keys-table"  # named from the component
        inputs = table.inputs
        assert inputs["billingMode"] == "PAY_PER_REQUEST"
        assert inputs["hashKey"] == "sessionId"
        assert inputs["attributes"] == [{"name": "sessionId", "type": "S"}]
        assert inputs["ttl"] == {"attributeName": "ttl", "enabled": True}
        assert inputs["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": KEY}
        assert inputs["pointInTimeRecovery"] == {"enabled": False}
        assert "streamEnabled" not in inputs or not inputs["streamEnabled"]  # no stream copies keys out
        assert inputs["deletionProtectionEnabled"] is True

    done = settled(check)
    SessionKeysTable("keys", SessionKeysTableArgs(kms_key_arn=KEY, deletion_protection=True))
    return done


@pulumi.runtime.test
def test_session_table_children_are_parented_and_named_from_the_component() -> None:
    mocks = use_mocks()
    table = SessionTable("sessions", SessionTableArgs(kms_key_arn=KEY))

    def check(urn: str) -> None:
        assert urn.endswith("paybot:infra:SessionTable$aws:dynamodb/table:Table::sessions-table")
        assert mocks.one("aws:dynamodb/table:Table").inputs["pointInTimeRecovery"] == {"enabled": False}

    return table.table.urn.apply(check)


@pulumi.runtime.test
def test_audit_bucket_is_kms_encrypted_versioned_private_and_keeps_a_year() -> None:
    mocks = use_mocks()

    def check() -> None:
        sse = mocks.one(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
        )
        rule = sse.inputs["rules"][0]
        assert rule["applyServerSideEncryptionByDefault"] == {
            "sseAlgorithm": "aws:kms",
            "kmsMasterKeyId": KEY,
        }
        versioning = mocks.one("aws:s3/bucketVersioning:BucketVersioning").inputs
        assert versioning["versioningConfiguration"]["status"] == "Enabled"
        block = mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
        assert all(
            block[f]
            for f in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        )
        lifecycle = mocks.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs
        assert lifecycle["rules"][0]["expiration"]["days"] == 365
        assert lifecycle["rules"][0]["noncurrentVersionExpiration"]["noncurrentDays"] == 365
        policy = json.loads(mocks.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
        assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert policy["Statement"][0]["Effect"] == "Deny"

    done = settled(check)
    AuditBucket("audit", AuditBucketArgs(kms_key_arn=KEY))
    return done


@pulumi.runtime.test
def test_secrets_are_encrypted_with_the_stack_key_and_only_the_stripe_keys_are_left_empty() -> None:
    mocks = use_mocks()

    def check() -> None:
        secrets = mocks.of_type("aws:secretsmanager/secret:Secret")
        assert sorted(s.inputs["name"] for s in secrets) == [
            "paybot/test/connect-private-key",
            "paybot/test/edge-secret",
            "paybot/test/stripe-secret-key",
            "paybot/test/stripe-webhook-secret",
            "paybot/test/vault-key",
        ]
        assert {s.inputs["kmsKeyId"] for s in secrets} == {KEY}
        # The stack makes the vault key (32 random bytes, base64) and the edge secret (the header
        # CloudFront sends the API); the Stripe keys stay the operator's.
        versions = {
            v.inputs["secretId"].rsplit(":", 1)[-1]: v.inputs["secretString"]
            for v in mocks.of_type("aws:secretsmanager/secretVersion:SecretVersion")
        }
        assert sorted(versions) == ["paybot/test/edge-secret-AbCdEf", "paybot/test/vault-key-AbCdEf"]
        random_bytes = mocks.one("random:index/randomBytes:RandomBytes")
        assert random_bytes.inputs["length"] == 32
        assert versions["paybot/test/vault-key-AbCdEf"] == random_bytes.outputs["base64"]
        assert len(base64.b64decode(versions["paybot/test/vault-key-AbCdEf"])) == 32
        password = mocks.one("random:index/randomPassword:RandomPassword")
        assert (password.inputs["length"], password.inputs["special"]) == (48, False)
        assert versions["paybot/test/edge-secret-AbCdEf"] == password.outputs["result"]

    done = settled(check)
    Secrets("secrets", SecretsArgs(prefix="paybot/test", kms_key_arn=KEY, recovery_window_days=7))
    return done


@pulumi.runtime.test
def test_data_key_rotates_and_lets_only_logs_and_alarms_use_it_beyond_the_account() -> None:
    mocks = use_mocks()

    def check() -> None:
        key = mocks.one("aws:kms/key:Key").inputs
        assert key["enableKeyRotation"] is True
        policy = json.loads(key["policy"])
        principals = [s["Principal"] for s in policy["Statement"]]
        assert principals == [
            {"AWS": "arn:aws:iam::123456789012:root"},
            {"Service": "logs.us-east-1.amazonaws.com"},
            {"Service": "cloudwatch.amazonaws.com"},
        ]

    done = settled(check)
    DataKey("data", DataKeyArgs(account_id="123456789012", region="us-east-1"))
    return done


@pulumi.runtime.test
def test_dependency_layer_publishes_the_layer_zip_for_the_runtime_and_architecture(tmp_path: Path) -> None:
    mocks = use_mocks()

    def check() -> None:
        layer = mocks.one("aws:lambda/layerVersion:LayerVersion")
        assert layer.name == "paybot-test-deps-layer"
        assert layer.inputs["layerName"] == "paybot-test-deps"
        assert layer.inputs["code"].path == str(tmp_path / "deps-layer.zip")
        assert layer.inputs["compatibleRuntimes"] == ["python3.12"]
        assert layer.inputs["compatibleArchitectures"] == ["arm64"]

    done = settled(check)
    component = DependencyLayer(
        "paybot-test-deps",
        DependencyLayerArgs(
            layer_name="paybot-test-deps",
            code_path=tmp_path / "deps-layer.zip",
            runtime="python3.12",
            architecture="arm64",
        ),
    )

    def check_arn(arn: str) -> None:
        assert arn == "arn:aws:lambda:us-east-1:123456789012:layer:paybot-test-deps:1"

    return pulumi.Output.all(done, component.arn.apply(check_arn)).apply(lambda _: None)


def _zip(path: Path, names: list[str]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "")
    return path


@pulumi.runtime.test
def test_dependency_layer_describes_what_its_zip_holds(tmp_path: Path) -> None:
    mocks = use_mocks()
    code = _zip(
        tmp_path / "deps-layer.zip",
        [
            "python/pydantic_core-2.50.4.dist-info/METADATA",
            "python/pydantic_core/__init__.py",
            "python/cryptography-50.0.2.dist-info/RECORD",
            "python/Typing_Extensions-4.16.0.dist-info/METADATA",
            "python/cryptography/hazmat/__init__.py",
        ],
    )

    def check() -> None:
        description = mocks.one("aws:lambda/layerVersion:LayerVersion").inputs["description"]
        assert description == (
            "paybot shared dependencies (make package): cryptography 50.0.2, pydantic-core 2.50.4, "
            "typing-extensions 4.16.0"
        )

    done = settled(check)
    DependencyLayer("paybot-test-deps", DependencyLayerArgs(layer_name="paybot-test-deps", code_path=code))
    return done


def test_layer_description_fits_lambda_and_says_when_the_zip_is_not_built(tmp_path: Path) -> None:
    from infra.components.layer import DESCRIPTION_MAX, layer_description

    many = _zip(tmp_path / "many.zip", [f"python/package_{i}-1.0.{i}.dist-info/RECORD" for i in range(60)])
    assert len(layer_description(many)) == DESCRIPTION_MAX
    assert layer_description(tmp_path / "missing.zip").endswith("missing.zip not built yet (make package)")
    built = ROOT / "dist/lambda/deps-layer.zip"
    if built.exists():  # the real layer: every distribution it holds is named
        assert "cryptography" in layer_description(built) and "pydantic-core" in layer_description(built)


def _function_args(tmp: Path, **overrides: object) -> PaybotFunctionArgs:
    values: dict[str, object] = {
        "function_name": "paybot-test-web",
        "handler": "paybot_channels.web.lambda_handler.handler",
        "code_path": tmp / "web.zip",
        "log_group_name": "/aws/lambda/paybot-test-web",
        "log_group_arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/paybot-test-web",
        "environment": {"PAYBOT_SESSION_STORE": "dynamodb"},
    }
    values.update(overrides)
    return PaybotFunctionArgs(**values)  # type: ignore[arg-type]


@pulumi.runtime.test
def test_web_chat_routes_everything_to_the_lambda_with_cors_throttling_and_access_logs(
    tmp_path: Path,
) -> None:
    mocks = use_mocks()

    def check() -> None:
        api = mocks.one("aws:apigatewayv2/api:Api").inputs
        assert api["protocolType"] == "HTTP"
        assert api["corsConfiguration"]["allowOrigins"] == ["https://shop.example.com"]
        assert api["corsConfiguration"]["exposeHeaders"] == ["retry-after"]  # a 429 says when to retry
        stage = mocks.one("aws:apigatewayv2/stage:Stage").inputs
        assert stage["defaultRouteSettings"] == {"throttlingRateLimit": 5.0, "throttlingBurstLimit": 10}
        assert stage["accessLogSettings"]["destinationArn"] == "arn:access"
        assert "$context.requestId" in stage["accessLogSettings"]["format"]
        function = mocks.one("aws:lambda/function:Function").inputs
        assert function["handler"] == "paybot_channels.web.lambda_handler.handler"
        assert function["code"].path == str(tmp_path / "web.zip")
        assert function["layers"] == [LAYER_ARN]
        assert function["loggingConfig"] == {
            "logFormat": "JSON",
            "logGroup": "/aws/lambda/paybot-test-web",
            "applicationLogLevel": "INFO",
        }
        integration = mocks.one("aws:apigatewayv2/integration:Integration").inputs
        assert integration["integrationUri"].endswith(":function:paybot-test-web:live")
        assert integration["payloadFormatVersion"] == "2.0"
        permission = mocks.one("aws:lambda/permission:Permission").inputs
        assert permission["principal"] == "apigateway.amazonaws.com"
        assert permission["sourceArn"].endswith("/*/*")

    done = settled(check)
    WebChat(
        "web",
        WebChatArgs(
            function=_function_args(tmp_path, layers=[LAYER_ARN]),
            cors_origins=["https://shop.example.com"],
            access_log_group_arn="arn:access",
            throttle_rate_limit=5,
            throttle_burst_limit=10,
        ),
    )
    return done


@pulumi.runtime.test
def test_frontend_is_private_behind_oac_with_security_headers_and_uploads_the_build(tmp_path: Path) -> None:
    mocks = use_mocks()
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html>")
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")

    def check() -> None:
        oac = mocks.one("aws:cloudfront/originAccessControl:OriginAccessControl").inputs
        assert (oac["originAccessControlOriginType"], oac["signingBehavior"]) == ("s3", "always")
        headers = mocks.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs
        security = headers["securityHeadersConfig"]
        csp = security["contentSecurityPolicy"]["contentSecurityPolicy"]
        assert "script-src 'self' https://js.stripe.com https://*.js.stripe.com;" in csp
        assert "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp
        assert security["contentTypeOptions"] == {"override": True}
        assert security["referrerPolicy"]["referrerPolicy"] == "strict-origin-when-cross-origin"
        assert security["frameOptions"]["frameOption"] == "DENY"
        cdn = mocks.one("aws:cloudfront/distribution:Distribution").inputs
        origins = {o["originId"]: o for o in cdn["origins"]}
        assert origins["static"]["originAccessControlId"] == "web-oac-id"
        assert origins["api"]["domainName"] == "abc.execute-api.us-east-1.amazonaws.com"
        assert {b["pathPattern"] for b in cdn["orderedCacheBehaviors"]} == {
            "/v1/*",
            "/chat",
            "/healthz",
            "/pay/*",
        }
        # The API gets the headers it reads and the viewer's address, never the viewer's Host, and
        # the edge secret that makes the app believe that address.
        requests = mocks.one("aws:cloudfront/originRequestPolicy:OriginRequestPolicy").inputs
        forwarded = requests["headersConfig"]["headers"]["items"]
        assert requests["headersConfig"]["headerBehavior"] == "whitelist"
        assert "CloudFront-Viewer-Address" in forwarded and "Authorization" in forwarded
        assert "Host" not in forwarded and "X-Paybot-Edge-Secret" not in forwarded
        assert {b["originRequestPolicyId"] for b in cdn["orderedCacheBehaviors"]} == {"web-api-requests-id"}
        assert origins["api"]["customHeaders"] == [{"name": "X-Paybot-Edge-Secret", "value": "s3cr3t"}]
        assert "customHeaders" not in origins["static"]
        assert cdn["defaultCacheBehavior"]["viewerProtocolPolicy"] == "redirect-to-https"
        policy = json.loads(mocks.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
        reader = policy["Statement"][1]
        assert reader["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert reader["Condition"]["StringEquals"]["AWS:SourceArn"].endswith("web-cdn")
        objects = {o.inputs["key"]: o.inputs for o in mocks.of_type("aws:s3/bucketObjectv2:BucketObjectv2")}
        assert objects["index.html"]["contentType"] == "text/html"
        assert objects["index.html"]["cacheControl"] == "no-cache"
        assert objects["static/assets/app.js"]["contentType"] in {"text/javascript", "application/javascript"}

    done = settled(check)
    Frontend(
        "web",
        FrontendArgs(
            static_dir=tmp_path,
            api_url="https://abc.execute-api.us-east-1.amazonaws.com",
            frame_ancestors=["'none'"],
            edge_secret="s3cr3t",
        ),
    )
    return done


@pulumi.runtime.test
def test_frontend_without_a_build_still_deploys_an_empty_distribution(tmp_path: Path) -> None:
    mocks = use_mocks()

    def check() -> None:
        assert mocks.of_type("aws:s3/bucketObjectv2:BucketObjectv2") == []
        assert mocks.one("aws:cloudfront/distribution:Distribution")

    done = settled(check)
    Frontend("web", FrontendArgs(static_dir=tmp_path / "missing", api_url="https://abc.example.com"))
    return done


@pulumi.runtime.test
def test_csp_allows_only_self_and_stripe_and_honours_frame_ancestors() -> None:
    csp = content_security_policy(["https://shop.example.com"])
    sources = {word for part in csp.split(";") for word in part.split()[1:]}
    assert sources <= {
        "'self'",
        "'none'",
        "data:",
        "https://js.stripe.com",
        "https://*.js.stripe.com",
        "https://hooks.stripe.com",
        "https://api.stripe.com",
        "https://shop.example.com",
    }
    assert csp.endswith("frame-ancestors https://shop.example.com")


@pulumi.runtime.test
def test_phone_channel_on_a_new_instance_deploys_the_flow_with_the_lambda_arn_and_claims_a_number() -> None:
    mocks = use_mocks()

    def check() -> None:
        instance = mocks.one("aws:connect/instance:Instance").inputs
        assert instance["identityManagementType"] == "CONNECT_MANAGED"
        assert instance["contactLensEnabled"] is False  # set explicitly, not left to the default
        storage = mocks.one("aws:connect/instanceStorageConfig:InstanceStorageConfig").inputs
        assert storage["resourceType"] == "CALL_RECORDINGS"
        assert storage["storageConfig"] == {
            "storageType": "S3",
            "s3Config": {
                "bucketName": "paybot-test-recordings",
                "bucketPrefix": "connect/recordings",
                "encryptionConfig": {"encryptionType": "KMS", "keyId": KEY},
            },
        }
        association = mocks.one("aws:connect/lambdaFunctionAssociation:LambdaFunctionAssociation").inputs
        assert association == {"instanceId": "phone-instance-id", "functionArn": LAMBDA_ARN}
        flow = mocks.one("aws:connect/contactFlow:ContactFlow").inputs
        assert flow["type"] == "CONTACT_FLOW"
        assert lambda_arns(json.loads(flow["content"])) == {LAMBDA_ARN}
        assert "${" not in flow["content"]
        number = mocks.one("aws:connect/phoneNumber:PhoneNumber").inputs
        assert number["targetArn"].endswith(":instance/phone-instance-id")
        assert (number["countryCode"], number["type"]) == ("US", "TOLL_FREE")
        link = mocks.one("aws:connect/phoneNumberContactFlowAssociation:PhoneNumberContactFlowAssociation")
        assert link.inputs["contactFlowId"] == "phone-flow-flow-id"
        permission = mocks.one("aws:lambda/permission:Permission").inputs
        assert permission["principal"] == "connect.amazonaws.com"
        _check_generated_connect_values(mocks, json.loads(flow["content"]))

    done = settled(check)
    PhoneChannel(
        "phone",
        PhoneChannelArgs(
            function_arn=LAMBDA_ARN,
            function_name="paybot-test-phone",
            flow_template=REAL_FLOW,
            flow_name="paybot test",
            region="us-east-1",
            private_key_secret_id=PRIVATE_KEY_SECRET,
            instance_alias="paybot-test",
            recordings_bucket="paybot-test-recordings",
            kms_key_arn=KEY,
            claim_phone_number=True,
            phone_type="TOLL_FREE",
        ),
    )
    return done


@pulumi.runtime.test
def test_phone_channel_on_an_existing_instance_creates_no_instance_and_no_number() -> None:
    mocks = use_mocks()

    def check() -> None:
        assert mocks.of_type("aws:connect/instance:Instance") == []
        assert mocks.of_type("aws:connect/phoneNumber:PhoneNumber") == []
        assert "aws:connect/getInstance:getInstance" in mocks.calls
        permission = mocks.one("aws:lambda/permission:Permission").inputs
        assert permission["sourceArn"] == "arn:aws:connect:us-east-1:123456789012:instance/existing-id"
        flow = mocks.one("aws:connect/contactFlow:ContactFlow").inputs
        assert flow["instanceId"] == "existing-id"
        # The named queue is found, not made.
        assert "aws:connect/getQueue:getQueue" in mocks.calls
        assert mocks.of_type("aws:connect/queue:Queue") == []
        assert mocks.of_type("aws:connect/hoursOfOperation:HoursOfOperation") == []
        queues = {
            a["Parameters"]["QueueId"]
            for a in json.loads(flow["content"])["Actions"]
            if "QueueId" in a.get("Parameters", {})
        }
        assert queues == {"arn:aws:connect:us-east-1:123456789012:instance/existing-id/queue/BasicQueue-id"}
        key = mocks.one("aws-native:connect:SecurityKey").inputs
        assert key["instanceId"] == "arn:aws:connect:us-east-1:123456789012:instance/existing-id"

    done = settled(check)
    PhoneChannel(
        "phone",
        PhoneChannelArgs(
            function_arn=LAMBDA_ARN,
            function_name="paybot-test-phone",
            flow_template=REAL_FLOW,
            flow_name="paybot test",
            region="us-east-1",
            private_key_secret_id=PRIVATE_KEY_SECRET,
            instance_id="existing-id",
            queue_name="BasicQueue",
        ),
    )
    return done


@pulumi.runtime.test
def test_observability_encrypts_and_expires_logs_and_alarms_to_sns() -> None:
    mocks = use_mocks()

    def check() -> None:
        groups = mocks.of_type("aws:cloudwatch/logGroup:LogGroup")
        assert sorted(g.inputs["name"] for g in groups) == [
            "/aws/lambda/paybot-test-phone",
            "/aws/lambda/paybot-test-web",
            "/paybot/paybot-test/api-access",
        ]
        assert {(g.inputs["retentionInDays"], g.inputs["kmsKeyId"]) for g in groups} == {(30, KEY)}
        alarms = {a.name: a.inputs for a in mocks.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
        assert sorted(alarms) == [
            "obs-bedrock-tokens",
            "obs-payment-failures",
            "obs-phone-duration",
            "obs-phone-errors",
            "obs-web-duration",
            "obs-web-errors",
        ]
        topic_arn = mocks.one("aws:sns/topic:Topic").outputs["arn"]
        assert all(a["alarmActions"] == [topic_arn] for a in alarms.values())
        assert alarms["obs-phone-duration"]["threshold"] == 8 * 1000 * 0.8
        assert alarms["obs-web-duration"]["threshold"] == 15 * 1000 * 0.8
        tokens = alarms["obs-bedrock-tokens"]
        assert tokens["threshold"] == 1000
        models = {q["metric"]["dimensions"]["ModelId"] for q in tokens["metricQueries"] if "metric" in q}
        assert models == {"us.amazon.nova-micro-v1:0"}
        assert mocks.one("aws:sns/topicSubscription:TopicSubscription").inputs["protocol"] == "email"
        filters = mocks.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
        assert {f.inputs["pattern"] for f in filters} == {'"payment_failed"'}
        body = json.loads(mocks.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
        assert len(body["widgets"]) == 5

    done = settled(check)
    Observability(
        "obs",
        ObservabilityArgs(
            prefix="paybot-test",
            region="us-east-1",
            functions={
                "web": WatchedFunction("paybot-test-web", 15),
                "phone": WatchedFunction("paybot-test-phone", 8),
            },
            kms_key_arn=KEY,
            log_retention_days=30,
            alarm_email=pulumi.Output.secret("oncall@example.com"),
            bedrock_model_id="us.amazon.nova-micro-v1:0",
            bedrock_tokens_per_hour_alarm=1000,
        ),
    )
    return done


def _check_generated_connect_values(mocks: Recorder, flow: dict[str, Any]) -> None:
    """The flow names the key pair, certificate and queue this same stack made; nothing hand-fed."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    private = mocks.one("tls:index/privateKey:PrivateKey")
    assert (private.inputs["algorithm"], private.inputs["rsaBits"]) == ("RSA", 4096)
    security_key = mocks.one("aws-native:connect:SecurityKey")
    assert security_key.inputs["key"] == private.outputs["publicKeyPem"]
    assert (
        security_key.inputs["instanceId"]
        == "arn:aws:connect:us-east-1:123456789012:instance/phone-instance-id"
    )
    assert len(security_key.inputs["key"]) <= 1024, "Connect's key length limit"
    stored = mocks.one("aws:secretsmanager/secretVersion:SecretVersion").inputs
    assert stored == {"secretId": PRIVATE_KEY_SECRET, "secretString": private.outputs["privateKeyPem"]}
    certificate_pem = mocks.one("tls:index/selfSignedCert:SelfSignedCert").outputs["certPem"]
    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    public = serialization.load_pem_public_key(private.outputs["publicKeyPem"].encode())
    assert certificate.public_key() == public
    encryptions = [
        a["Parameters"]["InputEncryption"]
        for a in flow["Actions"]
        if "InputEncryption" in a.get("Parameters", {})
    ]
    assert len(encryptions) == 4  # the account number, the card number, the expiry, the code
    assert all(
        e == {"EncryptionKeyId": security_key.outputs["associationId"], "Key": certificate_pem}
        for e in encryptions
    )
    queue = mocks.one("aws:connect/queue:Queue")
    hours = mocks.one("aws:connect/hoursOfOperation:HoursOfOperation").inputs
    assert queue.inputs["hoursOfOperationId"] == "phone-hours-hours-id"
    assert sorted(c["day"] for c in hours["configs"]) == sorted(
        ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
    )
    queues = {a["Parameters"]["QueueId"] for a in flow["Actions"] if "QueueId" in a.get("Parameters", {})}
    assert queues == {queue.outputs["arn"]}
