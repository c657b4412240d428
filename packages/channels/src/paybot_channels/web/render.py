"""From the core's Reply to the API's ChatResponse."""

from __future__ import annotations

from paybot_core import Field, ReceiptOffer, Reply, SessionState, Settings, Status

from .schemas import CardEntryOut, CardOut, ChatResponse, Collected, NextActionOut, PaymentOut


def chat_response(reply: Reply, settings: Settings) -> ChatResponse:
    state = reply.state
    return ChatResponse(
        session_id=state.session_id,
        response=reply.text,
        status=state.status.value,
        # A terminal session asks for no field (chat-api.md); the receipt's question has its own key.
        current_field=state.current_field.value
        if state.current_field and not state.status.terminal
        else None,
        collected=_collected(state),
        payment=_payment(state),
        card_entry=_card_entry(state, settings),
        next_action=_next_action(state),
        locale=state.locale,
        receipt=state.receipt.value if state.receipt is not ReceiptOffer.NONE else None,
    )


def _collected(state: SessionState) -> Collected:
    card = None
    if state.card is not None and state.card.last4:
        card = CardOut(
            brand=state.card.brand,
            last4=state.card.last4,
            exp_month=state.card.exp_month,
            exp_year=state.card.exp_year,
        )
    return Collected(
        name=state.name,
        amount=state.amount,
        currency=state.currency,
        reference=state.presets.reference,
        card=card,
    )


def _payment(state: SessionState) -> PaymentOut | None:
    p = state.payment
    if p is None:
        return None
    return PaymentOut(
        id=p.id,
        status=p.status,
        amount=p.amount,
        currency=p.currency,
        brand=p.brand,
        last4=p.last4,
        failure_code=p.failure_code,
        failure_message=p.failure_message,
    )


def _card_entry(state: SessionState, settings: Settings) -> CardEntryOut | None:
    if state.current_field is not Field.PAYMENT_METHOD:
        return None
    if settings.payment_gateway == "stripe":
        return CardEntryOut(mode="stripe", publishable_key=settings.stripe_publishable_key)
    return CardEntryOut(mode="sandbox")


def _next_action(state: SessionState) -> NextActionOut | None:
    if state.status is Status.REQUIRES_ACTION and state.payment and state.payment.client_secret:
        return NextActionOut(client_secret=state.payment.client_secret)
    return None
