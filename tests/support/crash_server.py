"""`python -m tests.support.crash_server POINT --port N`: `paybot serve` that SIGKILLs itself at POINT.

The crash points are wrappers composed through `build(..., overrides)`, never code paths in `src/`:

- `after_charge`: the sandbox gateway has accepted and recorded a charge; the session is not saved yet.
- `mid_save`: inside a session write's transaction, after its UPDATE and before COMMIT.

Settings come from the PAYBOT_* environment as for `paybot serve`.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

import uvicorn

from paybot_channels.web.app import create_app
from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.adapters.sqlite_store import SqliteSessionStore, connect
from paybot_core.bootstrap import build
from paybot_core.conversation.state import PaymentRecord, SessionState, state_to_json
from paybot_core.ports import PaymentRequest
from paybot_core.settings import Settings

CRASH_POINTS = ("after_charge", "mid_save")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class CrashAfterChargeGateway(SandboxGateway):
    """The sandbox gateway, killing the process once a charge is accepted (and on disk)."""

    def confirm_payment(self, request: PaymentRequest) -> PaymentRecord:
        record = super().confirm_payment(request)
        die()
        return record  # pragma: no cover


class CrashMidSaveStore(SqliteSessionStore):
    """The SQLite store, killing the process inside the first save's transaction, before COMMIT."""

    def save(self, state: SessionState, expected_version: int, events: Sequence[Any] = ()) -> SessionState:
        conn = connect(self.path)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "UPDATE sessions SET version = ?, state = ? WHERE session_id = ? AND version = ?",
            (expected_version + 1, state_to_json(state).decode(), state.session_id, expected_version),
        )
        die()
        return state  # pragma: no cover


def overrides(point: str, settings: Settings) -> dict[str, Any]:
    if point == "after_charge":
        return {"gateway": CrashAfterChargeGateway(settings.data_dir / "sandbox_gateway.sqlite3")}
    return {"store": CrashMidSaveStore(settings.data_dir / "sessions.sqlite3")}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crash_server")
    parser.add_argument("point", choices=CRASH_POINTS)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper())
    app = create_app(build(settings, **overrides(args.point, settings)))
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
