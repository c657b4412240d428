"""paybot's core: the public names that channels, bench scripts and other services use.

Import from here, never from a module inside the package: the modules are free to move (a test
keeps everyone to this, `tests/test_public_api.py`). Names load on first use (PEP 562), so
`import paybot_core` costs nothing until a name is read, and a Lambda that needs the engine does
not load the adapters it does not use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> (the module that defines it, its name there)
_EXPORTS: dict[str, tuple[str, str]] = {
    "Services": ("paybot_core.bootstrap", "Services"),
    "build": ("paybot_core.bootstrap", "build"),
    "outbox_consumers": ("paybot_core.bootstrap", "outbox_consumers"),
    "outbox_dispatcher": ("paybot_core.bootstrap", "outbox_dispatcher"),
    "retry_policy": ("paybot_core.bootstrap", "retry_policy"),
    "signing": ("paybot_core.merchant", "signing"),
    "DEFAULT_PAGE": ("paybot_core.merchant.records", "DEFAULT_PAGE"),
    "MAX_PAGE": ("paybot_core.merchant.records", "MAX_PAGE"),
    "EventQuery": ("paybot_core.merchant.records", "EventQuery"),
    "PaymentEntry": ("paybot_core.merchant.records", "PaymentEntry"),
    "PaymentQuery": ("paybot_core.merchant.records", "PaymentQuery"),
    "DEFAULT_LIFETIME_SECONDS": ("paybot_core.merchant.links", "DEFAULT_LIFETIME_SECONDS"),
    "MAX_LIFETIME_SECONDS": ("paybot_core.merchant.links", "MAX_LIFETIME_SECONDS"),
    "MIN_LIFETIME_SECONDS": ("paybot_core.merchant.links", "MIN_LIFETIME_SECONDS"),
    "MerchantEvent": ("paybot_core.merchant.events", "MerchantEvent"),
    "QueueDelivery": ("paybot_core.merchant.queue", "QueueDelivery"),
    "StreamRelay": ("paybot_core.merchant.queue", "StreamRelay"),
    "RetryPolicy": ("paybot_core.merchant.dispatch", "RetryPolicy"),
    "WebhookDispatcher": ("paybot_core.merchant.dispatch", "WebhookDispatcher"),
    "FileMessenger": ("paybot_core.adapters.file_messenger", "FileMessenger"),
    "aws_client": ("paybot_core.adapters.aws_clients", "client"),
    "Settings": ("paybot_core.settings", "Settings"),
    "ConversationService": ("paybot_core.services", "ConversationService"),
    "PaymentService": ("paybot_core.services", "PaymentService"),
    "Reply": ("paybot_core.services", "Reply"),
    "Cancel": ("paybot_core.conversation.turns", "Cancel"),
    "ChangeCard": ("paybot_core.conversation.turns", "ChangeCard"),
    "ContinueOnWeb": ("paybot_core.conversation.turns", "ContinueOnWeb"),
    "PHONE_LINK_SECONDS": ("paybot_core.merchant.links", "PHONE_LINK_SECONDS"),
    "Confirm": ("paybot_core.conversation.turns", "Confirm"),
    "FailureReason": ("paybot_core.conversation.turns", "FailureReason"),
    "FieldFailed": ("paybot_core.conversation.turns", "FieldFailed"),
    "KeyedAccount": ("paybot_core.conversation.turns", "KeyedAccount"),
    "KeyedCard": ("paybot_core.conversation.turns", "KeyedCard"),
    "NextActionDone": ("paybot_core.conversation.turns", "NextActionDone"),
    "Say": ("paybot_core.conversation.turns", "Say"),
    "Turn": ("paybot_core.conversation.turns", "Turn"),
    "UsePaymentMethod": ("paybot_core.conversation.turns", "UsePaymentMethod"),
    "TYPED_CARD_FIELDS": ("paybot_core.conversation.state", "TYPED_CARD_FIELDS"),
    "CardEntry": ("paybot_core.conversation.state", "CardEntry"),
    "CardSummary": ("paybot_core.conversation.state", "CardSummary"),
    "Channel": ("paybot_core.conversation.state", "Channel"),
    "Field": ("paybot_core.conversation.state", "Field"),
    "Limits": ("paybot_core.conversation.state", "Limits"),
    "PaymentRecord": ("paybot_core.conversation.state", "PaymentRecord"),
    "Phase": ("paybot_core.conversation.state", "Phase"),
    "Presets": ("paybot_core.conversation.state", "Presets"),
    "ReceiptOffer": ("paybot_core.conversation.state", "ReceiptOffer"),
    "SessionState": ("paybot_core.conversation.state", "SessionState"),
    "Status": ("paybot_core.conversation.state", "Status"),
    "state_from_json": ("paybot_core.conversation.state", "state_from_json"),
    "state_to_json": ("paybot_core.conversation.state", "state_to_json"),
    "Notice": ("paybot_core.conversation.events", "Notice"),
    "NoticeKind": ("paybot_core.conversation.events", "NoticeKind"),
    "Intent": ("paybot_core.conversation.understanding", "Intent"),
    "UnderstandingContext": ("paybot_core.conversation.understanding", "UnderstandingContext"),
    "Understood": ("paybot_core.conversation.understanding", "Understood"),
    "Locale": ("paybot_core.money", "Locale"),
    "message": ("paybot_core.replies.catalogue", "message"),
    "Style": ("paybot_core.replies.render", "Style"),
    "cvv_prompt": ("paybot_core.replies.render", "cvv_prompt"),
    "describe_card": ("paybot_core.replies.render", "describe_card"),
    "format_amount": ("paybot_core.replies.render", "format_amount"),
    "number_words": ("paybot_core.replies.speech", "number_words"),
    "spell_digits": ("paybot_core.replies.speech", "spell_digits"),
    "spoken_code": ("paybot_core.replies.speech", "spoken_code"),
    "validate_name": ("paybot_core.understanding.names", "validate_name"),
    "decline_sentence": ("paybot_core.declines", "decline_sentence"),
    "CardDataLeakError": ("paybot_core.errors", "CardDataLeakError"),
    "CardValidationError": ("paybot_core.errors", "CardValidationError"),
    "ConfigurationError": ("paybot_core.errors", "ConfigurationError"),
    "GatewayError": ("paybot_core.errors", "GatewayError"),
    "InputDecryptionError": ("paybot_core.errors", "InputDecryptionError"),
    "PaybotError": ("paybot_core.errors", "PaybotError"),
    "PaymentMethodError": ("paybot_core.errors", "PaymentMethodError"),
    "PaymentUnconfirmedError": ("paybot_core.errors", "PaymentUnconfirmedError"),
    "SecretUnavailableError": ("paybot_core.errors", "SecretUnavailableError"),
    "SettingsError": ("paybot_core.errors", "SettingsError"),
    "LinkNotFoundError": ("paybot_core.errors", "LinkNotFoundError"),
    "MessengerError": ("paybot_core.errors", "MessengerError"),
    "SessionClosedError": ("paybot_core.errors", "SessionClosedError"),
    "StaysOnPhoneError": ("paybot_core.errors", "StaysOnPhoneError"),
    "SessionExistsError": ("paybot_core.errors", "SessionExistsError"),
    "SessionNotFoundError": ("paybot_core.errors", "SessionNotFoundError"),
    "StoreUnavailableError": ("paybot_core.errors", "StoreUnavailableError"),
    "TooManyConflictsError": ("paybot_core.errors", "TooManyConflictsError"),
    "VaultError": ("paybot_core.errors", "VaultError"),
    "VersionConflictError": ("paybot_core.errors", "VersionConflictError"),
    "WebhookSignatureError": ("paybot_core.errors", "WebhookSignatureError"),
    "AccountDirectory": ("paybot_core.ports", "AccountDirectory"),
    "AccountDue": ("paybot_core.conversation.state", "AccountDue"),
    "AuditEvent": ("paybot_core.ports", "AuditEvent"),
    "AuditLog": ("paybot_core.ports", "AuditLog"),
    "CardDetails": ("paybot_core.ports", "CardDetails"),
    "KeypadDecryptor": ("paybot_core.ports", "KeypadDecryptor"),
    "LanguageModel": ("paybot_core.ports", "LanguageModel"),
    "PaymentGateway": ("paybot_core.ports", "PaymentGateway"),
    "PaymentRequest": ("paybot_core.ports", "PaymentRequest"),
    "SecretSource": ("paybot_core.ports", "SecretSource"),
    "SessionStore": ("paybot_core.ports", "SessionStore"),
    "WebhookEventLog": ("paybot_core.ports", "WebhookEventLog"),
    "Brand": ("paybot_core.pci.cards", "Brand"),
    "brand_named": ("paybot_core.pci.cards", "brand_named"),
    "cvv_length": ("paybot_core.pci.cards", "cvv_length"),
    "cvv_side": ("paybot_core.pci.cards", "cvv_side"),
    "is_card_number": ("paybot_core.pci.recogniser", "is_card_number"),
    "holds_card_data": ("paybot_core.pci.text_checks", "holds_card_data"),
    "contains_card_number": ("paybot_core.pci.redact", "contains_card_number"),
    "find_card_numbers": ("paybot_core.pci.redact", "find_card_numbers"),
    "redact_text": ("paybot_core.pci.redact", "redact_text"),
    "CardVault": ("paybot_core.pci.vault", "CardVault"),
    "configure_logging": ("paybot_core.pci.logging", "configure_logging"),
    "install_card_data_filter": ("paybot_core.pci.logging", "install_card_data_filter"),
    "verify_audit_file": ("paybot_core.audit_verify", "verify_audit_file"),
    "MemoryAuditLog": ("paybot_core.adapters.memory", "MemoryAuditLog"),
    "MemorySessionStore": ("paybot_core.adapters.memory", "MemorySessionStore"),
    "FileAuditLog": ("paybot_core.adapters.file_audit", "FileAuditLog"),
    "SandboxGateway": ("paybot_core.adapters.sandbox_gateway", "SandboxGateway"),
    "SandboxIntent": ("paybot_core.adapters.sandbox_gateway", "SandboxIntent"),
    "SqliteSessionStore": ("paybot_core.adapters.sqlite_store", "SqliteSessionStore"),
    "RulesLanguageModel": ("paybot_core.adapters.rules_model", "RulesLanguageModel"),
    "BedrockLanguageModel": ("paybot_core.adapters.bedrock_model", "BedrockLanguageModel"),
    "rules_first": ("paybot_core.bootstrap", "rules_first"),
    "BreakerModel": ("paybot_core.breaker", "BreakerModel"),
    "CircuitBreaker": ("paybot_core.breaker", "CircuitBreaker"),
    "Counters": ("paybot_core.metrics", "Counters"),
    "MODEL_CALLS": ("paybot_core.metrics", "MODEL_CALLS"),
    "MODEL_INPUT_TOKENS": ("paybot_core.metrics", "MODEL_INPUT_TOKENS"),
    "MODEL_OUTPUT_TOKENS": ("paybot_core.metrics", "MODEL_OUTPUT_TOKENS"),
    "PAYMENTS_COMPLETED": ("paybot_core.metrics", "PAYMENTS_COMPLETED"),
    "Metrics": ("paybot_core.ports", "Metrics"),
    "ModelUnavailableError": ("paybot_core.errors", "ModelUnavailableError"),
    "CardDataGuard": ("paybot_core.pci.model_guard", "CardDataGuard"),
    "RulesFirstModel": ("paybot_core.understanding.rules_first", "RulesFirstModel"),
    "ConverseModel": ("paybot_core.adapters.converse_model", "ConverseModel"),
    "ConverseRequest": ("paybot_core.adapters.converse_model", "ConverseRequest"),
    "ConverseAnswer": ("paybot_core.adapters.converse_model", "ConverseAnswer"),
    "CONNECT_KEY_NAMESPACE": ("paybot_core.adapters.connect_keypad", "CONNECT_KEY_NAMESPACE"),
    "ConnectInputDecryptor": ("paybot_core.adapters.connect_keypad", "ConnectInputDecryptor"),
    "PAYMENT_EVENTS": ("paybot_core.adapters.stripe_webhook", "PAYMENT_EVENTS"),
    "WebhookEvent": ("paybot_core.adapters.stripe_webhook", "WebhookEvent"),
    "parse_webhook_event": ("paybot_core.adapters.stripe_webhook", "parse_event"),
    "read_accounts": ("paybot_core.adapters.account_directory", "read_accounts"),
    "import_accounts": ("paybot_core.adapters.dynamodb_accounts", "import_accounts"),
    "AccountsFileError": ("paybot_core.errors", "AccountsFileError"),
}

__all__ = [
    "CONNECT_KEY_NAMESPACE",
    "DEFAULT_LIFETIME_SECONDS",
    "DEFAULT_PAGE",
    "MAX_LIFETIME_SECONDS",
    "MAX_PAGE",
    "MIN_LIFETIME_SECONDS",
    "MODEL_CALLS",
    "MODEL_INPUT_TOKENS",
    "MODEL_OUTPUT_TOKENS",
    "PAYMENTS_COMPLETED",
    "PAYMENT_EVENTS",
    "PHONE_LINK_SECONDS",
    "TYPED_CARD_FIELDS",
    "AccountDirectory",
    "AccountDue",
    "AccountsFileError",
    "AuditEvent",
    "AuditLog",
    "BedrockLanguageModel",
    "Brand",
    "BreakerModel",
    "Cancel",
    "CardDataGuard",
    "CardDataLeakError",
    "CardDetails",
    "CardEntry",
    "CardSummary",
    "CardValidationError",
    "CardVault",
    "ChangeCard",
    "Channel",
    "CircuitBreaker",
    "ConfigurationError",
    "Confirm",
    "ConnectInputDecryptor",
    "ContinueOnWeb",
    "ConversationService",
    "ConverseAnswer",
    "ConverseModel",
    "ConverseRequest",
    "Counters",
    "EventQuery",
    "FailureReason",
    "Field",
    "FieldFailed",
    "FileAuditLog",
    "FileMessenger",
    "GatewayError",
    "InputDecryptionError",
    "Intent",
    "KeyedAccount",
    "KeyedCard",
    "KeypadDecryptor",
    "LanguageModel",
    "Limits",
    "LinkNotFoundError",
    "Locale",
    "MemoryAuditLog",
    "MemorySessionStore",
    "MerchantEvent",
    "MessengerError",
    "Metrics",
    "ModelUnavailableError",
    "NextActionDone",
    "Notice",
    "NoticeKind",
    "PaybotError",
    "PaymentEntry",
    "PaymentGateway",
    "PaymentMethodError",
    "PaymentQuery",
    "PaymentRecord",
    "PaymentRequest",
    "PaymentService",
    "PaymentUnconfirmedError",
    "Phase",
    "Presets",
    "QueueDelivery",
    "ReceiptOffer",
    "Reply",
    "RetryPolicy",
    "RulesFirstModel",
    "RulesLanguageModel",
    "SandboxGateway",
    "SandboxIntent",
    "Say",
    "SecretSource",
    "SecretUnavailableError",
    "Services",
    "SessionClosedError",
    "SessionExistsError",
    "SessionNotFoundError",
    "SessionState",
    "SessionStore",
    "Settings",
    "SettingsError",
    "SqliteSessionStore",
    "Status",
    "StaysOnPhoneError",
    "StoreUnavailableError",
    "StreamRelay",
    "Style",
    "TooManyConflictsError",
    "Turn",
    "UnderstandingContext",
    "Understood",
    "UsePaymentMethod",
    "VaultError",
    "VersionConflictError",
    "WebhookDispatcher",
    "WebhookEvent",
    "WebhookEventLog",
    "WebhookSignatureError",
    "aws_client",
    "brand_named",
    "build",
    "configure_logging",
    "contains_card_number",
    "cvv_length",
    "cvv_prompt",
    "cvv_side",
    "decline_sentence",
    "describe_card",
    "find_card_numbers",
    "format_amount",
    "holds_card_data",
    "import_accounts",
    "install_card_data_filter",
    "is_card_number",
    "message",
    "number_words",
    "outbox_consumers",
    "outbox_dispatcher",
    "parse_webhook_event",
    "read_accounts",
    "redact_text",
    "retry_policy",
    "rules_first",
    "signing",
    "spell_digits",
    "spoken_code",
    "state_from_json",
    "state_to_json",
    "validate_name",
    "verify_audit_file",
]

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ imports on first use
    from .adapters.account_directory import read_accounts as read_accounts
    from .adapters.aws_clients import client as aws_client
    from .adapters.bedrock_model import BedrockLanguageModel as BedrockLanguageModel
    from .adapters.connect_keypad import CONNECT_KEY_NAMESPACE as CONNECT_KEY_NAMESPACE
    from .adapters.connect_keypad import ConnectInputDecryptor as ConnectInputDecryptor
    from .adapters.converse_model import ConverseAnswer as ConverseAnswer
    from .adapters.converse_model import ConverseModel as ConverseModel
    from .adapters.converse_model import ConverseRequest as ConverseRequest
    from .adapters.dynamodb_accounts import import_accounts as import_accounts
    from .adapters.file_audit import FileAuditLog as FileAuditLog
    from .adapters.file_messenger import FileMessenger as FileMessenger
    from .adapters.memory import MemoryAuditLog as MemoryAuditLog
    from .adapters.memory import MemorySessionStore as MemorySessionStore
    from .adapters.rules_model import RulesLanguageModel as RulesLanguageModel
    from .adapters.sandbox_gateway import SandboxGateway as SandboxGateway
    from .adapters.sandbox_gateway import SandboxIntent as SandboxIntent
    from .adapters.sqlite_store import SqliteSessionStore as SqliteSessionStore
    from .adapters.stripe_webhook import PAYMENT_EVENTS as PAYMENT_EVENTS
    from .adapters.stripe_webhook import WebhookEvent as WebhookEvent
    from .adapters.stripe_webhook import parse_event as parse_webhook_event
    from .audit_verify import verify_audit_file as verify_audit_file
    from .bootstrap import Services as Services
    from .bootstrap import build as build
    from .bootstrap import outbox_consumers as outbox_consumers
    from .bootstrap import outbox_dispatcher as outbox_dispatcher
    from .bootstrap import retry_policy as retry_policy
    from .bootstrap import rules_first as rules_first
    from .breaker import BreakerModel as BreakerModel
    from .breaker import CircuitBreaker as CircuitBreaker
    from .conversation.events import Notice as Notice
    from .conversation.events import NoticeKind as NoticeKind
    from .conversation.state import TYPED_CARD_FIELDS as TYPED_CARD_FIELDS
    from .conversation.state import AccountDue as AccountDue
    from .conversation.state import CardEntry as CardEntry
    from .conversation.state import CardSummary as CardSummary
    from .conversation.state import Channel as Channel
    from .conversation.state import Field as Field
    from .conversation.state import Limits as Limits
    from .conversation.state import PaymentRecord as PaymentRecord
    from .conversation.state import Phase as Phase
    from .conversation.state import Presets as Presets
    from .conversation.state import ReceiptOffer as ReceiptOffer
    from .conversation.state import SessionState as SessionState
    from .conversation.state import Status as Status
    from .conversation.state import state_from_json as state_from_json
    from .conversation.state import state_to_json as state_to_json
    from .conversation.turns import Cancel as Cancel
    from .conversation.turns import ChangeCard as ChangeCard
    from .conversation.turns import Confirm as Confirm
    from .conversation.turns import ContinueOnWeb as ContinueOnWeb
    from .conversation.turns import FailureReason as FailureReason
    from .conversation.turns import FieldFailed as FieldFailed
    from .conversation.turns import KeyedAccount as KeyedAccount
    from .conversation.turns import KeyedCard as KeyedCard
    from .conversation.turns import NextActionDone as NextActionDone
    from .conversation.turns import Say as Say
    from .conversation.turns import Turn as Turn
    from .conversation.turns import UsePaymentMethod as UsePaymentMethod
    from .conversation.understanding import Intent as Intent
    from .conversation.understanding import UnderstandingContext as UnderstandingContext
    from .conversation.understanding import Understood as Understood
    from .declines import decline_sentence as decline_sentence
    from .errors import AccountsFileError as AccountsFileError
    from .errors import CardDataLeakError as CardDataLeakError
    from .errors import CardValidationError as CardValidationError
    from .errors import ConfigurationError as ConfigurationError
    from .errors import GatewayError as GatewayError
    from .errors import InputDecryptionError as InputDecryptionError
    from .errors import LinkNotFoundError as LinkNotFoundError
    from .errors import MessengerError as MessengerError
    from .errors import ModelUnavailableError as ModelUnavailableError
    from .errors import PaybotError as PaybotError
    from .errors import PaymentMethodError as PaymentMethodError
    from .errors import PaymentUnconfirmedError as PaymentUnconfirmedError
    from .errors import SecretUnavailableError as SecretUnavailableError
    from .errors import SessionClosedError as SessionClosedError
    from .errors import SessionExistsError as SessionExistsError
    from .errors import SessionNotFoundError as SessionNotFoundError
    from .errors import SettingsError as SettingsError
    from .errors import StaysOnPhoneError as StaysOnPhoneError
    from .errors import StoreUnavailableError as StoreUnavailableError
    from .errors import TooManyConflictsError as TooManyConflictsError
    from .errors import VaultError as VaultError
    from .errors import VersionConflictError as VersionConflictError
    from .errors import WebhookSignatureError as WebhookSignatureError
    from .merchant import signing as signing
    from .merchant.dispatch import RetryPolicy as RetryPolicy
    from .merchant.dispatch import WebhookDispatcher as WebhookDispatcher
    from .merchant.events import MerchantEvent as MerchantEvent
    from .merchant.links import DEFAULT_LIFETIME_SECONDS as DEFAULT_LIFETIME_SECONDS
    from .merchant.links import MAX_LIFETIME_SECONDS as MAX_LIFETIME_SECONDS
    from .merchant.links import MIN_LIFETIME_SECONDS as MIN_LIFETIME_SECONDS
    from .merchant.links import PHONE_LINK_SECONDS as PHONE_LINK_SECONDS
    from .merchant.queue import QueueDelivery as QueueDelivery
    from .merchant.queue import StreamRelay as StreamRelay
    from .merchant.records import DEFAULT_PAGE as DEFAULT_PAGE
    from .merchant.records import MAX_PAGE as MAX_PAGE
    from .merchant.records import EventQuery as EventQuery
    from .merchant.records import PaymentEntry as PaymentEntry
    from .merchant.records import PaymentQuery as PaymentQuery
    from .metrics import MODEL_CALLS as MODEL_CALLS
    from .metrics import MODEL_INPUT_TOKENS as MODEL_INPUT_TOKENS
    from .metrics import MODEL_OUTPUT_TOKENS as MODEL_OUTPUT_TOKENS
    from .metrics import PAYMENTS_COMPLETED as PAYMENTS_COMPLETED
    from .metrics import Counters as Counters
    from .money import Locale as Locale
    from .pci.cards import Brand as Brand
    from .pci.cards import brand_named as brand_named
    from .pci.cards import cvv_length as cvv_length
    from .pci.cards import cvv_side as cvv_side
    from .pci.logging import configure_logging as configure_logging
    from .pci.logging import install_card_data_filter as install_card_data_filter
    from .pci.model_guard import CardDataGuard as CardDataGuard
    from .pci.recogniser import is_card_number as is_card_number
    from .pci.redact import contains_card_number as contains_card_number
    from .pci.redact import find_card_numbers as find_card_numbers
    from .pci.redact import redact_text as redact_text
    from .pci.text_checks import holds_card_data as holds_card_data
    from .pci.vault import CardVault as CardVault
    from .ports import AccountDirectory as AccountDirectory
    from .ports import AuditEvent as AuditEvent
    from .ports import AuditLog as AuditLog
    from .ports import CardDetails as CardDetails
    from .ports import KeypadDecryptor as KeypadDecryptor
    from .ports import LanguageModel as LanguageModel
    from .ports import Metrics as Metrics
    from .ports import PaymentGateway as PaymentGateway
    from .ports import PaymentRequest as PaymentRequest
    from .ports import SecretSource as SecretSource
    from .ports import SessionStore as SessionStore
    from .ports import WebhookEventLog as WebhookEventLog
    from .replies.catalogue import message as message
    from .replies.render import Style as Style
    from .replies.render import cvv_prompt as cvv_prompt
    from .replies.render import describe_card as describe_card
    from .replies.render import format_amount as format_amount
    from .replies.speech import number_words as number_words
    from .replies.speech import spell_digits as spell_digits
    from .replies.speech import spoken_code as spoken_code
    from .services import ConversationService as ConversationService
    from .services import PaymentService as PaymentService
    from .services import Reply as Reply
    from .settings import Settings as Settings
    from .understanding.names import validate_name as validate_name
    from .understanding.rules_first import RulesFirstModel as RulesFirstModel


def __getattr__(name: str) -> Any:
    try:
        module, inner = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'paybot_core' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), inner)
    globals()[name] = value  # later reads skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
