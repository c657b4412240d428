"""`POST /v1/webhooks/stripe`: Stripe's word on payments, verified, de-duplicated, applied to the session.

The signature is checked on the raw body exactly as received (Mangum hands over API Gateway's base64
bodies decoded), before anything is parsed. Each event id is handled once (a redelivery is acknowledged
and skipped); `payment_intent.succeeded` / `payment_intent.payment_failed` bring the session named in
the intent's metadata up to date. A failure to apply answers 503 and forgets the claim, so Stripe's
retry is handled.
"""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from paybot_core import (
    PAYMENT_EVENTS,
    GatewayError,
    Services,
    SessionNotFoundError,
    StoreUnavailableError,
    TooManyConflictsError,
    WebhookEvent,
    WebhookSignatureError,
    parse_webhook_event,
)

from . import deps
from .errors import error_doc, error_response

log = logging.getLogger("paybot.webhooks")


def install_webhook_routes(app: FastAPI) -> None:
    @app.post(
        "/v1/webhooks/stripe",
        tags=["webhooks"],
        responses={code: error_doc() for code in (400, 404, 503)},
        summary="Stripe events, signature verified against the raw body",
    )
    async def stripe_webhook(request: Request) -> JSONResponse:
        services = deps.services_of(request)
        payload = await request.body()
        if services.webhook_secret is None:
            return error_response(404, "not_found", "Stripe webhooks are not configured on this server.")
        secret = await run_in_threadpool(services.webhook_secret)
        try:
            event = parse_webhook_event(payload, request.headers.get("stripe-signature"), secret)
        except WebhookSignatureError as err:
            log.warning("stripe webhook refused: %s", err)
            return error_response(400, "invalid_signature", str(err))
        events = services.webhook_events
        if not await run_in_threadpool(events.claim, event.id, time.time()):
            return JSONResponse({"received": True, "duplicate": True})
        try:
            applied = await run_in_threadpool(_apply, services, event)
        except (GatewayError, StoreUnavailableError, TooManyConflictsError) as err:
            await run_in_threadpool(events.release, event.id)
            log.warning(
                "stripe webhook %s not applied yet (%s); Stripe will retry", event.id, type(err).__name__
            )
            return error_response(
                503, "retry_later", "The event could not be applied now; please retry.", {"Retry-After": "30"}
            )
        return JSONResponse({"received": True, **applied})


def _apply(services: Services, event: WebhookEvent) -> dict[str, str | None]:
    if event.type not in PAYMENT_EVENTS or not event.session_id or not event.payment_intent_id:
        return {"applied": None}
    try:
        reply = services.conversations.reconcile_payment(event.session_id, event.payment_intent_id)
    except SessionNotFoundError:
        return {"applied": None}  # not ours, or purged: acknowledge so Stripe stops sending it
    return {"applied": event.type, "status": reply.state.status.value}
