"""The stack's settings, read once from Pulumi config into frozen dataclasses.

Every key lives in the `paybot:` namespace (plus `aws:region`); Pulumi.dev.yaml and
Pulumi.prod.yaml document each one. Nothing below `program.py` reads Pulumi config.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from infra.errors import InfraConfigError
from infra.flow import STACK_PLACEHOLDERS

ROOT = Path(__file__).resolve().parent.parent

# Regions each cross-region inference profile prefix routes to; the IAM policy needs the
# foundation-model ARN in every one of them. Other prefixes must list theirs explicitly.
INFERENCE_PROFILE_REGIONS = {"us": ("us-east-1", "us-east-2", "us-west-2")}
INFERENCE_PROFILE_PREFIXES = ("us", "eu", "apac", "us-gov", "ca", "jp", "au", "global")

# Connect stops waiting for a Lambda after 8 seconds; a longer timeout only hides hangs.
CONNECT_LAMBDA_LIMIT_SECONDS = 8
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


@dataclass(frozen=True)
class ConnectConfig:
    """How the phone channel attaches to Amazon Connect."""

    enabled: bool
    instance_id: str | None
    instance_alias: str | None
    claim_phone_number: bool
    phone_country_code: str
    phone_type: str
    flow_path: Path
    flow_parameters: Mapping[str, str] = field(default_factory=dict)
    queue_name: str | None = None
    queue_time_zone: str = "UTC"


@dataclass(frozen=True)
class InfraConfig:
    """Everything the program needs to know about one stack."""

    project: str
    stack: str
    region: str
    language_model: str
    bedrock_model_id: str
    bedrock_regions: tuple[str, ...]
    payment_gateway: str
    stripe_publishable_key: str
    cors_origins: tuple[str, ...]
    frame_ancestors: tuple[str, ...]
    web_zip: Path
    connect_zip: Path
    layer_zip: Path
    lambda_runtime: str
    lambda_architecture: str
    web_memory_mb: int
    web_timeout_seconds: int
    phone_memory_mb: int
    phone_timeout_seconds: int
    log_retention_days: int
    audit_retention_days: int
    point_in_time_recovery: bool
    deletion_protection: bool
    secret_recovery_window_days: int
    throttle_rate_limit: float
    throttle_burst_limit: int
    alarm_email: pulumi.Output[str] | None
    bedrock_tokens_per_hour_alarm: int
    payment_failures_alarm: int
    payment_failure_pattern: str
    frontend_price_class: str
    static_dir: Path
    connect: ConnectConfig
    # The merchant's outbox on AWS (infra/components/outbox_dispatcher.py): where webhooks go, and the
    # SES identity receipts come from. Either one deploys the dispatcher.
    webhook_urls: tuple[str, ...] = ()
    webhook_secret: pulumi.Output[str] | None = None
    email_from: str = ""

    @property
    def outbox_enabled(self) -> bool:
        return bool(self.webhook_urls or self.email_from)

    def name(self, suffix: str) -> str:
        """A physical name unique to this stack, like `paybot-dev-web`."""
        return f"{self.project}-{self.stack}-{suffix}"

    @property
    def uses_bedrock(self) -> bool:
        """Whether the web Lambda calls Amazon Bedrock (and so needs permission to)."""
        return self.language_model == "bedrock"


def inference_profile_regions(model_id: str, explicit: tuple[str, ...], home_region: str) -> tuple[str, ...]:
    """The regions whose foundation model a model id can reach.

    A plain model id (`amazon.nova-micro-v1:0`) stays in the stack's region; a cross-region
    profile (`us.amazon.nova-micro-v1:0`) routes to each region of its geography.
    """
    prefix, _, rest = model_id.partition(".")
    if prefix not in INFERENCE_PROFILE_PREFIXES or not rest:
        return explicit or (home_region,)
    if explicit:
        return explicit
    if prefix in INFERENCE_PROFILE_REGIONS:
        return INFERENCE_PROFILE_REGIONS[prefix]
    raise InfraConfigError(
        f"paybot:bedrockRegions must list the regions the inference profile {model_id!r} routes to"
    )


def _choice(value: str, allowed: tuple[str, ...], key: str) -> str:
    if value not in allowed:
        raise InfraConfigError(f"paybot:{key} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _str_tuple(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InfraConfigError(f"paybot:{key} must be a list of strings")
    return tuple(value)


def _path(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else ROOT / path


def _validate(cfg: InfraConfig) -> InfraConfig:
    for origin in cfg.cors_origins:
        if origin == "*" or not re.fullmatch(r"https?://[^/\s*]+", origin):
            raise InfraConfigError(f"paybot:corsOrigins entries must be exact origins, not {origin!r}")
    for retention in (cfg.log_retention_days,):
        if retention not in LOG_RETENTION_DAYS:
            raise InfraConfigError(f"paybot:logRetentionDays must be one of {LOG_RETENTION_DAYS}")
    if not 0 < cfg.phone_timeout_seconds <= CONNECT_LAMBDA_LIMIT_SECONDS:
        raise InfraConfigError(
            f"paybot:phoneTimeoutSeconds must be 1..{CONNECT_LAMBDA_LIMIT_SECONDS} (Connect's own limit)"
        )
    if cfg.payment_gateway == "stripe" and not cfg.stripe_publishable_key.startswith("pk_"):
        raise InfraConfigError("paybot:stripePublishableKey must be a Stripe publishable key (pk_...)")
    if cfg.stripe_publishable_key.startswith(("sk_", "rk_")):
        raise InfraConfigError("paybot:stripePublishableKey holds a secret key: rotate it, it was exposed")
    if cfg.audit_retention_days < 365:
        raise InfraConfigError("paybot:auditRetentionDays must keep audit events at least 12 months (365)")
    if cfg.secret_recovery_window_days != 0 and not 7 <= cfg.secret_recovery_window_days <= 30:
        raise InfraConfigError("paybot:secretRecoveryWindowDays must be 0 or 7..30")
    for url in cfg.webhook_urls:
        if not url.startswith("https://"):
            raise InfraConfigError(f"paybot:webhookUrls entries must be https:// URLs, not {url!r}")
    if cfg.webhook_urls and cfg.webhook_secret is None:
        raise InfraConfigError("paybot:webhookUrls needs paybot:webhookSecret (pulumi config set --secret)")
    connect = cfg.connect
    if connect.enabled and bool(connect.instance_id) == bool(connect.instance_alias):
        raise InfraConfigError(
            "set exactly one of paybot:connectInstanceId (existing) or connectInstanceAlias (new)"
        )
    return cfg


def load_config() -> InfraConfig:
    """Read and validate the current stack's configuration."""
    conf = pulumi.Config("paybot")
    region = pulumi.Config("aws").get("region") or "us-east-1"
    language_model = _choice(conf.get("languageModel") or "rules", ("rules", "bedrock"), "languageModel")
    model_id = conf.get("bedrockModelId") or "us.amazon.nova-micro-v1:0"
    flow_params = conf.get_object("connectFlowParameters") or {}
    if not isinstance(flow_params, dict) or not all(isinstance(v, str) for v in flow_params.values()):
        raise InfraConfigError("paybot:connectFlowParameters must map placeholder names to strings")
    made_by_stack = sorted(set(flow_params) & STACK_PLACEHOLDERS)
    if made_by_stack:
        raise InfraConfigError(
            f"paybot:connectFlowParameters sets {', '.join(made_by_stack)}, which the stack makes itself: "
            "remove them (an existing queue is chosen with paybot:connectQueueName)"
        )
    cfg = InfraConfig(
        project=pulumi.get_project(),
        stack=pulumi.get_stack(),
        region=region,
        language_model=language_model,
        bedrock_model_id=model_id,
        bedrock_regions=inference_profile_regions(
            model_id, _str_tuple(conf.get_object("bedrockRegions"), "bedrockRegions"), region
        ),
        payment_gateway=_choice(
            conf.get("paymentGateway") or "stripe", ("stripe", "sandbox"), "paymentGateway"
        ),
        stripe_publishable_key=conf.get("stripePublishableKey") or "",
        cors_origins=_str_tuple(conf.get_object("corsOrigins"), "corsOrigins"),
        frame_ancestors=_str_tuple(conf.get_object("frameAncestors"), "frameAncestors") or ("'self'",),
        web_zip=_path(conf.get("webZip") or "dist/lambda/web.zip"),
        connect_zip=_path(conf.get("connectZip") or "dist/lambda/connect.zip"),
        layer_zip=_path(conf.get("layerZip") or "dist/lambda/deps-layer.zip"),
        lambda_runtime=conf.get("lambdaRuntime") or "python3.12",
        lambda_architecture=_choice(
            conf.get("lambdaArchitecture") or "x86_64", ("x86_64", "arm64"), "lambdaArchitecture"
        ),
        web_memory_mb=conf.get_int("webMemoryMb") or 1024,
        web_timeout_seconds=conf.get_int("webTimeoutSeconds") or 15,
        phone_memory_mb=conf.get_int("phoneMemoryMb") or 1024,
        phone_timeout_seconds=conf.get_int("phoneTimeoutSeconds") or CONNECT_LAMBDA_LIMIT_SECONDS,
        log_retention_days=conf.get_int("logRetentionDays") or 30,
        audit_retention_days=conf.get_int("auditRetentionDays") or 365,
        point_in_time_recovery=bool(conf.get_bool("pointInTimeRecovery")),
        deletion_protection=bool(conf.get_bool("deletionProtection")),
        secret_recovery_window_days=conf.get_int("secretRecoveryWindowDays") or 30,
        throttle_rate_limit=conf.get_float("throttleRateLimit") or 20.0,
        throttle_burst_limit=conf.get_int("throttleBurstLimit") or 40,
        alarm_email=conf.get_secret("alarmEmail"),
        bedrock_tokens_per_hour_alarm=conf.get_int("bedrockTokensPerHourAlarm") or 200_000,
        payment_failures_alarm=conf.get_int("paymentFailuresAlarm") or 5,
        payment_failure_pattern=conf.get("paymentFailurePattern") or '"payment_failed"',
        frontend_price_class=conf.get("frontendPriceClass") or "PriceClass_100",
        static_dir=_path(conf.get("staticDir") or "frontend/src"),
        connect=ConnectConfig(
            enabled=conf.get_bool("connectEnabled") is not False,
            instance_id=conf.get("connectInstanceId") or None,
            instance_alias=conf.get("connectInstanceAlias") or None,
            claim_phone_number=bool(conf.get_bool("connectClaimPhoneNumber")),
            phone_country_code=conf.get("connectPhoneCountryCode") or "US",
            phone_type=_choice(
                conf.get("connectPhoneType") or "DID", ("DID", "TOLL_FREE"), "connectPhoneType"
            ),
            flow_path=_path(
                conf.get("connectFlowPath") or "packages/channels/src/paybot_channels/connect/flow.json"
            ),
            flow_parameters=dict(flow_params),
            queue_name=conf.get("connectQueueName") or None,
            queue_time_zone=conf.get("connectQueueTimeZone") or "UTC",
        ),
        webhook_urls=_str_tuple(conf.get_object("webhookUrls"), "webhookUrls"),
        webhook_secret=conf.get_secret("webhookSecret"),
        email_from=conf.get("emailFrom") or "",
    )
    return _validate(cfg)
