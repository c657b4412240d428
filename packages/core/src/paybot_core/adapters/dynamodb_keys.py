"""Per-session vault data keys in DynamoDB (`pci.vault.SessionKeys`), for the Lambdas.

One item per session: `sessionId` (S, the partition key), `wrapped` (B, the data key wrapped
by the vault key), `ttl` (N). Deleting the item is the shred. For that to hold against
point-in-time recovery and backups, the keys belong in a table of their own with PITR and
backups off (`PAYBOT_SESSION_KEYS_TABLE`); in the session table (when that setting is unset)
they sit under `sessionKey#<id>` and a PITR copy of the session table keeps them (start-up warns).
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import StoreUnavailableError

_SHARED_PREFIX = "sessionKey#"


class DynamoDBSessionKeys:
    def __init__(self, client: Any, table_name: str, *, shared_table: bool = False) -> None:
        self.client = client
        self.table_name = table_name
        self._prefix = _SHARED_PREFIX if shared_table else ""

    def _key(self, session_id: str) -> dict[str, dict[str, str]]:
        return {"sessionId": {"S": self._prefix + session_id}}

    def put(self, session_id: str, wrapped: bytes, expires_at: float) -> None:
        item = {**self._key(session_id), "wrapped": {"B": wrapped}, "ttl": {"N": str(math.ceil(expires_at))}}
        self._call("put_item", TableName=self.table_name, Item=item)

    def get(self, session_id: str, now: float) -> bytes | None:
        answer = self._call(
            "get_item", TableName=self.table_name, Key=self._key(session_id), ConsistentRead=True
        )
        item = answer.get("Item")
        if not item or float(item["ttl"]["N"]) <= now:
            return None
        return bytes(item["wrapped"]["B"])

    def destroy(self, session_id: str) -> None:
        self._call("delete_item", TableName=self.table_name, Key=self._key(session_id))

    def purge_expired(self, now: float) -> int:
        return 0  # DynamoDB's TTL deletes expired items; get() already refuses them

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = getattr(self.client, operation)(**kwargs)
        except Exception as err:  # botocore's errors, without importing botocore here
            raise StoreUnavailableError(f"The session key table failed ({type(err).__name__}).") from None
        return answer
