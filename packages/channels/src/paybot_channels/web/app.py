"""The web chat API (FastAPI). Handlers stay thin: parse, call the service, render."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig

from paybot_core import SandboxGateway
from paybot_core.bootstrap import Services
from paybot_core.conversation.state import CardEntry, Channel, Presets
from paybot_core.conversation.turns import NextActionDone, Say, Turn, UsePaymentMethod
from paybot_core.errors import CardValidationError, GatewayError
from paybot_core.ports import CardDetails

from . import deps
from .api_docs import mount_api_docs
from .errors import ApiError, install_error_handlers
from .frontend import mount_frontend
from .limits import BodySizeLimit
from .ratelimit import ClientRateLimit, RateLimits
from .render import chat_response
from .request_log import RequestLog, note_session
from .schemas import (
    ChatRequest,
    ChatResponse,
    CreateSessionRequest,
    ErrorBody,
    SandboxAuthenticateRequest,
    SandboxCardRequest,
    SandboxIntentList,
    SandboxIntentOut,
    SandboxPaymentMethod,
)
from .turns import TurnRunner
from .webhooks import install_webhook_routes

log = logging.getLogger("paybot.web")
SWEEP_INTERVAL_SECONDS = 60.0
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 404, 409, 413, 429, 500, 503)
}

# FastAPI's built-in OpenTelemetry stays off. Once any global tracer, meter or logger provider exists
# (an OpenTelemetry Lambda layer sets one), it makes spans and log records of every request and
# hands span processors the raw request body and validation errors with their input values: sinks
# outside paybot's card-data guard, where a typed card number would travel as the payer typed it.
# Off, requests also skip its per-request provider lookups (a measurable share under load).
NO_FRAMEWORK_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}

SandboxDep = Annotated[SandboxGateway, Depends(deps.sandbox)]


def create_app(
    services: Services, *, sweep_expired: bool = True, rate_limits: RateLimits | None = None
) -> FastAPI:
    """The ASGI app around already-built services (one composition root: `paybot_core.bootstrap`).

    `rate_limits` defaults to buckets sized by the settings; tests hand in ones on their own clock.
    """

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_sweep_forever(services)) if sweep_expired else None
        yield
        if task is not None:
            task.cancel()

    app = FastAPI(
        title="paybot chat API",
        version="1",
        summary="Collect a card payment in a conversation; card data never reaches logs, stores or a model.",
        lifespan=lifespan,
        telemetry=NO_FRAMEWORK_TELEMETRY,
        # FastAPI's own pages load their assets from a CDN; these come from the package.
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.services = services
    settings = services.settings
    limits = rate_limits or RateLimits(settings.rate_limit_per_client, settings.rate_limit_per_session)
    install_error_handlers(app)
    _add_routes(app, services, limits, TurnRunner(settings.turn_threads()))
    _add_sandbox_routes(app)
    install_webhook_routes(app)
    mount_api_docs(app)
    mount_frontend(app, services.settings)
    # Innermost first: a 429 still carries the CORS headers, so the page can read it.
    app.add_middleware(ClientRateLimit, limits=limits)
    if services.settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(services.settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization"],
            max_age=600,
        )
    app.add_middleware(BodySizeLimit)
    # Outermost: every answer is logged, a 413 or 429 from the layers above included.
    app.add_middleware(RequestLog)
    return app


async def _sweep_forever(services: Services) -> None:
    """Expire idle sessions so their sealed card data is wiped even if nobody comes back."""
    while True:
        try:
            await asyncio.to_thread(services.conversations.sweep_expired)
        except Exception:  # the sweeper must outlive a store hiccup
            log.exception("expiry sweep failed")
        await asyncio.sleep(SWEEP_INTERVAL_SECONDS)


class ChatJSON(Response):
    """A ChatResponse serialised once, which remembers its session for the request log."""

    media_type = "application/json"

    def __init__(self, model: ChatResponse, status_code: int = 200) -> None:
        super().__init__(model.model_dump_json(by_alias=True), status_code=status_code)
        self.session_id = model.session_id


def as_json(model: ChatResponse, status_code: int = 200) -> ChatJSON:
    """Serialise once, by alias. The routes keep `response_model` for the OpenAPI schema, but
    returning a Response skips FastAPI re-validating a model the code just built (a measurable
    share of each turn)."""
    return ChatJSON(model, status_code)


def _noted(response: ChatJSON) -> ChatJSON:
    note_session(response.session_id)
    return response


def _add_routes(app: FastAPI, services: Services, limits: RateLimits, runner: TurnRunner) -> None:
    """The chat routes. They are `async`: checks run on the event loop and the service call goes
    through the turn runner (see turns.py); the services and limits come from the closure, not
    per-request dependencies, because resolving dependencies is a measurable share of a turn."""
    settings = services.settings

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post(
        "/v1/sessions",
        status_code=201,
        response_model=ChatResponse,
        response_model_by_alias=True,
        responses={**_ERRORS, 401: {"model": ErrorBody}},
        dependencies=[Depends(deps.require_merchant_key)],
        tags=["chat"],
    )
    async def create_session(body: CreateSessionRequest | None = None) -> Response:
        body = body or CreateSessionRequest()
        card_entry = CardEntry(body.card_entry) if body.card_entry else settings.default_card_entry
        if card_entry is CardEntry.TYPED and not settings.allow_typed_card_entry:
            raise ApiError(
                400, "invalid_request", "Typed card entry is disabled on this server; use the secure form."
            )
        if body.amount is not None and body.amount > settings.max_amount:
            raise ApiError(
                400, "invalid_request", f"amount must be at most {settings.max_amount} (minor units)."
            )
        presets = Presets(
            amount=body.amount,
            currency=body.currency or settings.currency,
            reference=body.reference,
            description=body.description,
            customer_name=body.customer_name,
            card_entry=card_entry,
        )
        return _noted(await runner.run(_started, services, presets, 201))

    async def chat(body: ChatRequest) -> Response:
        if not body.has_input():
            raise ApiError(
                400, "invalid_request", "message must be 1 to 2000 characters (or send a paymentMethod)."
            )
        if body.session_id is not None:
            limits.check_session(body.session_id)
        note_session(body.session_id)
        return _noted(await runner.run(_turn, services, body.session_id, _turns(body)))

    app.post(
        "/v1/chat",
        response_model=ChatResponse,
        response_model_by_alias=True,
        responses=_ERRORS,
        tags=["chat"],
    )(chat)
    app.post(
        "/chat",
        response_model=ChatResponse,
        response_model_by_alias=True,
        responses=_ERRORS,
        tags=["chat"],
        deprecated=True,
        summary="Alias of POST /v1/chat for clients of the original API",
    )(chat)

    @app.get(
        "/v1/sessions/{session_id}",
        response_model=ChatResponse,
        response_model_by_alias=True,
        responses=_ERRORS,
        tags=["chat"],
    )
    async def get_session(session_id: str) -> Response:
        limits.check_session(session_id)
        note_session(session_id)
        return _noted(await runner.run(_current, services, session_id))


# The blocking halves of the chat routes, run by the turn runner: store, gateway and model calls,
# and rendering the reply.


def _started(services: Services, presets: Presets, status_code: int) -> ChatJSON:
    reply = services.conversations.start(presets, Channel.WEB)
    return as_json(chat_response(reply, services.settings), status_code)


def _turns(body: ChatRequest) -> list[Turn]:
    """The typed turns one request carries, in the order they apply (the card before the words)."""
    turns: list[Turn] = []
    if body.payment_method is not None:
        turns.append(UsePaymentMethod(body.payment_method))
    if body.next_action_completed:
        turns.append(NextActionDone())
    if body.message and body.message.strip():
        turns.append(Say(body.message))
    return turns


def _turn(services: Services, session_id: str | None, turn: list[Turn]) -> ChatJSON:
    conversations = services.conversations
    if session_id is None:  # a first message without a session starts one
        session_id = conversations.start(None, Channel.WEB).state.session_id
    return as_json(chat_response(conversations.handle(session_id, turn), services.settings))


def _current(services: Services, session_id: str) -> ChatJSON:
    return as_json(chat_response(services.conversations.get(session_id), services.settings))


def _add_sandbox_routes(app: FastAPI) -> None:
    @app.post(
        "/v1/sandbox/payment_methods",
        status_code=201,
        response_model=SandboxPaymentMethod,
        response_model_by_alias=True,
        responses={**_ERRORS, 402: {"model": ErrorBody}},
        tags=["sandbox"],
    )
    def sandbox_payment_method(
        body: SandboxCardRequest, gateway: SandboxDep
    ) -> SandboxPaymentMethod | JSONResponse:
        number = "".join(ch for ch in body.number if ch not in " -")
        if not (number.isascii() and number.isdigit()):  # as Stripe: a 402, not a crash in the Luhn check
            return JSONResponse(
                {"error": {"code": "incorrect_number", "message": "Your card number is incorrect."}},
                status_code=402,
            )
        year = body.exp_year + 2000 if 0 <= body.exp_year < 100 else body.exp_year
        card = CardDetails(number, body.exp_month, year, body.cvc)
        try:
            pm_id, summary = gateway.create_payment_method(card)
        except CardValidationError as err:
            return JSONResponse({"error": {"code": err.code, "message": str(err)}}, status_code=402)
        finally:
            del card
        return SandboxPaymentMethod(
            id=pm_id,
            brand=summary.brand,
            last4=summary.last4,
            exp_month=summary.exp_month or 0,
            exp_year=summary.exp_year or 0,
        )

    @app.get(
        "/v1/sandbox/payment_intents",
        response_model=SandboxIntentList,
        response_model_by_alias=True,
        responses=_ERRORS,
        tags=["sandbox"],
    )
    def sandbox_payment_intents(
        session_id: Annotated[str, _query_alias("sessionId")], gateway: SandboxDep
    ) -> SandboxIntentList:
        return SandboxIntentList(
            data=[
                SandboxIntentOut(
                    id=i.id,
                    status=i.status,
                    amount=i.amount,
                    currency=i.currency,
                    last4=i.last4,
                    failure_code=i.failure_code,
                )
                for i in gateway.list_intents(session_id)
            ]
        )

    @app.post(
        "/v1/sandbox/payment_intents/{intent_id}/authenticate",
        response_model=SandboxIntentOut,
        response_model_by_alias=True,
        responses=_ERRORS,
        tags=["sandbox"],
    )
    def sandbox_authenticate(
        intent_id: str, body: SandboxAuthenticateRequest, gateway: SandboxDep
    ) -> SandboxIntentOut:
        try:
            gateway.authenticate(intent_id, approve=body.outcome == "approve")
        except GatewayError:
            raise ApiError(404, "not_found", "No such payment intent.") from None
        intent = gateway.intent(intent_id)
        if intent is None:
            raise ApiError(404, "not_found", "No such payment intent.")
        return SandboxIntentOut(
            id=intent.id,
            status=intent.status,
            amount=intent.amount,
            currency=intent.currency,
            last4=intent.last4,
            failure_code=intent.failure_code,
        )


def _query_alias(alias: str) -> object:
    return Query(alias=alias, min_length=1, max_length=64)
