"""Sessions in DynamoDB: one item per session, optimistic concurrency on `version`.

Item layout (table: partition key `sessionId` (S), TTL attribute `ttl`):
- `state` (S): the session as `state_to_json` writes it (fields at their default left out), masked
  facts only, `sealed_card` and `version` left out (they are attributes of their own);
- `version` (N): every save is a conditional write on the version it read;
- `ttl` (N, epoch seconds): when DynamoDB may delete the item (expiry + retention), written on every save;
- `sweepAt` (N): the expiry of a session that can still expire (absent once it ended);
- `sealedCard` (M): the vault ciphertext of typed card fields, under envelope encryption: a fresh KMS
  data key (GenerateDataKey, encryption context = the session id) encrypts it with AES-GCM; only the
  encrypted data key is stored and the plaintext key is dropped after that one use. It carries its
  own expiry (`exp`), after which it is not returned, and is REMOVEd as soon as the session no longer
  holds typed card data (tokenized, cancelled, expired).

Card data is thus encrypted twice (the vault's own key, then the per-session KMS data key), and the
table never holds a card number or a CVV in any form a table reader could use.

The merchant's records share the table, under prefixed keys, written in the session save's own
`TransactWriteItems` (the outbox):
- `event#<id>`: one per event (`body` the event JSON), listed through the `byTime` index
  (`listPk` = "event", `listSk` = created time, session, version, position);
- `payment#<id>`: one per payment attempt, through `byTime` (`listPk` = "payment") and `byReference`
  (`reference`, `listSk`); it keeps the time it was first seen;
- `link#<token>`: a payment link's session;
- on the session item, `outbox` (L of S: event ids, so the item stays small) and `outboxCount` (N,
  what the stream's filter matches): the events of that very save, so the table's stream
  carries each session's events in the order they were saved (a stream keeps order per item),
  for the dispatcher (merchant/lambda_dispatcher.py). Every save sets or removes it.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..conversation.state import Phase, SealedCardRef, SessionState, state_from_json, state_to_json
from ..errors import ConfigurationError, SessionExistsError, StoreUnavailableError, VersionConflictError
from ..lazy import lazy_client
from ..merchant.events import MerchantEvent
from ..merchant.records import EventQuery, Page, PaymentEntry, PaymentQuery, payment_entries
from .aws_errors import aws_failure, error_code
from .dynamodb_keys import DynamoDBSessionKeys

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient

    from ..settings import Settings

log = logging.getLogger("paybot.dynamodb")

_LIVE_PHASES = (Phase.ACTIVE, Phase.REQUIRES_ACTION)
_CONFLICT = "ConditionalCheckFailedException"
# KMS refusing to unwrap a sealed card's data key: the seal is unusable (dropped), not the store down.
_KEY_REFUSED = ("InvalidCiphertextException", "IncorrectKeyException", "AccessDeniedException")
_WEBHOOK_PREFIX = "webhook-event#"
_EVENT, _PAYMENT, _LINK = "event#", "payment#", "link#"
BY_TIME, BY_REFERENCE = "byTime", "byReference"
EVENT_RETENTION_SECONDS = 30 * 86_400


class DynamoDBSessionStore:
    """`SessionStore` on one DynamoDB table (`client`: boto3 `dynamodb`; `kms_client`: boto3 `kms`)."""

    def __init__(
        self,
        client: DynamoDBClient,
        table_name: str,
        *,
        kms_client: KMSClient | None = None,
        kms_key_id: str | None = None,
        retention_seconds: int = 86_400,
        event_retention_seconds: int = EVENT_RETENTION_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.table_name = table_name
        self.kms_client = kms_client
        self.kms_key_id = kms_key_id
        self.retention_seconds = retention_seconds
        self.event_retention_seconds = event_retention_seconds
        self._clock = clock

    # ------------------------------------------------------------- the port

    def create(self, state: SessionState) -> SessionState:
        stored = state.evolve(version=1)
        item = {"sessionId": {"S": state.session_id}, **self._attributes(stored)}
        sealed = self._seal(stored)
        if sealed is not None:
            item["sealedCard"] = sealed
        new = "attribute_not_exists(sessionId)"
        try:
            if stored.link is None:
                self.client.put_item(TableName=self.table_name, Item=item, ConditionExpression=new)
            else:
                link = {
                    "sessionId": {"S": _LINK + stored.link.token},
                    "linkSession": {"S": stored.session_id},
                    "ttl": item["ttl"],
                }
                self.client.transact_write_items(
                    TransactItems=[
                        {"Put": {"TableName": self.table_name, "Item": item, "ConditionExpression": new}},
                        {"Put": {"TableName": self.table_name, "Item": link, "ConditionExpression": new}},
                    ]
                )
        except Exception as err:
            if error_code(err) == _CONFLICT or _cancelled_by_condition(err):
                raise SessionExistsError("A session with that id already exists.") from None
            raise _unavailable(err) from None
        return stored

    def load(self, session_id: str) -> SessionState | None:
        try:
            answer = self.client.get_item(
                TableName=self.table_name, Key={"sessionId": {"S": session_id}}, ConsistentRead=True
            )
        except Exception as err:
            raise _unavailable(err) from None
        item = answer.get("Item")
        if not item or "state" not in item:
            return None
        state = state_from_json(item["state"]["S"]).evolve(version=int(item["version"]["N"]))
        sealed = item.get("sealedCard")
        if sealed is not None:
            state = state.evolve(sealed_card=self._open(session_id, sealed["M"]))
        return state

    def save(
        self, state: SessionState, expected_version: int, events: Sequence[MerchantEvent] = ()
    ) -> SessionState:
        stored = state.evolve(version=expected_version + 1)
        attributes = self._attributes(stored)
        sealed = self._seal(stored)
        names = {
            "#state": "state",
            "#version": "version",
            "#ttl": "ttl",
            "#sweepAt": "sweepAt",
            "#card": "sealedCard",
            "#outbox": "outbox",
            "#outboxCount": "outboxCount",
        }
        values: dict[str, Any] = {":expected": {"N": str(expected_version)}}
        sets = []
        for attribute in ("state", "version", "ttl", "sweepAt"):
            if attribute in attributes:
                sets.append(f"#{attribute} = :{attribute}")
                values[f":{attribute}"] = attributes[attribute]
        removes = [] if "sweepAt" in attributes else ["#sweepAt"]
        if sealed is not None:
            sets.append("#card = :card")
            values[":card"] = sealed
        else:
            removes.append("#card")
        if events:
            sets.extend(["#outbox = :outbox", "#outboxCount = :outboxCount"])
            values[":outbox"] = {"L": [{"S": e.id} for e in events]}
            values[":outboxCount"] = {"N": str(len(events))}
        else:
            removes.extend(["#outbox", "#outboxCount"])
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        update: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": {"sessionId": {"S": state.session_id}},
            "UpdateExpression": expression,
            "ConditionExpression": "#version = :expected",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        try:
            if not events:
                self.client.update_item(**update)
            else:
                writes: list[Any] = [{"Update": update}, *self._record_writes(events, stored.version)]
                self.client.transact_write_items(TransactItems=writes)
        except Exception as err:
            if error_code(err) == _CONFLICT or _cancelled_by_condition(err):
                raise VersionConflictError("The session changed since it was read.") from None
            raise _unavailable(err) from None
        return stored

    def tidy(self) -> None:
        """Nothing to tidy: DynamoDB has no WAL; a backup holds only ciphertext whose key was shredded."""

    def expired_session_ids(self, now: float, limit: int = 100) -> Sequence[str]:
        """A filtered scan: fine for the local sweeper; Lambda relies on TTL and the vault's own expiry."""
        found: list[str] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "FilterExpression": "sweepAt <= :now",
            "ExpressionAttributeValues": {":now": {"N": _number(now)}},
            "ProjectionExpression": "sessionId",
        }
        try:
            while len(found) < limit:
                page = self.client.scan(**kwargs)
                found.extend(item["sessionId"]["S"] for item in page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except Exception as err:
            raise _unavailable(err) from None
        return found[:limit]

    # ------------------------------------------------------------- the merchant's records

    def _record_writes(self, events: Sequence[MerchantEvent], version: int) -> list[dict[str, Any]]:
        """The event and payment items of one save, for its TransactWriteItems."""
        writes: list[dict[str, Any]] = []
        for position, event in enumerate(events):
            item = {
                "sessionId": {"S": _EVENT + event.id},
                "eventSession": {"S": event.session_id},
                "type": {"S": event.type.value},
                "created": {"N": str(event.created)},
                "body": {"S": event.body().decode()},
                "listPk": {"S": "event"},
                "listSk": {"S": f"{event.created:011d}#{event.session_id}#{version:09d}#{position:03d}"},
                "ttl": {"N": str(event.created + self.event_retention_seconds)},
            }
            writes.append({"Put": {"TableName": self.table_name, "Item": item}})
        for entry in payment_entries(list(events)):
            view = {k: v for k, v in entry.view.items() if k != "createdAt"}
            names = {"#status": "status", "#body": "body", "#created": "createdAt", "#sk": "listSk"}
            values: dict[str, Any] = {
                ":session": {"S": entry.session_id},
                ":status": {"S": entry.status},
                ":body": {"S": json.dumps(view, separators=(",", ":"))},
                ":created": {"N": str(entry.created_at)},
                ":pk": {"S": "payment"},
                ":sk": {"S": f"{entry.created_at:011d}#{entry.id}"},
            }
            sets = [
                "paymentSession = :session",
                "#status = :status",
                "#body = :body",
                "listPk = :pk",
                "#created = if_not_exists(#created, :created)",
                "#sk = if_not_exists(#sk, :sk)",
            ]
            if entry.reference is not None:
                sets.append("#reference = :reference")
                names["#reference"] = "reference"
                values[":reference"] = {"S": entry.reference}
            writes.append(
                {
                    "Update": {
                        "TableName": self.table_name,
                        "Key": {"sessionId": {"S": _PAYMENT + entry.id}},
                        "UpdateExpression": "SET " + ", ".join(sets),
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": values,
                    }
                }
            )
        return writes

    def session_id_for_link(self, token: str) -> str | None:
        item = self._get(_LINK + token)
        return item["linkSession"]["S"] if item and "linkSession" in item else None

    def append_events(self, events: Sequence[MerchantEvent]) -> None:
        """Events of no session change (a receipt went out): their items, and the session item's
        `outbox` so the stream carries them after the session's earlier events."""
        for session_id in dict.fromkeys(e.session_id for e in events):
            mine = [e for e in events if e.session_id == session_id]
            outbox = {
                "Update": {
                    "TableName": self.table_name,
                    "Key": {"sessionId": {"S": session_id}},
                    "UpdateExpression": "SET #outbox = :outbox, #outboxCount = :outboxCount",
                    "ConditionExpression": "attribute_exists(sessionId)",
                    "ExpressionAttributeNames": {"#outbox": "outbox", "#outboxCount": "outboxCount"},
                    "ExpressionAttributeValues": {
                        ":outbox": {"L": [{"S": e.id} for e in mine]},
                        ":outboxCount": {"N": str(len(mine))},
                    },
                }
            }
            version = int(self._clock() * 1000)  # orders after the session's saves within the second
            try:
                items: list[Any] = [outbox, *self._record_writes(mine, version)]
                self.client.transact_write_items(TransactItems=items)
            except Exception as err:
                raise _unavailable(err) from None

    def list_events(self, query: EventQuery) -> Page[MerchantEvent]:
        key = "listPk = :pk"
        values: dict[str, Any] = {":pk": {"S": "event"}}
        if query.created_after is not None:
            key += " AND listSk >= :low"
            values[":low"] = {"S": f"{query.created_after + 1:011d}"}
        extra: dict[str, Any] = {}
        if query.type is not None:
            extra = {"FilterExpression": "#type = :type", "ExpressionAttributeNames": {"#type": "type"}}
            values[":type"] = {"S": query.type}
        start = self._cursor(_EVENT, query.starting_after, "event")
        if start is False:
            return Page([], False)
        items, more = self._query(BY_TIME, key, values, query.limit, start, **extra)
        found = [MerchantEvent.from_json(i["body"]["S"], i["eventSession"]["S"]) for i in items]
        return Page(found, more)

    def list_payments(self, query: PaymentQuery) -> Page[PaymentEntry]:
        values: dict[str, Any] = {}
        if query.reference is not None:
            index, key, pk = BY_REFERENCE, "#reference = :pk", query.reference
        else:
            index, key, pk = BY_TIME, "listPk = :pk", "payment"
        values[":pk"] = {"S": pk}
        names: dict[str, str] = {"#reference": "reference"} if query.reference is not None else {}
        # listSk starts with the created time: "after" and "before" become a range of the sort key.
        if query.created_after is not None:
            values[":low"] = {"S": f"{query.created_after + 1:011d}"}
        if query.created_before is not None:
            values[":high"] = {"S": f"{query.created_before - 1:011d}~"}  # "~" sorts after the rest
        if ":low" in values and ":high" in values:
            key += " AND listSk BETWEEN :low AND :high"
        elif ":low" in values:
            key += " AND listSk >= :low"
        elif ":high" in values:
            key += " AND listSk <= :high"
        extra: dict[str, Any] = {}
        if query.status is not None:
            extra["FilterExpression"] = "#status = :status"
            names["#status"] = "status"
            values[":status"] = {"S": query.status}
        if names:
            extra["ExpressionAttributeNames"] = names
        start = self._cursor(
            _PAYMENT, query.starting_after, "payment", by_reference=query.reference is not None
        )
        if start is False:
            return Page([], False)
        items, more = self._query(index, key, values, query.limit, start, **extra)
        return Page([_payment(i) for i in items], more)

    def events_by_id(self, event_ids: Sequence[str]) -> list[MerchantEvent]:
        """The events with these ids, in the order asked (the stream relay's read of an `outbox`)."""
        found: dict[str, MerchantEvent] = {}
        keys = [{"sessionId": {"S": _EVENT + event_id}} for event_id in dict.fromkeys(event_ids)]
        try:
            for start in range(0, len(keys), 100):  # BatchGetItem takes a hundred keys
                pending: dict[str, Any] = {
                    self.table_name: {"Keys": keys[start : start + 100], "ConsistentRead": True}
                }
                while pending:
                    answer = self.client.batch_get_item(RequestItems=pending)
                    for item in answer.get("Responses", {}).get(self.table_name, []):
                        event = MerchantEvent.from_json(item["body"]["S"], item["eventSession"]["S"])
                        found[event.id] = event
                    pending = answer.get("UnprocessedKeys") or {}
        except Exception as err:
            raise _unavailable(err) from None
        return [found[event_id] for event_id in event_ids if event_id in found]

    def get_payment(self, payment_id: str) -> PaymentEntry | None:
        item = self._get(_PAYMENT + payment_id)
        return _payment(item) if item and "body" in item else None

    def _get(self, key: str) -> dict[str, Any] | None:
        try:
            answer = self.client.get_item(
                TableName=self.table_name, Key={"sessionId": {"S": key}}, ConsistentRead=True
            )
        except Exception as err:
            raise _unavailable(err) from None
        item: dict[str, Any] | None = answer.get("Item")
        return item

    def _cursor(
        self, prefix: str, item_id: str | None, pk: str, *, by_reference: bool = False
    ) -> dict[str, Any] | bool | None:
        """The index key to continue after `item_id`; None from the top; False for an unknown id."""
        if item_id is None:
            return None
        item = self._get(prefix + item_id)
        if item is None or "listSk" not in item:
            return False
        start = {"sessionId": item["sessionId"], "listSk": item["listSk"]}
        if by_reference:
            start["reference"] = item["reference"]
        else:
            start["listPk"] = {"S": pk}
        return start

    def _query(
        self,
        index: str,
        key: str,
        values: dict[str, Any],
        limit: int,
        start: dict[str, Any] | bool | None,
        **extra: Any,
    ) -> tuple[list[dict[str, Any]], bool]:
        """Up to `limit` items newest first, and whether more follow (filters apply after DynamoDB's
        own page limit, so pages are read until enough items pass)."""
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": key,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
            "Limit": limit + 1,
            **extra,
        }
        if isinstance(start, dict):
            kwargs["ExclusiveStartKey"] = start
        found: list[dict[str, Any]] = []
        try:
            while len(found) <= limit:
                page = self.client.query(**kwargs)
                found.extend(page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except Exception as err:
            raise _unavailable(err) from None
        return found[:limit], len(found) > limit

    # ------------------------------------------------------------- webhook de-duplication on the same table

    def webhook_events(self, ttl_seconds: int = 7 * 86_400) -> DynamoDBWebhookEvents:
        return DynamoDBWebhookEvents(self.client, self.table_name, ttl_seconds=ttl_seconds)

    # ------------------------------------------------------------- items

    def _attributes(self, state: SessionState) -> dict[str, dict[str, str]]:
        # The version and the sealed card have attributes of their own: not twice in one item.
        without_card = state_to_json(replace(state, sealed_card=None, version=0)).decode()
        attributes = {
            "state": {"S": without_card},
            "version": {"N": str(state.version)},
            "ttl": {"N": str(math.ceil(state.expires_at) + self.retention_seconds)},
        }
        if state.phase in _LIVE_PHASES:
            attributes["sweepAt"] = {"N": _number(state.expires_at)}
        return attributes

    def _seal(self, state: SessionState) -> dict[str, Any] | None:
        """Envelope-encrypt the vault blob under a fresh KMS data key; None when there is none to keep."""
        ref = state.sealed_card
        if ref is None:
            return None
        if self.kms_client is None or not self.kms_key_id:
            raise ConfigurationError(
                "Storing typed card data in DynamoDB needs a KMS key (PAYBOT_SESSION_KMS_KEY_ID)."
            )
        try:
            key = self.kms_client.generate_data_key(
                KeyId=self.kms_key_id, KeySpec="AES_256", EncryptionContext=_context(state.session_id)
            )
        except Exception as err:
            raise _unavailable(err) from None
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # with the first sealed card

        plaintext_key, encrypted_key = key["Plaintext"], key["CiphertextBlob"]
        nonce = os.urandom(12)
        ciphertext = AESGCM(plaintext_key).encrypt(
            nonce, ref.blob.encode(), _aad(state.session_id, ref.expires_at)
        )
        del plaintext_key, key  # used once, for this one value
        return {
            "M": {
                "edk": {"B": encrypted_key},
                "ct": {"B": nonce + ciphertext},
                "exp": {"N": _number(ref.expires_at)},
            }
        }

    def _open(self, session_id: str, sealed: Mapping[str, Any]) -> SealedCardRef | None:
        expires_at = float(sealed["exp"]["N"])
        if self._clock() >= expires_at:
            return None  # past its own expiry: as good as gone (the next save REMOVEs it)
        if self.kms_client is None:
            raise ConfigurationError("Reading typed card data from DynamoDB needs a KMS client.")
        try:
            key = self.kms_client.decrypt(
                CiphertextBlob=_bytes(sealed["edk"]["B"]), EncryptionContext=_context(session_id)
            )
        except Exception as err:
            if error_code(err) in _KEY_REFUSED:
                log.warning(
                    "sealed card data of session %s could not be unwrapped (%s); dropping it",
                    session_id,
                    error_code(err),
                )
                return None
            raise _unavailable(err) from None
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        raw = _bytes(sealed["ct"]["B"])
        try:
            blob = AESGCM(key["Plaintext"]).decrypt(raw[:12], raw[12:], _aad(session_id, expires_at)).decode()
        except InvalidTag:
            log.warning("sealed card data of session %s failed its integrity check; dropping it", session_id)
            return None
        finally:
            del key
        return SealedCardRef(blob, expires_at)


class DynamoDBWebhookEvents:
    """Webhook event ids already handled: a conditional put per id on the sessions table, with a TTL."""

    def __init__(self, client: DynamoDBClient, table_name: str, *, ttl_seconds: int = 7 * 86_400) -> None:
        self.client = client
        self.table_name = table_name
        self.ttl_seconds = ttl_seconds

    def claim(self, event_id: str, now: float) -> bool:
        """True the first time an id is claimed; False for a duplicate delivery."""
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={
                    "sessionId": {"S": _WEBHOOK_PREFIX + event_id},
                    "ttl": {"N": str(int(now) + self.ttl_seconds)},
                },
                ConditionExpression="attribute_not_exists(sessionId)",
            )
        except Exception as err:
            if error_code(err) == _CONFLICT:
                return False
            raise _unavailable(err) from None
        return True

    def release(self, event_id: str) -> None:
        """Forget a claim whose handling failed, so the sender's retry is handled."""
        try:
            self.client.delete_item(
                TableName=self.table_name, Key={"sessionId": {"S": _WEBHOOK_PREFIX + event_id}}
            )
        except Exception as err:
            raise _unavailable(err) from None


# ---------------------------------------------------------------- helpers


def _context(session_id: str) -> dict[str, str]:
    return {"paybot:session": session_id}


def _aad(session_id: str, expires_at: float) -> bytes:
    return f"paybot-dynamodb-card|{session_id}|{expires_at:.3f}".encode()


def _number(value: float) -> str:
    return f"{value:.3f}"


def _bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else base64.b64decode(value)


def _payment(item: dict[str, Any]) -> PaymentEntry:
    created = int(item["createdAt"]["N"])
    view = {**json.loads(item["body"]["S"]), "createdAt": created}
    reference = item["reference"]["S"] if "reference" in item else None
    return PaymentEntry(
        item["sessionId"]["S"].removeprefix(_PAYMENT),
        item["paymentSession"]["S"],
        item["status"]["S"],
        reference,
        created,
        view,
    )


def _cancelled_by_condition(err: Exception) -> bool:
    """A TransactWriteItems cancelled because one of its conditions failed."""
    if error_code(err) != "TransactionCanceledException":
        return False
    reasons = getattr(err, "response", {}).get("CancellationReasons") or []
    message = str(getattr(err, "response", {}).get("Error", {}).get("Message", ""))
    return (
        any(r.get("Code") == "ConditionalCheckFailed" for r in reasons) or "ConditionalCheckFailed" in message
    )


def _unavailable(err: Exception) -> Exception:
    """botocore failures (after its bounded retries) become StoreUnavailableError; others propagate."""
    return aws_failure(err, StoreUnavailableError, "DynamoDB/KMS")


def build_from_settings(settings: Settings) -> DynamoDBSessionStore:
    from .aws_clients import client

    if not settings.dynamodb_table:
        raise ConfigurationError("PAYBOT_SESSION_STORE=dynamodb needs PAYBOT_DYNAMODB_TABLE.")
    return DynamoDBSessionStore(
        client("dynamodb"),
        settings.dynamodb_table,
        # KMS is needed only for typed card data: not on a session's first answer.
        kms_client=lazy_client(lambda: client("kms")),
        kms_key_id=settings.session_kms_key_id,
        retention_seconds=settings.session_retention_seconds,
        event_retention_seconds=settings.event_retention_seconds,
    )


def session_keys_from_settings(
    settings: Settings, shared: DynamoDBClient | None = None
) -> DynamoDBSessionKeys:
    """The vault's key store: its own table when `PAYBOT_SESSION_KEYS_TABLE` names one (PITR off).

    `shared` is the session store's client; without one, a client of its own, made when a typed
    card is first sealed or shredded, not on a cold start.
    """
    from .aws_clients import client

    dynamodb = shared if shared is not None else lazy_client(lambda: client("dynamodb"))

    if settings.session_keys_table:
        return DynamoDBSessionKeys(dynamodb, settings.session_keys_table)
    if not settings.dynamodb_table:
        raise ConfigurationError("PAYBOT_SESSION_STORE=dynamodb needs PAYBOT_DYNAMODB_TABLE.")
    log.warning(
        "PAYBOT_SESSION_KEYS_TABLE is unset: vault data keys share the session table, so its "
        "point-in-time copies keep them; name a table without PITR to make wiped card data unrecoverable"
    )
    return DynamoDBSessionKeys(dynamodb, settings.dynamodb_table, shared_table=True)
