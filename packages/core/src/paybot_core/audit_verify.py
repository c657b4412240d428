"""Check an audit log's hash chain and say where it breaks: `paybot audit verify`.

Each record carries the SHA-256 of its own content and the hash of the record before it
(`adapters/audit_chain.py`), so an edited record fails its own hash, and a removed or inserted
record fails the link of the one after it. A line that is not a whole JSON record (a write cut
short) breaks the chain where it stands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .adapters.audit_chain import GENESIS, record_hash

__all__ = ["ChainBreak", "ChainReport", "verify_audit_file", "verify_audit_lines"]


@dataclass(frozen=True)
class ChainBreak:
    line: int  # 1-based line of the file
    reason: str
    at: str | None = None  # the record's own timestamp, when it has one
    kind: str | None = None


@dataclass(frozen=True)
class ChainReport:
    records: int  # records that verified, before the break if any
    last_hash: str
    broken: ChainBreak | None = None

    @property
    def holds(self) -> bool:
        return self.broken is None


def verify_audit_lines(lines: list[bytes]) -> ChainReport:
    """Verify JSONL records in order; stop at the first one that breaks the chain."""
    previous, count = GENESIS, 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record: Any = json.loads(raw)
        except ValueError:
            return ChainReport(
                count, previous, ChainBreak(number, "not a whole JSON record (a write cut short?)")
            )
        if not isinstance(record, dict) or not isinstance(record.get("hash"), str):
            return ChainReport(count, previous, ChainBreak(number, "not an audit record (no hash)"))
        at, kind = record.get("at"), record.get("kind")
        where = {"at": at if isinstance(at, str) else None, "kind": kind if isinstance(kind, str) else None}
        body = {key: value for key, value in record.items() if key != "hash"}
        if record_hash(body) != record["hash"]:
            return ChainReport(
                count, previous, ChainBreak(number, "its content was changed after it was written", **where)
            )
        if record.get("prev") != previous:
            reason = (
                "it does not follow the record before it (a record was removed, inserted or reordered)"
                if count
                else "the first record does not start the chain (records before it are missing)"
            )
            return ChainReport(count, previous, ChainBreak(number, reason, **where))
        previous, count = record["hash"], count + 1
    return ChainReport(count, previous)


def verify_audit_file(path: Path) -> ChainReport:
    """Verify the audit log at `path` (OSError when it cannot be read)."""
    return verify_audit_lines(path.read_bytes().splitlines())
