"""Serve the web chat page and put the browser security headers on every response.

The page's built assets ship in this package (``static/``), so serving it needs no Node. The
Content-Security-Policy allows scripts and frames only from this origin and Stripe.js, and no
inline script or style: the page's own code never needs them, and a payer's name that slips
markup into the page then has nothing to run.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from paybot_core.settings import Settings

__all__ = ["STATIC_DIR", "content_security_policy", "mount_frontend", "security_headers"]

STATIC_DIR = Path(__file__).resolve().parent / "static"

# Stripe's published CSP requirements for Stripe.js, the Payment Element and 3-D Secure:
# scripts and frames from js.stripe.com, 3-D Secure challenge frames from hooks.stripe.com,
# API calls to api.stripe.com.
_STRIPE_SCRIPTS = "https://js.stripe.com https://*.js.stripe.com"
_STRIPE_FRAMES = "https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
_STRIPE_API = "https://api.stripe.com"


def content_security_policy(frame_ancestors: str) -> str:
    """The page's Content-Security-Policy, with `frame_ancestors` as configured (e.g. ``'none'``)."""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {_STRIPE_SCRIPTS}",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": f"'self' {_STRIPE_API}",
        "frame-src": _STRIPE_FRAMES,
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors.strip() or "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(frame_ancestors: str) -> dict[str, str]:
    """Headers every response carries, API answers included."""
    headers = {
        "Content-Security-Policy": content_security_policy(frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if frame_ancestors.strip() in ("", "'none'"):
        # For browsers that predate frame-ancestors.
        headers["X-Frame-Options"] = "DENY"
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
