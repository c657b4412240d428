"""The one composition root: settings in, wired services out.

Called once per process at module scope (the Lambda handlers, `paybot serve`), so warm
Lambdas reuse their clients. Tests pass overrides instead of patching globals.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .adapters.account_directory import DemoAccountsRefused, JsonAccountDirectory
from .conversation.state import Limits, Presets
from .errors import ConfigurationError
from .lazy import Lazy, LazyGateway, LazyLanguageModel
from .merchant.service import MerchantService
from .metrics import Counters
from .pci.files import private_dir
from .pci.logging import install_card_data_filter, pin_library_loggers
from .pci.vault import (
    CardVault,
    SessionKeys,
    decode_key,
    load_or_create_key_file,
)
from .ports import (
    AccountDirectory,
    AuditLog,
    KeepsWebhookEvents,
    KeypadDecryptor,
    LanguageModel,
    MerchantRecords,
    Messenger,
    Metrics,
    PaymentGateway,
    SecretSource,
    SessionStore,
    WebhookEventLog,
    WebhookOutbox,
)
from .services import ConversationService, PaymentService
from .settings import Settings
from .snapstart import after_restore

# Each adapter is imported where it is chosen (below), so a start loads only the ones its
# settings name: the phone Lambda on AWS never imports SQLite's store, the sandbox, the file
# messenger or the webhook dispatcher's HTTP client (bench/README.md, cold starts).
if TYPE_CHECKING:
    from .adapters.sandbox_gateway import SandboxGateway
    from .breaker import CircuitBreaker
    from .merchant.dispatch import Consumer, RetryPolicy, WebhookDispatcher
    from .understanding.rules_first import RulesFirstModel


@dataclass(frozen=True)
class Services:
    settings: Settings
    conversations: ConversationService
    payments: PaymentService
    store: SessionStore
    gateway: PaymentGateway
    model: LanguageModel
    audit: AuditLog
    accounts: AccountDirectory
    webhook_events: WebhookEventLog
    messenger: Messenger
    merchant: MerchantService
    metrics: Metrics
    webhook_secret: Callable[[], str] | None = None  # None: Stripe webhooks are not configured
    edge_secret: Callable[[], str] | None = None  # None: no CloudFront in front (web/edge.py)
    keypad: KeypadDecryptor | None = None  # None: the phone's keypad input is not encrypted (local)
    secrets: SecretSource | None = None  # None: no setting names a secret
    clock: Callable[[], float] = time.time

    @property
    def sandbox(self) -> SandboxGateway | None:
        """The sandbox gateway when it is the one in use (its test-only endpoints are served then)."""
        from .adapters.sandbox_gateway import SandboxGateway

        return self.gateway if isinstance(self.gateway, SandboxGateway) else None


def build(
    settings: Settings | None = None,
    *,
    store: SessionStore | None = None,
    gateway: PaymentGateway | None = None,
    model: LanguageModel | None = None,
    audit: AuditLog | None = None,
    vault: CardVault | None = None,
    accounts: AccountDirectory | None = None,
    secrets: SecretSource | None = None,
    webhook_events: WebhookEventLog | None = None,
    keypad: KeypadDecryptor | None = None,
    messenger: Messenger | None = None,
    metrics: Metrics | None = None,
    clock: Callable[[], float] = time.time,
) -> Services:
    """Wire the services from settings, each part once; any port may be handed in ready-made."""
    settings = settings or Settings()
    if _uses_data_dir(settings):
        private_dir(settings.data_dir)  # 0700: the stores, their WAL, keys and the audit log are the owner's
    install_card_data_filter(logging.getLogger("paybot"))
    pin_library_loggers(settings.library_log_level)
    secrets = secrets or _secrets(settings)
    metrics = metrics if metrics is not None else Counters()
    vault_key_cache = Lazy(lambda: _vault_key(settings, secrets))  # resolved once, when first needed
    vault_key = vault_key_cache.get
    if settings.vault_key_secret_id:
        # A SnapStart copy reads the key again (after the secrets cache is forgotten, before the audit
        # log derives its HMAC key from it: hooks run in the order they were registered).
        after_restore(vault_key_cache.forget)
    store = store or _session_store(settings)
    gateway = gateway or _gateway(settings, secrets)
    model = model or _language_model(settings, metrics)
    audit = audit or _audit_log(settings, secrets, vault_key)
    # A key in Secrets Manager is fetched when the first typed card is sealed, not at start; one
    # in the environment or the key file is read now, so a bad one stops the start.
    if vault is None:
        vault = CardVault(
            vault_key if settings.vault_key_secret_id else vault_key(), _session_keys(settings, store)
        )
        if settings.vault_key_secret_id:
            after_restore(vault.forget_key)  # the wrapping key made from the old value goes too
    payments = PaymentService(gateway)
    accounts = accounts or _accounts(settings, store)
    limits = Limits(
        max_amount=settings.max_amount,
        ttl_seconds=settings.session_ttl_seconds,
        max_field_attempts=settings.max_field_attempts,
        max_payment_attempts=settings.max_payment_attempts,
        max_turns=settings.max_turns_per_session,
        accepted_brands=settings.accepted_brands,
        support_contact=settings.support_contact or "",
        default_locale=settings.default_locale.value,
    )
    conversations = ConversationService(
        store=store,
        payments=payments,
        model=model,
        audit=audit,
        vault=vault,
        limits=limits,
        default_presets=Presets(currency=settings.currency, card_entry=settings.default_card_entry),
        accounts=accounts,
        metrics=metrics,
        clock=clock,
    )
    messenger = messenger or _messenger(settings, clock)
    merchant = MerchantService(
        conversations,
        cast(MerchantRecords, store),  # every session store keeps the merchant's records beside the sessions
        messenger,
        public_url=settings.public_url,
        merchant_name=settings.merchant_name,
    )
    return Services(
        settings=settings,
        conversations=conversations,
        payments=payments,
        store=store,
        gateway=gateway,
        model=model,
        audit=audit,
        accounts=accounts,
        webhook_events=webhook_events or _webhook_events(settings, store),
        webhook_secret=_webhook_secret(settings, secrets),
        edge_secret=_edge_secret(settings, secrets),
        keypad=keypad or _keypad(settings, secrets),
        secrets=secrets,
        messenger=messenger,
        merchant=merchant,
        metrics=metrics,
        clock=clock,
    )


def outbox_consumers(services: Services, **overrides: Any) -> dict[str, Consumer]:
    """Who takes each outbox event, by name: the receipt sender and every webhook endpoint."""
    from .merchant.dispatch import WebhookSender
    from .merchant.receipts import RECEIPTS, ReceiptSender

    settings = services.settings
    consumers: dict[str, Consumer] = {
        RECEIPTS: ReceiptSender(
            services.store,
            cast(MerchantRecords, services.store),
            services.messenger,
            settings.merchant_name,
            services.clock,
        )
    }
    if settings.webhook_urls and settings.webhook_secret is not None:
        sender = WebhookSender(
            settings.webhook_secret.get_secret_value(),
            timeout=settings.webhook_timeout_seconds,
            clock=services.clock,
            **{k: v for k, v in overrides.items() if k == "post"},
        )
        consumers.update(dict.fromkeys(settings.webhook_urls, sender))
    return consumers


def retry_policy(settings: Settings) -> RetryPolicy:
    from .merchant.dispatch import RetryPolicy

    return RetryPolicy(
        settings.webhook_retry_seconds,
        settings.webhook_retry_max_seconds,
        settings.webhook_retry_window_seconds,
    )


def outbox_dispatcher(services: Services, **overrides: Any) -> WebhookDispatcher | None:
    """The local dispatcher over the store's outbox. None when the store's outbox is not worked in
    process (DynamoDB: its stream feeds the dispatcher Lambda instead)."""
    if not hasattr(services.store, "due"):
        return None
    from .merchant.dispatch import WebhookDispatcher

    return WebhookDispatcher(
        cast(WebhookOutbox, services.store),
        outbox_consumers(services, **overrides),
        policy=retry_policy(services.settings),
        clock=services.clock,
        **{k: v for k, v in overrides.items() if k == "rng"},
    )


def _messenger(settings: Settings, clock: Callable[[], float]) -> Messenger:
    if settings.messenger == "file":
        from .adapters.file_messenger import FileMessenger

        return FileMessenger(settings.data_dir / "outbox", sender=settings.email_from, clock=clock)
    messenger: Messenger = _optional_adapter("aws_messenger", "build_from_settings", settings)
    return messenger


def _secrets(settings: Settings) -> SecretSource | None:
    """One Secrets Manager cache for the process, when any setting names a secret by id."""
    if not any(
        (
            settings.vault_key_secret_id,
            settings.stripe_secret_id,
            settings.stripe_webhook_secret_id,
            settings.audit_hmac_secret_id,
            settings.connect_private_key_secret_id,
            settings.edge_secret_id,
        )
    ):
        return None
    source: SecretSource = _optional_adapter("secrets", "build_from_settings", settings)
    return source


def _beside_sessions(
    kind: str,
    data_dir: Path,
    *,
    memory: tuple[str, str],
    sqlite: tuple[str, str, str],
    dynamodb: Callable[[], Any],
) -> Any:
    """The one choice of where a store lives, by the kind of session store it sits beside: in memory,
    a SQLite file in the data dir, or DynamoDB. `memory` is (module, class) and `sqlite` (module,
    class, file name), modules of paybot_core imported only when chosen (the phone on AWS loads no
    SQLite adapter); `dynamodb` makes its store (boto3 loads only then)."""
    if kind == "memory":
        module, name = memory
        return getattr(importlib.import_module(f"paybot_core.{module}"), name)()
    if kind == "sqlite":
        module, name, file_name = sqlite
        return getattr(importlib.import_module(f"paybot_core.{module}"), name)(data_dir / file_name)
    return dynamodb()


def _session_store(settings: Settings) -> SessionStore:
    store: SessionStore = _beside_sessions(
        settings.session_store,
        settings.data_dir,
        memory=("adapters.memory", "MemorySessionStore"),
        sqlite=("adapters.sqlite_store", "SqliteSessionStore", "sessions.sqlite3"),
        dynamodb=lambda: _optional_adapter("dynamodb_store", "build_from_settings", settings),
    )
    return store


def _webhook_events(settings: Settings, store: SessionStore) -> WebhookEventLog:
    """Where handled webhook event ids are kept: beside the session store in use (DynamoDB's table
    keeps them itself)."""
    if isinstance(store, KeepsWebhookEvents):
        kind = "dynamodb"
    else:
        from .adapters.memory import MemorySessionStore

        kind = "memory" if isinstance(store, MemorySessionStore) else "sqlite"
    events: WebhookEventLog = _beside_sessions(
        kind,
        settings.data_dir,
        memory=("adapters.webhook_events", "MemoryWebhookEvents"),
        sqlite=("adapters.webhook_events", "SqliteWebhookEvents", "webhook_events.sqlite3"),
        dynamodb=lambda: cast(KeepsWebhookEvents, store).webhook_events(),
    )
    return events


def _webhook_secret(settings: Settings, secrets: SecretSource | None) -> Callable[[], str] | None:
    if not (settings.stripe_webhook_secret or settings.stripe_webhook_secret_id):
        return None
    from .adapters.secrets import stripe_webhook_secret

    return stripe_webhook_secret(settings, secrets)


def _edge_secret(settings: Settings, secrets: SecretSource | None) -> Callable[[], str] | None:
    if not (settings.edge_secret or settings.edge_secret_id):
        return None
    from .adapters.secrets import reader

    return reader(settings.edge_secret, settings.edge_secret_id, secrets, "PAYBOT_EDGE_SECRET_ID")


def _accounts(settings: Settings, store: SessionStore) -> AccountDirectory:
    """The merchant's accounts due: the DynamoDB table, the file, or the demo table (never with Stripe)."""
    if settings.accounts_table:
        accounts: AccountDirectory = _optional_adapter(
            "dynamodb_accounts", "build_from_settings", settings, _dynamodb_client(settings, store)
        )
        return accounts
    if settings.accounts_file is None and settings.payment_gateway == "stripe":
        return DemoAccountsRefused()
    return JsonAccountDirectory.from_file(settings.accounts_file)


def _keypad(settings: Settings, secrets: SecretSource | None) -> KeypadDecryptor | None:
    if not settings.connect_private_key_secret_id:
        return None
    keypad: KeypadDecryptor | None = _optional_adapter(
        "connect_keypad", "build_from_settings", settings, secrets
    )
    return keypad


def _uses_data_dir(settings: Settings) -> bool:
    return (
        settings.session_store == "sqlite"
        or settings.audit_log == "file"
        or settings.payment_gateway == "sandbox"
    )


def _session_keys(settings: Settings, store: SessionStore) -> SessionKeys:
    """Where the vault's per-session data keys live: beside the sessions, never in their store."""
    keys: SessionKeys = _beside_sessions(
        settings.session_store,
        settings.data_dir,
        memory=("pci.vault", "MemorySessionKeys"),
        sqlite=("pci.vault", "SqliteSessionKeys", "session_keys.sqlite3"),
        dynamodb=lambda: _optional_adapter(
            "dynamodb_store", "session_keys_from_settings", settings, _dynamodb_client(settings, store)
        ),
    )
    return keys


def _dynamodb_client(settings: Settings, store: SessionStore) -> Any | None:
    """The session store's boto3 DynamoDB client, for the other tables of the process (accounts, the
    vault's data keys): one client, one service model loaded, one connection pool, and no client to
    create on the phone call's first step. None when the sessions are not in paybot's DynamoDB store."""
    if settings.session_store != "dynamodb":
        return None
    from .adapters.dynamodb_store import DynamoDBSessionStore

    return store.client if isinstance(store, DynamoDBSessionStore) else None


def _gateway(settings: Settings, secrets: SecretSource | None) -> PaymentGateway:
    if settings.payment_gateway == "sandbox":
        from .adapters.sandbox_gateway import SandboxGateway

        return SandboxGateway(settings.data_dir / "sandbox_gateway.sqlite3")
    # Built on the first card or payment: a session starts without the Stripe SDK or its key.
    _require_importable("stripe_gateway", "stripe")
    return LazyGateway(lambda: _optional_adapter("stripe_gateway", "build_from_settings", settings, secrets))


def rules_first(
    model: LanguageModel,
    *,
    phrasing: bool = False,
    breaker: CircuitBreaker | None = None,
    rules: LanguageModel | None = None,
) -> RulesFirstModel:
    """A language model in its layers, outermost first: the rules-first policy (which turns it may
    help with, what it may change), the card-data guard (it sees sanitised text only), the breaker
    (no calls while it keeps failing), then `model` itself."""
    from .adapters.rules_model import RulesLanguageModel
    from .breaker import BreakerModel
    from .pci.model_guard import CardDataGuard
    from .understanding.rules_first import RulesFirstModel

    return RulesFirstModel(
        rules or RulesLanguageModel(), CardDataGuard(BreakerModel(model, breaker)), phrasing=phrasing
    )


def _language_model(settings: Settings, metrics: Metrics) -> LanguageModel:
    if settings.language_model == "rules":
        from .adapters.rules_model import RulesLanguageModel

        return RulesLanguageModel()
    # Built when the rules first cannot tell: most turns, and starting a session, never need it.
    _require_importable("bedrock_model", "boto3")
    bedrock = LazyLanguageModel(
        lambda: _optional_adapter("bedrock_model", "build_from_settings", settings, metrics)
    )
    return rules_first(bedrock, phrasing=settings.bedrock_phrasing)


def _audit_log(settings: Settings, secrets: SecretSource | None, vault_key: Callable[[], bytes]) -> AuditLog:
    if settings.audit_log == "memory":
        from .adapters.memory import MemoryAuditLog

        return MemoryAuditLog()
    if settings.audit_log == "file":
        from .adapters.file_audit import FileAuditLog

        return FileAuditLog(settings.data_dir / "audit.jsonl")
    audit: AuditLog = _optional_adapter("s3_audit", "build_from_settings", settings, secrets, vault_key)
    return audit


def _vault_key(settings: Settings, secrets: SecretSource | None) -> bytes:
    if settings.vault_key is not None:
        return decode_key(settings.vault_key.get_secret_value())
    if settings.vault_key_secret_id:
        key: bytes = _optional_adapter("secrets", "vault_key_from_settings", settings, secrets)
        return key
    return load_or_create_key_file(settings.vault_key_file)


def _require_importable(module: str, sdk: str) -> None:
    """Refuse at start an adapter whose SDK is missing, without importing it (a path lookup)."""
    if importlib.util.find_spec(sdk) is None:
        raise ConfigurationError(
            f"The {module} adapter is not available (no module named {sdk!r}); "
            "install paybot-core with its extras."
        )


def _optional_adapter(module: str, factory: str, *args: Any) -> Any:
    """Cloud adapters are imported only when selected, so the embedded path never loads boto3 or stripe."""

    try:
        adapter = importlib.import_module(f"paybot_core.adapters.{module}")
    except ImportError as err:
        raise ConfigurationError(
            f"The {module} adapter is not available ({err}); install paybot-core with its extras."
        ) from None
    return getattr(adapter, factory)(*args)
