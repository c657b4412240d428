"""One log line per request: method, route template, status, duration, a hashed session id.

    paybot.requests: POST /v1/chat 200 1.4ms session=4f1c2a9b07de

Never the path (a session id sits in some paths), the query or a body: the route template
names the endpoint, and the session, where there is one, appears only as the first 12 hex
digits of its SHA-256, enough to follow one conversation through the log, not to resume it.
A mounted app's files log as ``/static/{path}``; requests that match no route log ``-``.

Pure ASGI, like the security headers, so it costs no extra task per request. The route sets the
session id through `note_session`, which reaches this request's note through a context
variable (the turn may run on a worker thread: it notes the id after it returns, on the loop).
"""

from __future__ import annotations

import hashlib
import logging
import time
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RequestLog", "note_session", "session_tag"]

log = logging.getLogger("paybot.requests")


class _Note:
    __slots__ = ("session_id",)

    def __init__(self) -> None:
        self.session_id: str | None = None


_current: ContextVar[_Note | None] = ContextVar("paybot_request_note", default=None)


def note_session(session_id: str | None) -> None:
    """Tell the request log which session this request served."""
    note = _current.get()
    if note is not None and session_id:
        note.session_id = session_id


def session_tag(session_id: str | None) -> str:
    if not session_id:
        return "-"
    return hashlib.sha256(session_id.encode()).hexdigest()[:12]


def _mount(scope: Scope, entry_root: str) -> str:
    """A mounted app's template (``/static/{path}``): the prefix its mount added to root_path."""
    prefix = scope.get("root_path", "")[len(entry_root) :]
    return f"{prefix}/{{path}}" if prefix else "-"


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        entry_root = scope.get("root_path", "")
        status = 500  # what the client gets when the app raises before answering
        note = _Note()
        token = _current.set(note)

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            _current.reset(token)
            route = getattr(scope.get("route"), "path", None) or _mount(scope, entry_root)
            log.info(
                "%s %s %d %.1fms session=%s",
                scope["method"],
                route,
                status,
                (time.perf_counter() - started) * 1000,
                session_tag(note.session_id),
            )
