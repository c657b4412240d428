"""Request-scoped access to the process's services and the merchant API key check."""

from __future__ import annotations

import hmac

from fastapi import Request

from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.bootstrap import Services

from .errors import ApiError


def services(request: Request) -> Services:
    built: Services = request.app.state.services
    return built


def sandbox(request: Request) -> SandboxGateway:
    """The sandbox gateway; its endpoints do not exist when a real gateway is configured."""
    gateway = services(request).sandbox
    if gateway is None:
        raise ApiError(404, "not_found", "The sandbox endpoints exist only with the sandbox gateway.")
    return gateway


def require_merchant_key(request: Request) -> None:
    """With merchant API keys configured, creating a session needs `Authorization: Bearer <key>`."""
    keys = services(request).settings.merchant_api_keys
    if not keys:
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    presented = token.strip().encode()
    if scheme.lower() != "bearer" or not any(
        hmac.compare_digest(presented, key.get_secret_value().encode()) for key in keys
    ):
        raise ApiError(
            401, "unauthorized", "A valid merchant API key is required.", {"WWW-Authenticate": "Bearer"}
        )
