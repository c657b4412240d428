"""Every 4xx and 5xx answer is {"error": {"code", "message"}}; messages never echo the input."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from paybot_core import (
    ConfigurationError,
    PaymentUnconfirmedError,
    SessionNotFoundError,
    StoreUnavailableError,
    TooManyConflictsError,
)

from .schemas import ErrorBody

log = logging.getLogger("paybot.web")

_HTTP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


class ApiError(Exception):
    """An error with its HTTP status, code and a message written for people."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def _describe_validation(exc: RequestValidationError, known: frozenset[str]) -> tuple[str, str]:
    """(code, message) naming the fields at fault, never their values nor a key the client made up.

    A body may hold a card number anywhere, its keys included ({"4929 8541 9232 6189": 1}): only
    names the API itself declares (`known`) and list positions are written back.
    """
    problems = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            return "invalid_json", "The request body is not valid JSON."
        parts = [p for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")]
        location = ".".join(_shown(p, known) for p in parts) or "body"
        reason = str(error.get("msg", "is invalid"))
        if error.get("type") == "extra_forbidden":
            location = ".".join([*(_shown(p, known) for p in parts[:-1]), "a field"])
            reason = "is not a known field"
        problems.append(f"{location}: {reason}")
    return "invalid_request", "Invalid request: " + "; ".join(dict.fromkeys(problems[:5]))


def _shown(part: object, known: frozenset[str]) -> str:
    if isinstance(part, int):
        return str(part)
    return str(part) if part in known else "a field"


def declared_names(app: FastAPI) -> frozenset[str]:
    """Every body field (name and alias, nested models included), query and path parameter of the app."""
    names: set[str] = set()

    def model_fields(model: object) -> None:
        fields = getattr(model, "model_fields", None)
        if not isinstance(fields, dict):
            return
        for name, info in fields.items():
            if name in names:
                continue
            names.add(name)
            if info.alias:
                names.add(info.alias)
            for inner in getattr(info.annotation, "__args__", (info.annotation,)):
                model_fields(inner)

    for route in app.routes:
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue
        for param in (*dependant.query_params, *dependant.path_params, *dependant.header_params):
            names.update({param.name, param.alias})
        for param in dependant.body_params:
            for inner in getattr(param.field_info.annotation, "__args__", (param.field_info.annotation,)):
                model_fields(inner)
    return frozenset(names)


_ERROR_SCHEMA_REF = "#/components/schemas/ErrorBody"


def error_doc(description: str | None = None) -> dict[str, Any]:
    """One error answer of an operation, for the OpenAPI schema: an ErrorBody, by reference.

    Written as content rather than FastAPI's `{"model": ErrorBody}`: for every model in a route's
    `responses` FastAPI builds a pydantic field (a TypeAdapter) when the route is added, used only
    to write the schema; one per route and status code, 74 of them, were a large share of the web
    Lambda's cold start. `install_error_handlers` puts ErrorBody among the schema's components.
    """
    doc: dict[str, Any] = {"description": description} if description else {}
    doc["content"] = {"application/json": {"schema": {"$ref": _ERROR_SCHEMA_REF}}}
    return doc


def _error_components() -> dict[str, Any]:
    """ErrorBody and the models it holds, as OpenAPI components."""
    schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    nested: dict[str, Any] = schema.pop("$defs", {})
    return {**nested, "ErrorBody": schema}


def _openapi_without_422(app: FastAPI) -> None:
    """FastAPI declares a 422 on every route with parameters; this API answers those requests with 400.
    The error answers' schema (`error_doc`) joins the components here."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for name in ("HTTPValidationError", "ValidationError"):
                components.pop(name, None)
            for name, definition in _error_components().items():
                components.setdefault(name, definition)
            schema["components"]["schemas"] = dict(sorted(components.items()))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    _openapi_without_422(app)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    known: list[frozenset[str]] = []  # the routes' names, read once all routes are in

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        if not known:
            known.append(declared_names(app))
        code, message = _describe_validation(exc, known[0])
        return error_response(400, code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(SessionNotFoundError)
    async def _not_found(_: Request, exc: SessionNotFoundError) -> JSONResponse:
        return error_response(404, "session_not_found", "No payment session with that id. Start a new one.")

    @app.exception_handler(TooManyConflictsError)
    async def _conflict(_: Request, exc: TooManyConflictsError) -> JSONResponse:
        return error_response(409, "conflict", str(exc), {"Retry-After": "1"})

    @app.exception_handler(PaymentUnconfirmedError)
    async def _unconfirmed(_: Request, exc: PaymentUnconfirmedError) -> JSONResponse:
        # The charge went out and its outcome was not kept: the payer may have paid. The sentence
        # says so in the session's language; repeating the yes is safe and finds out.
        log.error("payment not confirmed: %s (%s)", exc, type(exc.__cause__).__name__)
        return error_response(503, "payment_unconfirmed", exc.said, {"Retry-After": "5"})

    @app.exception_handler(StoreUnavailableError)
    async def _store(_: Request, exc: StoreUnavailableError) -> JSONResponse:
        # Raised before any charge went out (after one, the service raises PaymentUnconfirmedError).
        log.error("session store unavailable: %s", exc)
        return error_response(
            503,
            "store_unavailable",
            "Sessions are unavailable right now; nothing was charged. Please try again.",
            {"Retry-After": "5"},
        )

    @app.exception_handler(ConfigurationError)
    async def _config(_: Request, exc: ConfigurationError) -> JSONResponse:
        log.error("configuration error: %s", exc)
        return error_response(500, "configuration_error", "The server is misconfigured.")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(
            500,
            "internal_error",
            "Something went wrong on our side. Please try again: you will never be "
            "charged twice for this payment.",
        )
