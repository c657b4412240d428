"""Serve the web chat page and put the browser security headers on every response.

The page's built assets ship in this package (``static/``), so serving it needs no Node. The
Content-Security-Policy allows scripts and frames only from this origin and Stripe.js, and no
inline script or style: the page's own code never needs them, and a payer's name that slips
markup into the page then has nothing to run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

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

    @app.middleware("http")
    async def add_security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/", include_in_schema=False)
    async def chat_page() -> FileResponse:
        # no-cache: the browser revalidates (ETag) so a new release's page is never stale.
        return FileResponse(index, media_type="text/html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", _RevalidatedStaticFiles(directory=STATIC_DIR), name="static")


class _RevalidatedStaticFiles(StaticFiles):
    """Static files that browsers revalidate on each use (the names carry no content hash)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "no-cache")
        return response
