"""The chat page's Content-Security-Policy and framing header: one builder for every server.

`paybot serve` (``web/frontend.py``) and the deployed CloudFront distribution
(``infra/components/frontend.py``) both take their policy from here, so the page is under the
same rules wherever it is served. Standard library only: the Pulumi program imports this module
without loading the web stack.

Scripts and frames come only from this origin and Stripe.js, with no inline script or style:
the page's own code never needs them, and a payer's name that slips markup into the page then
has nothing to run.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "DEFAULT_FRAME_ANCESTORS",
    "api_docs_content_security_policy",
    "content_security_policy",
    "frame_ancestor_sources",
    "frame_options",
    "page_directives",
    "render_policy",
]

# Stripe's published CSP requirements for Stripe.js, the Payment Element and 3-D Secure:
# scripts and frames from js.stripe.com, 3-D Secure challenge frames from hooks.stripe.com,
# API calls to api.stripe.com.
STRIPE_SCRIPTS = ("https://js.stripe.com", "https://*.js.stripe.com")
STRIPE_FRAMES = (*STRIPE_SCRIPTS, "https://hooks.stripe.com")
STRIPE_API = ("https://api.stripe.com",)

DEFAULT_FRAME_ANCESTORS = ("'none'",)


def frame_ancestor_sources(frame_ancestors: str | Iterable[str]) -> tuple[str, ...]:
    """The sources of a `frame-ancestors` setting: a space-separated string or a list; empty means none."""
    words = frame_ancestors.split() if isinstance(frame_ancestors, str) else list(frame_ancestors)
    sources = tuple(word.strip() for word in words if word.strip())
    return sources or DEFAULT_FRAME_ANCESTORS


def render_policy(directives: dict[str, tuple[str, ...]]) -> str:
    """``name source source; name source`` in the order given."""
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def page_directives(
    frame_ancestors: str | Iterable[str] = DEFAULT_FRAME_ANCESTORS,
) -> dict[str, tuple[str, ...]]:
    """The chat page's directives, for callers that adjust one (the API docs page does)."""
    return {
        "default-src": ("'self'",),
        "script-src": ("'self'", *STRIPE_SCRIPTS),
        "style-src": ("'self'",),
        "img-src": ("'self'", "data:"),
        "font-src": ("'self'",),
        "connect-src": ("'self'", *STRIPE_API),
        "frame-src": STRIPE_FRAMES,
        "object-src": ("'none'",),
        "base-uri": ("'none'",),
        "form-action": ("'self'",),
        "frame-ancestors": frame_ancestor_sources(frame_ancestors),
    }


def content_security_policy(frame_ancestors: str | Iterable[str] = DEFAULT_FRAME_ANCESTORS) -> str:
    """The page's Content-Security-Policy header value, `frame-ancestors` as configured."""
    return render_policy(page_directives(frame_ancestors))


def frame_options(frame_ancestors: str | Iterable[str] = DEFAULT_FRAME_ANCESTORS) -> str | None:
    """X-Frame-Options for browsers that predate `frame-ancestors`; None for an allow-list.

    The header only knows DENY and SAMEORIGIN; for a list of origins the CSP alone governs.
    """
    sources = frame_ancestor_sources(frame_ancestors)
    if sources == ("'none'",):
        return "DENY"
    if sources == ("'self'",):
        return "SAMEORIGIN"
    return None


def api_docs_content_security_policy() -> str:
    """The policy of the API reference pages (``/docs``, ``/redoc``): their packaged assets only.

    Swagger UI and ReDoc load from this origin and read ``/openapi.json``; neither gets Stripe.
    Both style elements at run time (React style props, ReDoc's styled-components), which is
    what ``'unsafe-inline'`` in ``style-src`` allows; scripts stay ``'self'`` only, with no
    inline bootstrap. ReDoc runs its search index in a worker made from a ``blob:`` URL.
    These pages take no card data and are never framed.
    """
    return render_policy(
        {
            "default-src": ("'self'",),
            "script-src": ("'self'",),
            "style-src": ("'self'", "'unsafe-inline'"),
            "img-src": ("'self'", "data:"),
            "font-src": ("'self'",),
            "connect-src": ("'self'",),
            "worker-src": ("'self'", "blob:"),
            "frame-src": ("'none'",),
            "object-src": ("'none'",),
            "base-uri": ("'none'",),
            "form-action": ("'self'",),
            "frame-ancestors": ("'none'",),
        }
    )
