"""The whole stack: wires the components together and exports what `pulumi up` prints."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from infra import iam
from infra.components import (
    AccountsTable,
    AccountsTableArgs,
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
    OutboxDispatcher,
    OutboxDispatcherArgs,
    PaybotFunction,
    PaybotFunctionArgs,
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
from infra.components.accounts_table import lookup_statement
from infra.components.outbox_dispatcher import query_statement
from infra.config import InfraConfig

WEB_HANDLER = "paybot_channels.web.lambda_handler.handler"
OUTBOX_TIMEOUT_SECONDS = 60
PHONE_HANDLER = "paybot_channels.connect.lambda_handler.handler"


@dataclass
class DataPlane:
    """Where the Lambdas keep state: the names and ARNs their settings and policies refer to."""

    key_arn: pulumi.Output[str]
    table_name: pulumi.Output[str]
    table_arn: pulumi.Output[str]
    keys_table_name: pulumi.Output[str]
    keys_table_arn: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    secret_arns: Mapping[str, pulumi.Output[str]]


def common_environment(cfg: InfraConfig, data: DataPlane) -> dict[str, pulumi.Input[str]]:
    """Settings both Lambdas read (PAYBOT_*). Secrets appear only as their ids, never values."""
    return {
        "PAYBOT_SESSION_STORE": "dynamodb",
        "PAYBOT_DYNAMODB_TABLE": data.table_name,
        # Typed card data between turns is envelope-encrypted under data keys of the stack key.
        "PAYBOT_SESSION_KMS_KEY_ID": data.key_arn,
        # The vault's per-session data keys, in a table without backups (wiped means unrecoverable).
        # Every function names it, so all agree where keys live; only web and phone may touch it.
        "PAYBOT_SESSION_KEYS_TABLE": data.keys_table_name,
        "PAYBOT_AUDIT_LOG": "s3",
        "PAYBOT_AUDIT_BUCKET": data.bucket_name,
        "PAYBOT_AUDIT_KMS_KEY_ID": data.key_arn,
        "PAYBOT_PAYMENT_GATEWAY": cfg.payment_gateway,
        "PAYBOT_STRIPE_SECRET_ID": data.secret_arns["stripe-secret-key"],
        "PAYBOT_VAULT_KEY_SECRET_ID": data.secret_arns["vault-key"],
        "PAYBOT_DATA_DIR": "/tmp/paybot",
    }


def sender_address(cfg: InfraConfig) -> str:
    """Who links and receipts come from: `emailFrom`, whose domain is the stack's SES identity."""
    return cfg.email_from or "paybot@invalid.example"


def ses_identity_arn(cfg: InfraConfig, account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    domain = sender_address(cfg).rpartition("@")[2]
    return pulumi.Output.concat("arn:aws:ses:", cfg.region, ":", account_id, ":identity/", domain)


def messenger_environment(cfg: InfraConfig, public_url: pulumi.Input[str]) -> dict[str, pulumi.Input[str]]:
    """Messages to payers go through SES and SNS, and the links in them point at the distribution."""
    return {
        "PAYBOT_MESSENGER": "aws",
        "PAYBOT_EMAIL_FROM": sender_address(cfg),
        "PAYBOT_PUBLIC_URL": public_url,
    }


def web_environment(
    cfg: InfraConfig, data: DataPlane, public_url: pulumi.Input[str]
) -> dict[str, pulumi.Input[str]]:
    """The web chat Lambda's settings."""
    return {
        **common_environment(cfg, data),
        **messenger_environment(cfg, public_url),
        "PAYBOT_LANGUAGE_MODEL": cfg.language_model,
        "PAYBOT_BEDROCK_MODEL_ID": cfg.bedrock_model_id,
        "PAYBOT_STRIPE_WEBHOOK_SECRET_ID": data.secret_arns["stripe-webhook-secret"],
        # Requests carrying CloudFront's edge secret are limited by their CloudFront-Viewer-Address.
        "PAYBOT_EDGE_SECRET_ID": data.secret_arns["edge-secret"],
        "PAYBOT_STRIPE_PUBLISHABLE_KEY": cfg.stripe_publishable_key,
        # Settings reads a list setting as JSON (or comma-separated).
        "PAYBOT_CORS_ORIGINS": json.dumps(list(cfg.cors_origins)),
    }


def phone_environment(
    cfg: InfraConfig, data: DataPlane, accounts_table: pulumi.Input[str], public_url: pulumi.Input[str]
) -> dict[str, pulumi.Input[str]]:
    """The phone Lambda's settings: no language model on the keypad path (Connect's 8 s budget), and
    the business's accounts table (never the demo table: it is refused with the Stripe gateway)."""
    return {
        **common_environment(cfg, data),
        **messenger_environment(cfg, public_url),
        "PAYBOT_LANGUAGE_MODEL": "rules",
        "PAYBOT_CONNECT_PRIVATE_KEY_SECRET_ID": data.secret_arns["connect-private-key"],
        "PAYBOT_ACCOUNTS_TABLE": accounts_table,
    }


def data_statements(
    cfg: InfraConfig, data: DataPlane, secrets: list[str], *, seals_cards: bool = False
) -> list[iam.Statement]:
    """What a function needs on the data plane: its table, audit writes, its key and secrets; and
    the vault's key table when it takes typed card data (`seals_cards`: web and phone)."""
    statements = [
        iam.dynamodb_statement(data.table_arn),
        iam.audit_write_statement(data.bucket_arn),
        *iam.kms_statements(data.key_arn, cfg.region),
        iam.secrets_statement([data.secret_arns[name] for name in secrets]),
    ]
    if seals_cards:
        statements.append(iam.session_keys_statement(data.keys_table_arn))
    return statements


def function_args(
    cfg: InfraConfig,
    observability: Observability,
    layer: DependencyLayer,
    key: str,
    **own: Any,
) -> PaybotFunctionArgs:
    """A function of the stack as every one runs: logging into its group of the observability
    component (`key`: web, phone, relay, delivery), with the dependency layer, on the configured
    runtime and architecture; `own` is the rest (name, handler, code, policy, settings, size)."""
    return PaybotFunctionArgs(
        log_group_name=observability.log_groups[key].name,
        log_group_arn=observability.log_groups[key].arn,
        layers=[layer.arn],
        runtime=cfg.lambda_runtime,
        architecture=cfg.lambda_architecture,
        **own,
    )


def build_stack(cfg: InfraConfig) -> dict[str, pulumi.Output[object] | object]:
    """Declare every resource of the stack and export its outputs; returns the exports."""
    identity = aws.get_caller_identity_output()
    prefix = f"{cfg.project}-{cfg.stack}"

    key = DataKey(f"{prefix}-data", DataKeyArgs(account_id=identity.account_id, region=cfg.region))
    table = SessionTable(
        f"{prefix}-sessions",
        SessionTableArgs(
            kms_key_arn=key.arn,
            point_in_time_recovery=cfg.point_in_time_recovery,
            deletion_protection=cfg.deletion_protection,
        ),
    )
    keys_table = SessionKeysTable(
        f"{prefix}-vault-keys",
        SessionKeysTableArgs(kms_key_arn=key.arn, deletion_protection=cfg.deletion_protection),
    )
    audit = AuditBucket(
        f"{prefix}-audit",
        AuditBucketArgs(kms_key_arn=key.arn, retention_days=cfg.audit_retention_days),
    )
    secrets = Secrets(
        f"{prefix}-secrets",
        SecretsArgs(
            prefix=f"{cfg.project}/{cfg.stack}",
            kms_key_arn=key.arn,
            recovery_window_days=cfg.secret_recovery_window_days,
        ),
    )
    data = DataPlane(
        key_arn=key.arn,
        table_name=table.name,
        table_arn=table.arn,
        keys_table_name=keys_table.name,
        keys_table_arn=keys_table.arn,
        bucket_name=audit.name,
        bucket_arn=audit.arn,
        secret_arns=secrets.arns,
    )

    watched = {"web": WatchedFunction(cfg.name("web"), cfg.web_timeout_seconds)}
    if cfg.connect.enabled:
        watched["phone"] = WatchedFunction(cfg.name("phone"), cfg.phone_timeout_seconds)
    if cfg.outbox_enabled:
        watched["relay"] = WatchedFunction(cfg.name("outbox-relay"), OUTBOX_TIMEOUT_SECONDS)
        watched["delivery"] = WatchedFunction(cfg.name("outbox-delivery"), OUTBOX_TIMEOUT_SECONDS)
    observability = Observability(
        f"{prefix}-observability",
        ObservabilityArgs(
            prefix=prefix,
            region=cfg.region,
            functions=watched,
            kms_key_arn=key.arn,
            log_retention_days=cfg.log_retention_days,
            alarm_email=cfg.alarm_email,
            bedrock_model_id=cfg.bedrock_model_id if cfg.uses_bedrock else None,
            bedrock_tokens_per_hour_alarm=cfg.bedrock_tokens_per_hour_alarm,
            payment_failures_alarm=cfg.payment_failures_alarm,
            payment_failure_pattern=cfg.payment_failure_pattern,
        ),
    )

    # The compiled dependencies both functions need, uploaded once; its description lists them.
    layer = DependencyLayer(
        f"{prefix}-deps",
        DependencyLayerArgs(
            layer_name=cfg.name("deps"),
            code_path=cfg.layer_zip,
            runtime=cfg.lambda_runtime,
            architecture=cfg.lambda_architecture,
        ),
    )

    web_statements = data_statements(
        cfg,
        data,
        ["stripe-secret-key", "stripe-webhook-secret", "vault-key", "edge-secret"],
        seals_cards=True,
    )
    web_statements.append(query_statement(data.table_arn))  # GET /v1/events and /v1/payments
    web_statements.extend(iam.messenger_statements(ses_identity_arn(cfg, identity.account_id)))
    # Links are {PAYBOT_PUBLIC_URL}/pay/...: the distribution's address, which exists only after the
    # API it fronts (the distribution needs the API's endpoint, not the function), so it is handed
    # to the function's environment once the distribution is declared.
    public_url, resolve_public_url = pulumi.deferred_output()
    if cfg.uses_bedrock:
        model_arns = identity.account_id.apply(
            lambda account: iam.bedrock_model_arns(
                cfg.bedrock_model_id, cfg.bedrock_regions, cfg.region, account
            )
        )
        web_statements.append(iam.bedrock_statement(model_arns))
    web = WebChat(
        f"{prefix}-web",
        WebChatArgs(
            function=function_args(
                cfg,
                observability,
                layer,
                "web",
                function_name=watched["web"].function_name,
                handler=WEB_HANDLER,
                code_path=cfg.web_zip,
                statements=web_statements,
                environment=web_environment(cfg, data, public_url),
                memory_mb=cfg.web_memory_mb,
                timeout_seconds=cfg.web_timeout_seconds,
                description="paybot web chat API",
            ),
            cors_origins=cfg.cors_origins,
            access_log_group_arn=observability.api_access_logs.arn,
            throttle_rate_limit=cfg.throttle_rate_limit,
            throttle_burst_limit=cfg.throttle_burst_limit,
        ),
    )
    frontend = Frontend(
        f"{prefix}-frontend",
        FrontendArgs(
            static_dir=cfg.static_dir,
            api_url=web.api_url,
            frame_ancestors=cfg.frame_ancestors,
            price_class=cfg.frontend_price_class,
            edge_secret=secrets.edge_secret.result,
        ),
    )
    resolve_public_url(frontend.url)

    exports: dict[str, pulumi.Output[object] | object] = {
        "apiUrl": web.api_url,
        "frontendUrl": frontend.url,
        "webFunction": web.function_name,
        "depsLayerArn": layer.arn,
        "sessionTable": table.name,
        "sessionKeysTable": keys_table.name,
        "auditBucket": audit.name,
        "secretNames": secrets.names,
        "alarmTopicArn": observability.topic_arn,
    }
    if cfg.connect.enabled:
        exports.update(_phone(cfg, prefix, data, observability, layer, frontend.url, identity.account_id))
    if cfg.outbox_enabled:
        exports.update(
            _outbox(cfg, prefix, data, table.stream_arn, identity.account_id, observability, layer)
        )
    for name, value in exports.items():
        pulumi.export(name, value)
    return exports


def _phone(
    cfg: InfraConfig,
    prefix: str,
    data: DataPlane,
    observability: Observability,
    layer: DependencyLayer,
    public_url: pulumi.Output[str],
    account_id: pulumi.Output[str],
) -> dict[str, pulumi.Output[object] | object]:
    # What each caller owes: filled by `paybot accounts import FILE` (docs/phone.md), read by the phone.
    accounts = AccountsTable(
        f"{prefix}-accounts",
        AccountsTableArgs(
            kms_key_arn=data.key_arn,
            point_in_time_recovery=cfg.point_in_time_recovery,
            deletion_protection=cfg.deletion_protection,
        ),
    )
    statements = data_statements(
        cfg, data, ["stripe-secret-key", "vault-key", "connect-private-key"], seals_cards=True
    )
    statements.append(lookup_statement(accounts.arn))
    # The caller can ask for the payment link by SMS (and finish on the web).
    statements.extend(iam.messenger_statements(ses_identity_arn(cfg, account_id)))
    function = PaybotFunction(
        f"{prefix}-phone",
        function_args(
            cfg,
            observability,
            layer,
            "phone",
            function_name=cfg.name("phone"),
            handler=PHONE_HANDLER,
            code_path=cfg.connect_zip,
            statements=statements,
            environment=phone_environment(cfg, data, accounts.name, public_url),
            memory_mb=cfg.phone_memory_mb,
            timeout_seconds=cfg.phone_timeout_seconds,
            description="paybot phone channel (Amazon Connect)",
        ),
    )
    recordings = None
    if cfg.connect.instance_alias:  # a new instance: its call recordings go to a bucket of the stack
        recordings = AuditBucket(
            f"{prefix}-recordings",
            AuditBucketArgs(kms_key_arn=data.key_arn, retention_days=cfg.audit_retention_days),
        )
    flow_path = cfg.connect.flow_path
    if not flow_path.exists():
        raise FileNotFoundError(
            f"contact flow {flow_path} is missing; set paybot:connectEnabled false to skip"
        )
    phone = PhoneChannel(
        f"{prefix}-connect",
        PhoneChannelArgs(
            function_arn=function.arn,
            function_name=function.name,
            function_qualifier=function.qualifier,
            recordings_bucket=recordings.name if recordings else None,
            kms_key_arn=data.key_arn,
            flow_template=flow_path.read_text(encoding="utf-8"),
            flow_name=f"paybot {cfg.stack} payments",
            region=cfg.region,
            private_key_secret_id=data.secret_arns["connect-private-key"],
            queue_name=cfg.connect.queue_name,
            queue_time_zone=cfg.connect.queue_time_zone,
            instance_id=cfg.connect.instance_id,
            instance_alias=cfg.connect.instance_alias,
            flow_parameters=cfg.connect.flow_parameters,
            claim_phone_number=cfg.connect.claim_phone_number,
            phone_country_code=cfg.connect.phone_country_code,
            phone_type=cfg.connect.phone_type,
        ),
    )
    return {
        "phoneFunction": function.name,
        "accountsTable": accounts.name,
        "connectInstanceId": phone.instance_id,
        "phoneFlowId": phone.flow_id,
        "phoneNumber": phone.phone_number,
        "agentQueueArn": phone.queue_arn,
        "connectInputKeyId": phone.input_key.key_id,
    }


def _outbox(
    cfg: InfraConfig,
    prefix: str,
    data: DataPlane,
    stream_arn: pulumi.Output[str],
    account_id: pulumi.Output[str],
    observability: Observability,
    layer: DependencyLayer,
) -> dict[str, pulumi.Output[object] | object]:
    """The merchant's outbox engine: webhooks and receipts, delivered off the payer's path."""
    environment: dict[str, pulumi.Input[str]] = {
        **common_environment(cfg, data),
        "PAYBOT_LANGUAGE_MODEL": "rules",
        "PAYBOT_WEBHOOK_URLS": json.dumps(list(cfg.webhook_urls)),
    }
    if cfg.webhook_secret is not None:
        environment["PAYBOT_WEBHOOK_SECRET"] = cfg.webhook_secret

    def function(key: str, description: str) -> PaybotFunctionArgs:
        return function_args(
            cfg,
            observability,
            layer,
            key,
            function_name=cfg.name(f"outbox-{key}"),
            handler="set by OutboxDispatcher",
            code_path=cfg.web_zip,
            statements=data_statements(cfg, data, ["stripe-secret-key", "vault-key"]),
            environment=environment,
            memory_mb=512,
            timeout_seconds=OUTBOX_TIMEOUT_SECONDS,
            description=description,
        )

    outbox = OutboxDispatcher(
        f"{prefix}-outbox",
        OutboxDispatcherArgs(
            relay=function("relay", "paybot outbox: table stream to the delivery queue"),
            delivery=function("delivery", "paybot outbox: webhooks and receipts"),
            table_arn=data.table_arn,
            table_stream_arn=stream_arn,
            kms_key_arn=data.key_arn,
            email_from=sender_address(cfg),
            ses_identity_arn=ses_identity_arn(cfg, account_id),
        ),
    )
    return {
        "outboxQueueUrl": outbox.queue.url,
        "outboxDeadLetterQueueUrl": outbox.dead_letters.url,
        "outboxDeliveryFunction": outbox.delivery.name,
    }
