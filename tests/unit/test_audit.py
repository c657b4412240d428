"""Audit records: masked, hash-chained, tamper-evident, shared safely between processes."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from paybot_core.adapters.audit_chain import verify_chain
from paybot_core.adapters.file_audit import FileAuditLog
from paybot_core.adapters.memory import MemoryAuditLog
from paybot_core.ports import AuditEvent


def event(n: int, **details: object) -> AuditEvent:
    return AuditEvent("turn", f"ses_{n}", 1781524800.0 + n, dict(details))  # type: ignore[arg-type]


def test_chain_verifies_and_detects_tampering() -> None:
    log = MemoryAuditLog()
    for n in range(5):
        log.append(event(n, status="collecting"))
    assert verify_chain(log.records) == 5
    forged = [dict(r) for r in log.records]
    forged[2]["details"] = {"status": "completed"}
    with pytest.raises(ValueError, match="altered"):
        verify_chain(forged)
    with pytest.raises(ValueError, match="does not follow"):
        verify_chain(log.records[:2] + log.records[3:])


def test_values_are_redacted_on_the_way_in() -> None:
    log = MemoryAuditLog()
    log.append(event(1, note="card 4242 4242 4242 4242"))
    assert "4242 4242" not in json.dumps(log.records)


def _append_many(path: str, worker: int) -> None:
    log = FileAuditLog(__import__("pathlib").Path(path))
    for n in range(50):
        log.append(event(worker * 100 + n))


def test_file_log_stays_one_chain_across_processes(tmp_path) -> None:
    path = tmp_path / "audit.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(str(path), w)) for w in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert all(w.exitcode == 0 for w in workers)
    assert verify_chain(FileAuditLog(path).read_all()) == 150


def test_file_log_lines_verify_and_a_rotated_or_deleted_log_is_reopened(tmp_path) -> None:
    path = tmp_path / "audit.jsonl"
    log = FileAuditLog(path)
    for n in range(3):
        log.append(AuditEvent("turn", "ses_a", 1_781_524_800.0 + n, {"turn": n, "note": "ok"}))
    assert verify_chain(log.read_all()) == 3

    path.rename(tmp_path / "audit.1.jsonl")  # rotated: the next record starts a new file
    log.append(AuditEvent("turn", "ses_a", 1_781_524_900.0, {"turn": 3}))
    assert verify_chain(log.read_all()) == 1
    assert len((tmp_path / "audit.1.jsonl").read_text().splitlines()) == 3

    path.unlink()  # deleted: the same
    log.append(AuditEvent("turn", "ses_a", 1_781_525_000.0, {"turn": 4}))
    assert [r["details"] for r in log.read_all()] == [{"turn": 4}]
    assert (path.stat().st_mode & 0o777) == 0o600  # the log is the service's alone
    log.close()
