"""The merchant API (../shared/spec/merchant-api.md): payment links, sending them, events, payments.

Every route here but the payer's `GET /v1/pay/{token}` takes the merchant's key (`deps.require_merchant_key`).
A payer's session id is not a key, so a payer can never read another payer's payments or events.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query
from fastapi.responses import FileResponse, Response

from paybot_core import (
    DEFAULT_LIFETIME_SECONDS,
    DEFAULT_PAGE,
    MAX_PAGE,
    CardEntry,
    Channel,
    EventQuery,
    LinkNotFoundError,
    MessengerError,
    PaymentEntry,
    PaymentQuery,
    Presets,
    Reply,
    Services,
    SessionClosedError,
)

from . import deps
from .errors import ApiError, error_doc
from .frontend import STATIC_DIR
from .ratelimit import RateLimits
from .render import chat_body, json_bytes
from .schemas import (
    ChatResponse,
    CreateSessionRequest,
    EventList,
    EventOut,
    PaymentEntryOut,
    PaymentList,
    SendLinkRequest,
    SentLink,
)
from .turns import TurnRunner

_MERCHANT = [Depends(deps.require_merchant_key)]
_ERRORS: dict[int | str, dict[str, Any]] = {code: error_doc() for code in (400, 401, 404, 409, 429, 503)}
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Cursor = Annotated[str | None, Query(alias="startingAfter", max_length=64, pattern=r"^[A-Za-z0-9_]+$")]
_SESSION_ID = Path(title="Session id", max_length=64, examples=["ses_4vX9qT2mLp8RzK1c"])
_PAYMENT_ID = Path(title="Payment id", max_length=255, examples=["pi_3Qx7sandbox"])
_TOKEN = Path(title="Payment link token", max_length=64, examples=["k3JbX9qT2mLp8RzK1cWvQ7aD"])


def presets_from(body: CreateSessionRequest, services: Services) -> tuple[Presets, Channel, int]:
    """The session a merchant asked for; refuses what this server does not allow."""
    settings = services.settings
    card_entry = CardEntry(body.card_entry) if body.card_entry else settings.default_card_entry
    if card_entry is CardEntry.TYPED and not settings.allow_typed_card_entry:
        raise ApiError(
            400, "invalid_request", "Typed card entry is disabled on this server; use the secure form."
        )
    if body.amount is not None and body.amount > settings.max_amount:
        raise ApiError(400, "invalid_request", f"amount must be at most {settings.max_amount} (minor units).")
    presets = Presets(
        amount=body.amount,
        currency=body.currency or settings.currency,
        reference=body.reference,
        description=body.description,
        customer_name=body.customer_name,
        card_entry=card_entry,
        metadata=tuple(sorted((body.metadata or {}).items())),
        receipt_email=body.receipt_email,
        locale=body.locale,
        partial_minimum=body.partial.minimum if body.partial else None,
    )
    channel = Channel(body.channel) if body.channel else Channel.WEB
    return presets, channel, body.expires_in_seconds or DEFAULT_LIFETIME_SECONDS


def created_body(reply: Reply, services: Services) -> dict[str, Any]:
    """POST /v1/sessions' answer (CreatedSession): the greeting, the payment link and when it stops
    working."""
    state = reply.state
    return {
        **chat_body(reply, services.settings),
        "url": services.merchant.url(state),
        "expiresAt": int(state.link.expires_at) if state.link else None,
    }


def _payment_out(entry: PaymentEntry) -> PaymentEntryOut:
    return PaymentEntryOut.model_validate(
        {
            **entry.view,
            "failure_code": entry.view.get("failureCode"),
            "created_at": entry.created_at,
            "session_id": entry.session_id,
        }
    )


def install_merchant_routes(app: FastAPI, services: Services, limits: RateLimits, runner: TurnRunner) -> None:
    merchant = services.merchant
    index = STATIC_DIR / "index.html"

    @app.get("/pay/{token}", include_in_schema=False)
    async def payment_page(token: str) -> FileResponse:
        # The chat page itself; it reads the token from its address and opens the session.
        return FileResponse(index, media_type="text/html", headers={"Cache-Control": "no-store"})

    def _open(token: str) -> Response:
        try:
            reply = merchant.open_link(token)
        except LinkNotFoundError:
            raise ApiError(404, "link_not_found", "This payment link does not exist.") from None
        return Response(json_bytes(chat_body(reply, services.settings)), media_type="application/json")

    @app.get(
        "/v1/pay/{token}",
        response_model=ChatResponse,
        responses=_ERRORS,
        tags=["chat"],
        summary="The session behind a payment link (the payer's side)",
    )
    async def open_link(token: Annotated[str, _TOKEN]) -> Response:
        limits.check_session(token)
        return await runner.run(_open, token)

    @app.post(
        "/v1/sessions/{session_id}/send",
        response_model=SentLink,
        responses={**_ERRORS, 502: error_doc()},
        dependencies=_MERCHANT,
        tags=["merchant"],
    )
    def send_link(session_id: Annotated[str, _SESSION_ID], body: SendLinkRequest) -> SentLink:
        if (body.sms is None) == (body.email is None):
            raise ApiError(400, "invalid_request", "Give exactly one of sms or email.")
        try:
            sent = merchant.send_link(session_id, sms=body.sms, email=body.email)
        except SessionClosedError:
            raise ApiError(409, "session_closed", "The session has ended; its link cannot be sent.") from None
        except LinkNotFoundError:
            raise ApiError(409, "no_link", "This session was started by the payer and has no link.") from None
        except MessengerError as err:
            raise ApiError(502, "message_not_sent", str(err)) from None
        return SentLink(sent="sms" if sent.kind == "sms" else "email", message_id=sent.message_id)

    @app.get(
        "/v1/events", response_model=EventList, responses=_ERRORS, dependencies=_MERCHANT, tags=["merchant"]
    )
    def list_events(
        type_: Annotated[str | None, Query(alias="type", max_length=40)] = None,
        created_after: Annotated[int | None, Query(alias="createdAfter", ge=0)] = None,
        limit: Limit = DEFAULT_PAGE,
        starting_after: Cursor = None,
    ) -> EventList:
        page = merchant.events(EventQuery(type_, created_after, limit, starting_after))
        return EventList(data=[EventOut(**e.to_json()) for e in page.data], has_more=page.has_more)

    @app.get(
        "/v1/payments",
        response_model=PaymentList,
        responses=_ERRORS,
        dependencies=_MERCHANT,
        tags=["merchant"],
    )
    def list_payments(
        reference: Annotated[str | None, Query(max_length=64)] = None,
        status: Annotated[str | None, Query(max_length=20)] = None,
        created_after: Annotated[int | None, Query(alias="createdAfter", ge=0)] = None,
        created_before: Annotated[int | None, Query(alias="createdBefore", ge=0)] = None,
        limit: Limit = DEFAULT_PAGE,
        starting_after: Cursor = None,
    ) -> PaymentList:
        query = PaymentQuery(reference, status, created_after, created_before, limit, starting_after)
        page = merchant.payments(query)
        return PaymentList(data=[_payment_out(p) for p in page.data], has_more=page.has_more)

    @app.get(
        "/v1/payments/{payment_id}",
        response_model=PaymentEntryOut,
        responses=_ERRORS,
        dependencies=_MERCHANT,
        tags=["merchant"],
    )
    def get_payment(payment_id: Annotated[str, _PAYMENT_ID]) -> PaymentEntryOut:
        entry = merchant.payment(payment_id)
        if entry is None:
            raise ApiError(404, "payment_not_found", "No payment with that id.")
        return _payment_out(entry)
