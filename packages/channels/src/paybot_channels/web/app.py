"""The web chat API (FastAPI). Handlers stay thin: parse, call the service, render."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig

from paybot_core import (
    CardDetails,
    CardValidationError,
    Channel,
    GatewayError,
    NextActionDone,
    Presets,
    SandboxGateway,
    SandboxIntent,
    Say,
    Services,
    SessionNotFoundError,
    Turn,
    UsePaymentMethod,
    WebhookDispatcher,
)

from . import deps
from .api_docs import mount_api_docs
from .edge import ViewerAddress
from .errors import ApiError, error_doc, error_response, install_error_handlers
from .frontend import mount_frontend
from .limits import BodySizeLimit
from .merchant import created_body, install_merchant_routes, presets_from
from .ratelimit import ClientRateLimit, RateLimits
from .render import chat_body, json_bytes
from .request_log import RequestLog, note_session
from .schemas import (
    ChatRequest,
    ChatResponse,
    CreatedSession,
    CreateSessionRequest,
    SandboxAuthenticateRequest,
    SandboxCardRequest,
    SandboxIntentList,
    SandboxIntentOut,
    SandboxPaymentMethod,
    is_session_id,
)
from .turns import TurnRunner
from .webhooks import install_webhook_routes

log = logging.getLogger("paybot.web")
SWEEP_INTERVAL_SECONDS = 60.0
# What each error status means, for the OpenAPI schema; each operation lists the ones it can answer.
_ERROR_MEANINGS = {
    400: "The request is malformed or breaks a rule (`invalid_request`, `invalid_json`); nothing changed.",
    401: "The server has merchant API keys and the bearer key is missing or wrong (`unauthorized`).",
    402: "The card was refused (`incorrect_number`, `invalid_expiry_year`, `invalid_cvc`, ...), as Stripe.",
    404: "No payment session with that id: it never existed or was purged (`session_not_found`).",
    409: "Other requests on this session kept saving first (`conflict`); retry after `Retry-After`.",
    413: "The body is over 16 KiB (`payload_too_large`).",
    429: "Too many requests from this client or on this session (`rate_limited`); see `Retry-After`.",
    500: "An unexpected error or a misconfigured server (`internal_error`); a retry never charges twice.",
    503: "The session store cannot be reached before any charge (`store_unavailable`; nothing was charged), "
    "or after a charge was sent (`payment_unconfirmed`: it may have gone through; repeating the "
    "confirmation is safe and tells which); retry after `Retry-After`.",
}


def _errors(*codes: int, **meanings: str) -> dict[int | str, dict[str, Any]]:
    """The error answers of one operation; `meanings` (as ``e404="..."``) says more for this one."""
    return {code: error_doc(meanings.get(f"e{code}", _ERROR_MEANINGS[code])) for code in codes}


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
    services: Services,
    *,
    sweep_expired: bool = True,
    rate_limits: RateLimits | None = None,
    webhooks: WebhookDispatcher | None = None,
) -> FastAPI:
    """The ASGI app around already-built services (one composition root: `paybot_core.bootstrap`).

    `rate_limits` defaults to buckets sized by the settings; tests hand in ones on their own clock.
    `webhooks`, when given, runs on its own thread for the app's lifetime (`paybot serve`), apart
    from the event loop and the turn threads, so a slow endpoint never touches a payer's turn.
    """

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_sweep_forever(services)) if sweep_expired else None
        halt = webhooks.start(services.settings.webhook_poll_seconds) if webhooks is not None else None
        yield
        if task is not None:
            task.cancel()
        if halt is not None:
            await asyncio.to_thread(halt)

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
    _merchant_key_optional_in_schema(app)
    runner = TurnRunner(settings.turn_threads())
    _add_routes(app, services, limits, runner)
    install_merchant_routes(app, services, limits, runner)
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
    if services.edge_secret is not None:  # before everything: they all see the viewer's address
        app.add_middleware(ViewerAddress, edge_secret=services.edge_secret)
    return app


def _merchant_key_optional_in_schema(app: FastAPI) -> None:
    """The merchant key is needed only when the server has keys: the schema offers no security
    (``{}``) beside the bearer key, as OpenAPI spells "optional"."""
    build = app.openapi
    required: list[dict[str, list[str]]] = [{deps.merchant_bearer.scheme_name: []}]

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    if operation.get("security") == required:
                        operation["security"] = [{}, *required]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _sweep_forever(services: Services) -> None:
    """Expire idle sessions so their sealed card data is wiped even if nobody comes back, and prune
    the merchant events past their retention (PAYBOT_EVENT_RETENTION_SECONDS)."""
    while True:
        try:
            await asyncio.to_thread(services.conversations.sweep_expired)
        except Exception:  # the sweeper must outlive a store hiccup
            log.exception("expiry sweep failed")
        try:
            await asyncio.to_thread(_prune_events, services)
        except Exception:
            log.exception("event pruning failed")
        await asyncio.sleep(SWEEP_INTERVAL_SECONDS)


def _prune_events(services: Services) -> None:
    pruned = services.merchant.prune_events(services.clock(), services.settings.event_retention_seconds)
    if pruned:
        log.info(
            "pruned %d delivered events older than %d s", pruned, services.settings.event_retention_seconds
        )


class ChatJSON(Response):
    """A ChatResponse body serialised once, which remembers its session for the request log."""

    media_type = "application/json"

    def __init__(self, body: dict[str, Any], status_code: int = 200) -> None:
        super().__init__(json_bytes(body), status_code=status_code)
        self.session_id: str = body["sessionId"]


def as_json(body: dict[str, Any], status_code: int = 200) -> ChatJSON:
    """Serialise once (render.py). The routes keep `response_model` for the OpenAPI schema, but
    returning a Response skips FastAPI validating and serialising the body again."""
    return ChatJSON(body, status_code)


def _noted(response: ChatJSON) -> ChatJSON:
    note_session(response.session_id)
    return response


def _add_routes(app: FastAPI, services: Services, limits: RateLimits, runner: TurnRunner) -> None:
    """The chat routes. They are `async`: checks run on the event loop and the service call goes
    through the turn runner (see turns.py); the services and limits come from the closure, not
    per-request dependencies, because resolving dependencies is a measurable share of a turn."""

    @app.get("/healthz", tags=["ops"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        """`{"status": "ok"}` while the process serves; it checks no dependency."""
        return {"status": "ok"}

    @app.post(
        "/v1/sessions",
        status_code=201,
        response_model=CreatedSession,
        response_model_by_alias=True,
        responses=_errors(400, 401, 413, 429, 500, 503),
        dependencies=[Depends(deps.require_merchant_key)],
        tags=["chat"],
        summary="Start a payment session",
        response_description="The new session, with the bot's greeting in `response`.",
    )
    async def create_session(body: CreateSessionRequest | None = None) -> Response:
        """Start a conversation, optionally with the merchant's presets: an amount the payer cannot
        change, an invoice reference, a description, the payer's name, and `cardEntry` (`secure`, the
        card form, or `typed`, when the server allows it). Every key is optional; `{}` or no body
        starts a session on the server's defaults. The merchant's keys (`receiptEmail`, `metadata`,
        `expiresInSeconds`, `channel`) are in merchant-api.md; the answer adds the payment link
        (`url`) and when it stops working (`expiresAt`).

        When the server has merchant API keys (`PAYBOT_MERCHANT_API_KEYS`) this needs
        `Authorization: Bearer <key>`; without keys (local use) it is open.
        """
        presets, channel, link_seconds = presets_from(body or CreateSessionRequest(), services)
        return _noted(await runner.run(_started, services, presets, channel, link_seconds))

    async def chat(body: ChatRequest) -> Response:
        """One turn of the conversation: the payer's `message`, a `paymentMethod` (`pm_...`) made by the
        secure card form, or `nextActionCompleted` after 3-D Secure (the server then reads the outcome
        from the gateway, never from the browser). Without `sessionId`, a session starts on the
        server's defaults. Card numbers typed into `message` of a secure-form session are refused and
        never stored or echoed.
        """
        if not body.has_input():
            raise ApiError(
                400, "invalid_request", "message must be 1 to 2000 characters (or send a paymentMethod)."
            )
        if body.session_id is not None:
            if not is_session_id(body.session_id):
                raise SessionNotFoundError("malformed session id")  # never echoed, logged or looked up
            limits.check_session(body.session_id)
        note_session(body.session_id)
        return _noted(await runner.run(_turn, services, body.session_id, _turns(body)))

    def chat_route(path: str, summary: str, deprecated: bool | None = None) -> None:
        """`chat` at `path`: the original API's `/chat` is the same operation as `/v1/chat`, documented
        alike, so the two cannot drift apart."""
        app.post(
            path,
            response_model=ChatResponse,
            response_model_by_alias=True,
            responses=_errors(400, 404, 409, 413, 429, 500, 503),
            tags=["chat"],
            deprecated=deprecated,
            summary=summary,
            response_description="The bot's answer and where the session stands.",
        )(chat)

    chat_route("/v1/chat", "Send a turn")
    chat_route("/chat", "Alias of POST /v1/chat for clients of the original API", deprecated=True)

    @app.get(
        "/v1/sessions/{session_id}",
        response_model=ChatResponse,
        response_model_by_alias=True,
        responses=_errors(404, 409, 429, 500, 503),
        tags=["chat"],
        summary="Read a session",
        response_description="Where the session stands, with the bot's last question in `response`.",
    )
    async def get_session(session_id: Annotated[str, _SESSION_ID]) -> Response:
        """The session as it stands, as a turn would answer it, without taking input (a reloaded page
        resumes with it). Reading lets time act: an idle session past its TTL answers `expired`."""
        if not is_session_id(session_id):
            raise SessionNotFoundError("malformed session id")
        limits.check_session(session_id)
        note_session(session_id)
        return _noted(await runner.run(_current, services, session_id))


# The blocking halves of the chat routes, run by the turn runner: store, gateway and model calls,
# and rendering the reply.


def _started(services: Services, presets: Presets, channel: Channel, link_seconds: int) -> ChatJSON:
    return as_json(created_body(services.merchant.create(presets, channel, link_seconds), services), 201)


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
    return as_json(chat_body(conversations.handle(session_id, turn), services.settings))


def _current(services: Services, session_id: str) -> ChatJSON:
    return as_json(chat_body(services.conversations.get(session_id), services.settings))


def _add_sandbox_routes(app: FastAPI) -> None:
    @app.post(
        "/v1/sandbox/payment_methods",
        status_code=201,
        response_model=SandboxPaymentMethod,
        response_model_by_alias=True,
        responses=_errors(
            400, 402, 404, 413, 429, 500, e404="The server runs a real gateway: the sandbox has no endpoints."
        ),
        tags=["sandbox"],
        summary="Make a payment method (sandbox card form)",
        response_description="The payment method's id and its masked card.",
    )
    def sandbox_payment_method(
        body: SandboxCardRequest, gateway: SandboxDep
    ) -> SandboxPaymentMethod | JSONResponse:
        """The sandbox's stand-in for Stripe.js `createPaymentMethod`: the secure form sends the card
        here, never to `/v1/chat`, and passes the `pm_...` id on. Stripe's test cards behave as in
        Stripe's test mode. Only with the sandbox gateway."""
        number = "".join(ch for ch in body.number if ch not in " -")
        if not (number.isascii() and number.isdigit()):  # as Stripe: a 402, not a crash in the Luhn check
            return error_response(402, "incorrect_number", "Your card number is incorrect.")
        year = body.exp_year + 2000 if 0 <= body.exp_year < 100 else body.exp_year
        card = CardDetails(number, body.exp_month, year, body.cvc)
        try:
            pm_id, summary = gateway.create_payment_method(card)
        except CardValidationError as err:
            return error_response(402, err.code, str(err))
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
        responses=_errors(
            400, 404, 429, 500, e404="The server runs a real gateway: the sandbox has no endpoints."
        ),
        tags=["sandbox"],
        summary="List a session's charges (sandbox)",
        response_description="The session's payment intents, oldest first, like Stripe's list API.",
    )
    def sandbox_payment_intents(
        session_id: Annotated[str, _query_alias("sessionId")], gateway: SandboxDep
    ) -> SandboxIntentList:
        """What the sandbox gateway charged for one session: to check that a conversation charged
        once, or not at all. Only with the sandbox gateway."""
        return SandboxIntentList(data=[_intent_out(i) for i in gateway.list_intents(session_id)])

    @app.post(
        "/v1/sandbox/payment_intents/{intent_id}/authenticate",
        response_model=SandboxIntentOut,
        response_model_by_alias=True,
        responses=_errors(
            400, 404, 413, 429, 500, e404="No such payment intent, or the server runs a real gateway."
        ),
        tags=["sandbox"],
        summary="Pass or fail 3-D Secure (sandbox bank page)",
        response_description="The payment intent after the bank's answer.",
    )
    def sandbox_authenticate(
        intent_id: Annotated[str, Path(title="Payment intent id", examples=["pi_3Qx7sandbox"])],
        body: SandboxAuthenticateRequest,
        gateway: SandboxDep,
    ) -> SandboxIntentOut:
        """The sandbox's stand-in for the bank's 3-D Secure page: `approve` lets the payment through,
        `fail` refuses it. The page then sends `nextActionCompleted` to `/v1/chat`. Only with the
        sandbox gateway."""
        try:
            gateway.authenticate(intent_id, approve=body.outcome == "approve")
        except GatewayError:
            raise ApiError(404, "not_found", "No such payment intent.") from None
        intent = gateway.intent(intent_id)
        if intent is None:
            raise ApiError(404, "not_found", "No such payment intent.")
        return _intent_out(intent)


def _intent_out(intent: SandboxIntent) -> SandboxIntentOut:
    return SandboxIntentOut(
        id=intent.id,
        status=intent.status,
        amount=intent.amount,
        currency=intent.currency,
        last4=intent.last4,
        failure_code=intent.failure_code,
    )


def _query_alias(alias: str) -> object:
    return Query(
        alias=alias, min_length=1, max_length=64, title="Session id", examples=["ses_vXqTmLpRzKcbWhNdGyFa"]
    )


_SESSION_ID = Path(
    title="Session id",
    description="As `POST /v1/sessions` answered it.",
    examples=["ses_vXqTmLpRzKcbWhNdGyFa"],
)
