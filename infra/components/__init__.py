"""paybot's ComponentResources, one per part of a stack."""

from infra.components.accounts_table import AccountsTable, AccountsTableArgs
from infra.components.audit_bucket import AuditBucket, AuditBucketArgs
from infra.components.frontend import Frontend, FrontendArgs
from infra.components.function import PaybotFunction, PaybotFunctionArgs
from infra.components.key import DataKey, DataKeyArgs
from infra.components.layer import DependencyLayer, DependencyLayerArgs
from infra.components.observability import Observability, ObservabilityArgs, WatchedFunction
from infra.components.outbox_dispatcher import OutboxDispatcher, OutboxDispatcherArgs
from infra.components.phone_channel import PhoneChannel, PhoneChannelArgs
from infra.components.secrets import Secrets, SecretsArgs
from infra.components.session_keys_table import SessionKeysTable, SessionKeysTableArgs
from infra.components.session_table import SessionTable, SessionTableArgs
from infra.components.web_chat import WebChat, WebChatArgs

__all__ = [
    "AccountsTable",
    "AccountsTableArgs",
    "AuditBucket",
    "AuditBucketArgs",
    "DataKey",
    "DataKeyArgs",
    "DependencyLayer",
    "DependencyLayerArgs",
    "Frontend",
    "FrontendArgs",
    "Observability",
    "ObservabilityArgs",
    "OutboxDispatcher",
    "OutboxDispatcherArgs",
    "PaybotFunction",
    "PaybotFunctionArgs",
    "PhoneChannel",
    "PhoneChannelArgs",
    "Secrets",
    "SecretsArgs",
    "SessionKeysTable",
    "SessionKeysTableArgs",
    "SessionTable",
    "SessionTableArgs",
    "WatchedFunction",
    "WebChat",
    "WebChatArgs",
]
