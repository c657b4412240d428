"""Serve the web chat page and put the browser security headers on every response.

The page is plain ES modules, served as written from one copy, ``frontend/src``: a wheel (and a
Lambda zip) carries it as ``paybot_channels/web/static`` (hatchling's force-include in
``packages/channels/pyproject.toml``); an editable install from the repository reads the
sources themselves, so an edit shows on the next reload. No Node, no build step.
The Content-Security-Policy comes from ``paybot_channels.csp``, shared with the deployed CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paybot_channels.csp import content_security_policy, frame_options

if TYPE_CHECKING:
    from paybot_core import Settings

__all__ = ["STATIC_DIR", "find_static_dir", "mount_frontend", "security_headers"]

_HERE = Path(__file__).resolve().parent


def find_static_dir(package_dir: Path = _HERE) -> Path:
    """Where the page's files are: packaged beside this module, else the repository's sources."""
    packaged = package_dir / "static"
    if packaged.is_dir():
        return packaged
    # Editable install: .../packages/channels/src/paybot_channels/web -> the repository root.
    return package_dir.parents[4] / "frontend" / "src"


STATIC_DIR = find_static_dir()


def security_headers(frame_ancestors: str) -> dict[str, str]:
    """Headers every response carries, API answers included."""
    headers = {
        "Content-Security-Policy": content_security_policy(frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    framing = frame_options(frame_ancestors)
    if framing:
        headers["X-Frame-Options"] = framing
    return headers


def mount_frontend(app: FastAPI, settings: Settings) -> None:
    """Serve the chat page at ``/`` and its assets under ``/static/``; add the security headers."""
    headers = security_headers(settings.frame_ancestors)
    index = STATIC_DIR / "index.html"

    app.add_middleware(SecurityHeaders, headers=headers)

    @app.get("/", include_in_schema=False)
    async def chat_page() -> FileResponse:
        # no-cache: the browser revalidates (ETag) so a new release's page is never stale.
        return FileResponse(index, media_type="text/html", headers={"Cache-Control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        # Browsers and tools ask for /favicon.ico whatever the page links; an SVG answers both.
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    app.mount("/static", _RevalidatedStaticFiles(directory=STATIC_DIR), name="static")


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every HTTP response it did not set itself.

    A plain ASGI wrapper rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware
    runs each request through an extra task and memory stream, which cost more per chat turn
    than the turn's own work did.
    """

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(name.lower().encode(), value.encode()) for name, value in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in self.headers if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _RevalidatedStaticFiles(StaticFiles):
    """Static files that browsers revalidate on each use (the names carry no content hash)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "no-cache")
        return response
