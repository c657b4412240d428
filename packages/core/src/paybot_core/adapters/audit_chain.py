"""Masked, hash-chained audit records: each carries the SHA-256 of the one before it.

Tampering with, inserting or deleting a record breaks every hash after it, which
`verify_chain` detects. Values are redacted once more on the way in, as a last line of defence;
the values that recur on every record (enum values, the masked card) are read by the recogniser
once per process and then recognised (`CleanTextMemo`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..pci.redact import CleanTextMemo
from ..ports import AuditEvent

GENESIS = "0" * 64

# Shared by every audit log of the process: the masked facts of one deployment are a small set.
_redact_detail = CleanTextMemo()


# One encoder for every record: `json.dumps` with options builds a new one on each call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(record: dict[str, Any]) -> bytes:
    return _CANONICAL.encode(record).encode()


def record_hash(record_without_hash: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(record_without_hash)).hexdigest()


def _unhashed(event: AuditEvent, previous_hash: str) -> dict[str, Any]:
    return {
        "at": datetime.fromtimestamp(event.at, UTC).isoformat(timespec="milliseconds"),
        "kind": event.kind,
        "session": event.session_id,
        "details": _redact_detail.redact_values(event.details),
        "prev": previous_hash,
    }


def to_record(event: AuditEvent, previous_hash: str) -> dict[str, Any]:
    record = _unhashed(event, previous_hash)
    record["hash"] = record_hash(record)
    return record


def to_line(event: AuditEvent, previous_hash: str) -> tuple[bytes, str]:
    """The record as one JSON line (newline included) and its hash, serialised once.

    The hash covers the canonical form of the record without its hash, which is what
    `verify_chain` recomputes; the line is that same text with the hash added as a last key, so
    the record is not serialised a second time (the audit log writes one line per turn).
    """
    body = canonical(_unhashed(event, previous_hash))
    digest = hashlib.sha256(body).hexdigest()
    return body[:-1] + b',"hash":"' + digest.encode() + b'"}\n', digest


class AuditChain:
    """Keeps the last hash and links each new event to it."""

    def __init__(self, last_hash: str = GENESIS) -> None:
        self.last_hash = last_hash

    def link(self, event: AuditEvent) -> dict[str, Any]:
        record = to_record(event, self.last_hash)
        self.last_hash = record["hash"]
        return record


def verify_chain(records: Iterable[dict[str, Any]]) -> int:
    """Number of records verified; raises ValueError at the first broken link."""
    previous = GENESIS
    count = 0
    for count, record in enumerate(records, start=1):
        body = {k: v for k, v in record.items() if k != "hash"}
        if record.get("prev") != previous:
            raise ValueError(f"audit record {count} does not follow the previous one")
        if record_hash(body) != record.get("hash"):
            raise ValueError(f"audit record {count} was altered")
        previous = record["hash"]
    return count
