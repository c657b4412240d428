"""The client's address behind CloudFront: the viewer's, but only on requests CloudFront vouches for.

Behind the stack's CloudFront distribution the API's peer address (API Gateway's `sourceIp`,
which Mangum puts in `scope["client"]`) is a CloudFront edge server's, shared by every payer that
edge serves: a per-client rate limit keyed on it would throttle strangers together. CloudFront
sends the viewer's own address in `CloudFront-Viewer-Address` ("198.51.100.7:46532", or an IPv6
address with its port after the last colon), but anyone calling the API directly can write that
header too. So it is believed only when the request also carries the edge secret: a random value
the stack makes, sets as a custom header on the distribution's API origin (CloudFront overwrites
a viewer's header of that name), and gives this app by its Secrets Manager id. Every other
request keeps its direct source address.

`ViewerAddress` runs first, rewrites `scope["client"]` when the proof holds, and drops the secret
header, so the rate limit, the logs and everything after see one client address and never the
secret.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["EDGE_SECRET_HEADER", "VIEWER_ADDRESS_HEADER", "ViewerAddress", "viewer_address"]

log = logging.getLogger("paybot.edge")

EDGE_SECRET_HEADER = "X-Paybot-Edge-Secret"  # noqa: S105 - the header's name, not its value
VIEWER_ADDRESS_HEADER = "CloudFront-Viewer-Address"
_SECRET = EDGE_SECRET_HEADER.lower().encode()
_VIEWER = VIEWER_ADDRESS_HEADER.lower().encode()


def viewer_address(value: str) -> str | None:
    """The address of a `CloudFront-Viewer-Address` value ("ip:port"), or None when it is not one."""
    host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit():
        return None
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class ViewerAddress:
    """ASGI middleware: `scope["client"]` is the viewer's address on requests proven to come through
    the stack's CloudFront distribution; `edge_secret` gives the value that proves it."""

    def __init__(self, app: ASGIApp, edge_secret: Callable[[], str]) -> None:
        self.app = app
        self.edge_secret = edge_secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = scope["headers"]
            sent = next((value for name, value in headers if name == _SECRET), None)
            if sent is not None:
                viewer = next((value for name, value in headers if name == _VIEWER), None)
                # The secret goes no further than this check.
                scope = {**scope, "headers": [(n, v) for n, v in headers if n != _SECRET]}
                if viewer is not None and await self._proven(sent):
                    address = viewer_address(viewer.decode("latin-1"))
                    if address is not None:
                        scope["client"] = (address, 0)
        await self.app(scope, receive, send)

    async def _proven(self, sent: bytes) -> bool:
        try:
            expected = await run_in_threadpool(self.edge_secret)  # the secrets cache; a fetch once per TTL
        except Exception as err:
            log.warning("edge secret unavailable; using the direct source address: %s", type(err).__name__)
            return False
        return bool(expected) and hmac.compare_digest(sent, expected.encode())
