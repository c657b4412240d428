"""Request-scoped access to the process's services and the merchant API key check.

The FastAPI dependencies here are `async def` on purpose: FastAPI runs a plain `def` dependency in
its thread pool, one thread hop per dependency per request, and under load those hops (not the
attribute reads they wrap) were a large share of the event loop's time. None of them blocks.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from paybot_core import SandboxGateway, Services

from .errors import ApiError


def services_of(request: Request) -> Services:
    """The services the app was built around (plain function, for code outside dependencies)."""
    built: Services = request.app.state.services
    return built


async def sandbox(request: Request) -> SandboxGateway:
    """The sandbox gateway; its endpoints do not exist when a real gateway is configured."""
    gateway = services_of(request).sandbox
    if gateway is None:
        raise ApiError(404, "not_found", "The sandbox endpoints exist only with the sandbox gateway.")
    return gateway


# Declares the scheme in the OpenAPI schema (Swagger UI's "Authorize" button); the check is ours:
# without keys configured the endpoint is open, so a missing header is not an error by itself.
merchant_bearer = HTTPBearer(
    scheme_name="merchantKey",
    description="A merchant API key (PAYBOT_MERCHANT_API_KEYS); needed only when the server has keys.",
    auto_error=False,
)


async def require_merchant_key(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(merchant_bearer)]
) -> None:
    """With merchant API keys configured, creating a session needs `Authorization: Bearer <key>`."""
    keys = services_of(request).settings.merchant_api_keys
    if not keys:
        return
    presented = credentials.credentials.strip().encode() if credentials else b""
    if not presented or not any(
        hmac.compare_digest(presented, key.get_secret_value().encode()) for key in keys
    ):
        raise ApiError(
            401, "unauthorized", "A valid merchant API key is required.", {"WWW-Authenticate": "Bearer"}
        )
