"""paybot's settings: environment variables with the PAYBOT_ prefix, read and validated once at start.

A plain pydantic model fed from `os.environ` (`_environment`) rather than pydantic-settings'
`BaseSettings`: of that library this used only the prefix lookup, and importing it (its
sources, CLI and dotenv support, asyncio and argparse) was about a tenth of the phone Lambda's
cold start (bench/README.md). The reading is the same: names in any case, values passed as the
strings they are (lists are split by `_split_csv`), keyword arguments over the environment,
defaults validated too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from .conversation.state import CardEntry
from .errors import SettingsError
from .money import Locale
from .settings_errors import PREFIX, describe_settings_errors, variable_name

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Settings that name the same thing two ways (the value itself, for local use, or the Secrets Manager
# id that holds it; the accounts as a table or a file): with both set, which one is used would be a
# guess, so the start refuses them.
_ONE_SOURCE_ONLY = (
    ("stripe_secret_key", "stripe_secret_id"),
    ("stripe_webhook_secret", "stripe_webhook_secret_id"),
    ("accounts_table", "accounts_file"),
    ("edge_secret", "edge_secret_id"),
    ("vault_key", "vault_key_secret_id"),
)


def _environment(fields: dict[str, Any]) -> dict[str, str]:
    """The PAYBOT_<FIELD> variables by field name, in any case (PAYBOT_DATA_DIR, paybot_data_dir)."""
    prefix = PREFIX.lower()
    found = {}
    for name, value in os.environ.items():
        key = name.lower()
        if key.startswith(prefix) and key[len(prefix) :] in fields:
            found[key[len(prefix) :]] = value
    return found


def _split_csv(value: object) -> object:
    """Lists from the environment: a JSON list (as the Pulumi program writes them) or comma-separated."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


class Settings(BaseModel):
    """Every setting is optional; the defaults run a local server with no cloud account and no keys.

    `Settings()` reads the PAYBOT_* environment; `Settings(name=value)` overrides a variable.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)

    def __init__(self, **values: Any) -> None:
        # Raised as one line per PAYBOT_* variable, not pydantic's report on field names.
        try:
            super().__init__(**{**_environment(type(self).model_fields), **values})
        except ValidationError as err:
            raise SettingsError(describe_settings_errors(type(self), err)) from None

    data_dir: Path = Field(Path(".paybot"), description="Where the embedded stores keep their files.")
    allow_typed_card_entry: bool = Field(
        False, description="Allow sessions where card details are typed into the chat."
    )
    default_card_entry: CardEntry = Field(
        CardEntry.SECURE, description="Card entry of sessions that do not ask."
    )
    currency: str = Field(
        "usd", pattern=r"^[a-z]{3}$", description="A 3-letter ISO 4217 currency code such as usd"
    )
    max_amount: int = Field(1_000_000, gt=0, description="Largest amount in minor units (cents).")
    session_ttl_seconds: int = Field(900, gt=0, le=86_400, description="Idle time before a session expires.")
    max_field_attempts: int = Field(3, ge=1, le=10)
    max_payment_attempts: int = Field(3, ge=1, le=10)
    max_turns_per_session: int = Field(60, ge=5, le=1000)
    default_locale: Locale = Field(
        Locale.EN, description="A session's language when the merchant sets none (en or es)."
    )
    support_contact: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description=(
            "What the bot tells a payer who asks for a person, quoted as given (for example a phone "
            "number and hours). Unset, the bot says 'call us and ask for an agent' in the session's language."
        ),
    )
    accepted_brands: tuple[str, ...] = ("visa", "mastercard", "amex", "discover")

    payment_gateway: Literal["sandbox", "stripe"] = "sandbox"
    language_model: Literal["rules", "bedrock"] = "rules"
    session_store: Literal["sqlite", "dynamodb", "memory"] = "sqlite"
    audit_log: Literal["file", "s3", "memory"] = "file"

    vault_key: SecretStr | None = Field(
        None, description="Base64 32-byte AES key; generated into data_dir when unset."
    )
    merchant_api_keys: tuple[SecretStr, ...] = ()
    cors_origins: tuple[str, ...] = Field(
        (), description="origins such as https://shop.example, comma-separated; never *"
    )
    frame_ancestors: str = "'none'"
    stripe_publishable_key: str | None = None
    log_level: str = Field("INFO", description=f"one of {', '.join(LOG_LEVELS)}")
    library_log_level: str | None = Field(
        None,
        description="level of botocore, stripe, urllib3, uvicorn.access and friends (WARNING when unset); "
        "below WARNING they write keys, data keys and card fields: for debugging with test keys only",
    )

    # --- the merchant's side (merchant-api.md): links, webhooks, messages to payers.
    public_url: str = Field(
        "http://127.0.0.1:8765", description="Base of payment links: {PAYBOT_PUBLIC_URL}/pay/{token}."
    )
    merchant_name: str = Field("paybot demo merchant", max_length=100, description="Named in receipts.")
    messenger: Literal["file", "aws"] = Field(
        "file",
        description="file: messages written to data_dir/outbox; aws: SES email, End User Messaging SMS.",
    )
    email_from: str = Field(
        "paybot@localhost",
        max_length=254,
        description="Sender of links and receipts (an SES identity on AWS).",
    )
    webhook_urls: tuple[str, ...] = ()
    webhook_secret: SecretStr | None = Field(None, description="HMAC key of Paybot-Signature.")
    webhook_timeout_seconds: float = Field(10.0, gt=0, le=30, description="One delivery's timeout.")
    webhook_retry_seconds: float = Field(30.0, gt=0, description="First retry delay; doubles per try.")
    webhook_retry_max_seconds: float = Field(6 * 3600.0, gt=0, description="Longest delay between tries.")
    webhook_retry_window_seconds: float = Field(
        3 * 86_400.0, gt=0, description="How long an event is retried before it is given up."
    )
    outbox_queue_url: str | None = Field(None, description="AWS: the FIFO queue the stream relay fills.")
    outbox_dead_letter_url: str | None = Field(None, description="AWS: where events past the window go.")
    webhook_poll_seconds: float = Field(1.0, gt=0, le=60, description="Local dispatcher's idle poll.")
    event_retention_seconds: int = Field(
        30 * 86_400,
        gt=0,
        description="Merchant events are kept this long (GET /v1/events replays within it): the local "
        "store prunes delivered ones older, DynamoDB's TTL removes them. At least the retry window.",
    )

    # --- abuse limits (in-process token buckets; each server process or Lambda container counts alone).
    # The per-client default is high on purpose: every browser behind one NAT, and a load test of
    # 200 concurrent conversations from 127.0.0.1, share one address. Lower it for a public server.
    rate_limit_per_client: int = Field(
        12_000, ge=0, description="API requests per minute from one client address; 0 turns it off."
    )
    rate_limit_per_session: int = Field(
        120, ge=0, description="Requests per minute on one session id; 0 turns it off."
    )

    # --- behind CloudFront: which requests' CloudFront-Viewer-Address is believed (web/edge.py).
    edge_secret_id: str | None = Field(
        None,
        description="Secrets Manager id of the value CloudFront adds to API requests (X-Paybot-Edge-Secret); "
        "requests carrying it are rate-limited by their CloudFront-Viewer-Address",
    )
    edge_secret: SecretStr | None = Field(None, description="That value itself, for local use.")

    # --- where the blocking part of requests (store, gateway and model calls) runs.
    worker_threads: int | None = Field(
        None,
        ge=0,
        le=256,
        description="Threads running turns; 0 runs them on the event loop; unset sizes by adapters.",
    )

    # --- phone channel (Amazon Connect) and the merchant's account lookup ---
    accounts_file: Path | None = Field(
        None,
        description="Table of accounts due (.json or .csv); the demo table shipped in the package when "
        "neither this nor PAYBOT_ACCOUNTS_TABLE is set (refused with the Stripe gateway).",
    )
    accounts_table: str | None = Field(
        None,
        description="DynamoDB table of accounts due (key lookup (S)), filled by `paybot accounts import`.",
    )
    connect_private_key_secret_id: str | None = Field(
        None, description="Secrets Manager id of the PEM RSA key that opens Connect's encrypted input."
    )
    connect_allow_plaintext_input: bool = Field(
        False, description="Accept unencrypted keypad input (the local call simulator only)."
    )

    # --- AWS and Stripe adapters. Endpoints come from boto3's standard AWS_ENDPOINT_URL_<SERVICE>
    # variables and the region from AWS_REGION / AWS_DEFAULT_REGION: nothing here names a local server.
    # Secrets are named by their Secrets Manager id; the *_SECRET_KEY / *_WEBHOOK_SECRET values are for
    # local use only. See docs/aws.md.
    dynamodb_table: str | None = Field(None, description="Table: key sessionId (S), TTL ttl.")
    session_keys_table: str | None = Field(
        None, description="Table of vault data keys (key sessionId (S), TTL ttl), PITR and backups off."
    )
    session_kms_key_id: str | None = Field(None, description="KMS key of per-session data keys.")
    session_retention_seconds: int = Field(86_400, ge=0, description="Item kept past expiry.")
    audit_bucket: str | None = Field(None, description="S3 bucket of the audit log.")
    audit_kms_key_id: str | None = Field(None, description="SSE-KMS key (default aws/s3).")
    audit_hmac_secret_id: str | None = Field(None, description="HMAC key of audit object keys.")
    bedrock_model_id: str = Field("us.amazon.nova-micro-v1:0", description="Model or inference profile.")
    bedrock_timeout_seconds: float = Field(2.5, gt=0, le=30, description="Hard timeout of one Bedrock call.")
    bedrock_phrasing: bool = Field(False, description="Let Bedrock rephrase replies (never on the phone).")
    stripe_secret_key: SecretStr | None = Field(None, description="Stripe secret key, for local use.")
    stripe_secret_id: str | None = Field(None, description="Secrets Manager id of the Stripe secret key.")
    stripe_webhook_secret: SecretStr | None = Field(None, description="Webhook secret, local use.")
    stripe_webhook_secret_id: str | None = Field(None, description="Id of the webhook secret.")
    stripe_timeout_seconds: float = Field(3.0, gt=0, le=7.5, description="Timeout of one Stripe request.")
    stripe_api_base: str | None = Field(None, description="Emulator base URL.")
    vault_key_secret_id: str | None = Field(None, description="Secrets Manager id of the vault key (base64).")
    secrets_cache_ttl_seconds: int = Field(300, ge=0, le=86_400, description="Secrets cache TTL.")

    def turn_threads(self) -> int:
        """Threads for the blocking part of requests (0: on the event loop): `worker_threads`, or
        chosen by the adapters.

        The embedded adapters (SQLite or memory store, sandbox gateway, rules, file audit log) never
        wait on a network: a whole turn is about 0.3 ms of computing and local file writes. Handing
        that to a thread costs more than it saves (the thread and the event loop then take turns at
        the GIL): bench/load.py measured about 35% more sessions a second with turns on the loop
        than with a pool of one or two threads. A remote adapter (Stripe, Bedrock, DynamoDB, S3)
        waits on the network for up to seconds, which must never hold up the loop: then a pool,
        whose size is how many such calls can wait at once.
        """
        if self.worker_threads is not None:
            return self.worker_threads
        remote = (
            self.payment_gateway == "stripe"
            or self.language_model == "bedrock"
            or self.session_store == "dynamodb"
            or self.audit_log == "s3"
        )
        return 32 if remote else 0

    @model_validator(mode="after")
    def _adapters_configured(self) -> Settings:
        problems = []
        if self.session_store == "dynamodb":
            if not self.dynamodb_table:
                problems.append("PAYBOT_SESSION_STORE=dynamodb needs PAYBOT_DYNAMODB_TABLE")
            if not self.session_kms_key_id:
                problems.append(
                    "PAYBOT_SESSION_STORE=dynamodb needs PAYBOT_SESSION_KMS_KEY_ID (typed card data is "
                    "envelope-encrypted)"
                )
        if self.audit_log == "s3" and not self.audit_bucket:
            problems.append("PAYBOT_AUDIT_LOG=s3 needs PAYBOT_AUDIT_BUCKET")
        if self.payment_gateway == "stripe" and not (self.stripe_secret_key or self.stripe_secret_id):
            problems.append(
                "PAYBOT_PAYMENT_GATEWAY=stripe needs PAYBOT_STRIPE_SECRET_ID (or PAYBOT_STRIPE_SECRET_KEY "
                "for local use)"
            )
        problems += [
            f"set {variable_name(one)} or {variable_name(other)}, not both"
            for one, other in _ONE_SOURCE_ONLY
            if getattr(self, one) and getattr(self, other)
        ]
        if self.webhook_urls and self.webhook_secret is None:
            problems.append("PAYBOT_WEBHOOK_URLS needs PAYBOT_WEBHOOK_SECRET (every webhook is signed)")
        if (
            self.payment_gateway == "stripe"
            and self.connect_private_key_secret_id
            and not (self.accounts_file or self.accounts_table)
        ):
            # The deployed phone channel would take real cards against the demo table's "Jane Doe".
            problems.append(
                "the phone channel with PAYBOT_PAYMENT_GATEWAY=stripe needs PAYBOT_ACCOUNTS_TABLE (filled by "
                "`paybot accounts import`) or PAYBOT_ACCOUNTS_FILE: the demo accounts table is refused"
            )
        if self.event_retention_seconds < self.webhook_retry_window_seconds:
            problems.append(
                "PAYBOT_EVENT_RETENTION_SECONDS must be at least PAYBOT_WEBHOOK_RETRY_WINDOW_SECONDS "
                "(an event is kept while it may still be retried)"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @field_validator("webhook_urls")
    @classmethod
    def _http_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [url for url in value if not url.startswith(("https://", "http://"))]
        if bad:
            raise ValueError(
                f"each webhook URL must start with https:// or http://, got {len(bad)} that do not"
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL such as https://pay.example.com")
        return value.rstrip("/")

    @field_validator("accepted_brands", "merchant_api_keys", "cors_origins", "webhook_urls", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("currency", mode="before")
    @classmethod
    def _lower_case_currency(cls, value: object) -> object:
        # USD and usd name one currency; the API and the stores use the lower-case form.
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", "library_log_level", mode="before")
    @classmethod
    def _known_log_level(cls, value: object) -> object:
        if value is None:
            return None
        level = str(value).strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("cors_origins")
    @classmethod
    def _explicit_origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if "*" in value:
            # Any site could then drive a payer's session from their browser; name the origins.
            raise ValueError(
                "the origins allowed to call the API, such as https://shop.example, not * "
                "(any site could then drive a payer's session from their browser)"
            )
        malformed = [o for o in value if not o.startswith(("https://", "http://")) or o.count("/") != 2]
        if malformed:
            raise ValueError(f"origins as scheme://host[:port], without a path; not {', '.join(malformed)}")
        return value

    @field_validator("accepted_brands")
    @classmethod
    def _known_brands(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from .pci.cards import Brand

        unknown = [b for b in value if b not in Brand.__members__.values()]
        if unknown:
            known = ", ".join(b.value for b in Brand)
            raise ValueError(f"card brands among {known}, comma-separated; not {', '.join(unknown)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.default_card_entry is CardEntry.TYPED and not self.allow_typed_card_entry:
            raise ValueError("PAYBOT_DEFAULT_CARD_ENTRY=typed needs PAYBOT_ALLOW_TYPED_CARD_ENTRY=true")
        return self

    @property
    def vault_key_file(self) -> Path:
        return self.data_dir / "vault.key"
