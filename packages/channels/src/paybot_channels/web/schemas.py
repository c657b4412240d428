"""The chat API's request and response bodies (../shared/spec/chat-api.md), camelCase on the wire."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)

from paybot_core import (
    MAX_LIFETIME_SECONDS,
    MIN_LIFETIME_SECONDS,
    holds_card_data,
)

MAX_MESSAGE_CHARS = 2000

# Ids from clients have exactly the shapes paybot and Stripe issue: a session id is letters after
# its prefix (`is_session_id`); a payment method id is letters and digits in parts that each hold a
# letter ("pm_card_visa", "pm_1MqLiJLkdIwHu7ix"), so no "_"-separated digit groups or card numbers.
SessionId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
SESSION_ID = re.compile(r"ses_[A-Za-z]{1,60}")


def is_session_id(value: str) -> bool:
    """Whether `value` has a session id's shape; any other is answered as an unknown session (404)
    before it reaches the store, the rate limiter or a log."""
    return SESSION_ID.fullmatch(value) is not None


def _payment_method_shape(value: str) -> str:
    parts = value.split("_")[1:]
    if not all(re.search(r"[A-Za-z]", part) for part in parts) or holds_card_data(value):
        raise ValueError("paymentMethod must be a payment method id from the card form (pm_...)")
    return value


PaymentMethodId = Annotated[
    str,
    StringConstraints(max_length=64, pattern=r"^pm_[A-Za-z0-9]+(?:_[A-Za-z0-9]+){0,3}$"),
    AfterValidator(_payment_method_shape),
]


def no_card_data(value: str | None) -> str | None:
    """Merchant text (presets, metadata) that holds card data in any form is refused, never stored.

    The error names the key (pydantic's location) and never the value."""
    if value is not None and holds_card_data(value):
        raise ValueError("must not hold card data (a card number or security code)")
    return value


MerchantText = AfterValidator(no_card_data)


def _title(field_name: str, _: object) -> str:
    # From the field's name, not its camelCase alias (which would title "sessionId" as "Sessionid").
    return field_name.replace("_", " ").capitalize()


# An address whose local part is a card number ("4929854192326189@mail.test") is card data too: it
# would be kept with the session, written to the messenger and shown back.
EmailAddress = Annotated[
    str,
    StringConstraints(max_length=254, pattern=r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[A-Za-z]{2,}$"),
    MerchantText,
]
PhoneNumber = Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{6,14}$")]


class _Out(BaseModel):
    """A response model: its fields are titled from their names in the API documents."""

    model_config = ConfigDict(field_title_generator=_title)


class _Body(BaseModel):
    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, str_strip_whitespace=False, field_title_generator=_title
    )


CustomerName = Annotated[str, StringConstraints(min_length=2, max_length=100), MerchantText]


class PartialPayment(_Body):
    minimum: StrictInt = Field(
        gt=0, description="The least the payer may pay, in minor units; at most `amount`."
    )


class CreateSessionRequest(_Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"amount": 5000, "currency": "usd", "reference": "INV-1001"}, {}],
        }
    )

    amount: StrictInt | None = Field(
        None, gt=0, description="Preset amount in minor units; the payer cannot change it."
    )
    currency: Annotated[str, StringConstraints(pattern=r"^[a-z]{3}$")] | None = None
    reference: Annotated[str, StringConstraints(min_length=1, max_length=64), MerchantText] | None = None
    description: Annotated[str, StringConstraints(max_length=200), MerchantText] | None = None
    customer_name: Annotated[str, StringConstraints(min_length=2, max_length=100), MerchantText] | None = (
        Field(None, alias="customerName")
    )
    card_entry: Literal["secure", "typed"] | None = Field(None, alias="cardEntry")
    locale: Literal["en", "es"] | None = Field(
        None, description="The session's language; absent: PAYBOT_DEFAULT_LOCALE, switched by the payer's."
    )
    # The merchant's keys (merchant-api.md).
    receipt_email: EmailAddress | None = Field(None, alias="receiptEmail")
    metadata: dict[str, str] | None = Field(None, description="Up to 20 keys (<= 40 chars), values <= 500.")
    expires_in_seconds: StrictInt | None = Field(
        None, alias="expiresInSeconds", ge=MIN_LIFETIME_SECONDS, le=MAX_LIFETIME_SECONDS
    )
    channel: Literal["web", "voice"] | None = None
    partial: PartialPayment | None = Field(
        None,
        description="Lets the payer pay part of `amount`, at least `minimum`; absent: the amount is fixed.",
    )

    @model_validator(mode="after")
    def _partial_within_amount(self) -> CreateSessionRequest:
        if self.partial is not None and (self.amount is None or self.partial.minimum > self.amount):
            raise ValueError("partial.minimum needs an amount, and must be at most the amount")
        return self

    @field_validator("metadata")
    @classmethod
    def _metadata(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        if len(value) > 20:
            raise ValueError("at most 20 keys")
        for key, item in value.items():
            if not 1 <= len(key) <= 40 or len(item) > 500:
                raise ValueError("keys are 1 to 40 characters, values at most 500")
            if holds_card_data(key) or holds_card_data(item):  # the one card-data recogniser, encodings too
                raise ValueError("must not hold card data")
        return value

    @field_validator("customer_name")
    @classmethod
    def _valid_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        # Imported here, with the first preset name: the name rule lives in the understanding
        # pipeline, whose lexicons a web Lambda's cold start (and most sessions) never needs.
        from paybot_core import validate_name

        fact = validate_name(value)
        if fact.value is None:
            raise ValueError("customerName must be 2-100 letters, spaces, apostrophes, hyphens or periods")
        return fact.value


class ChatRequest(_Body):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"sessionId": "ses_vXqTmLpRzKcbWhNdGyFa", "message": "Jane Doe"},
                {"sessionId": "ses_vXqTmLpRzKcbWhNdGyFa", "paymentMethod": "pm_1Qx7sandbox"},
                {"sessionId": "ses_vXqTmLpRzKcbWhNdGyFa", "nextActionCompleted": True},
            ]
        }
    )

    session_id: SessionId | None = Field(None, alias="sessionId")
    message: str | None = Field(None, description="1 to 2000 characters after trimming.")
    payment_method: PaymentMethodId | None = Field(None, alias="paymentMethod")
    next_action_completed: StrictBool = Field(
        False,
        alias="nextActionCompleted",
        description="The payer finished 3-D Secure; the server re-reads the payment.",
    )

    @field_validator("message")
    @classmethod
    def _message_length(cls, value: str | None) -> str | None:
        if value is not None and len(value.strip()) > MAX_MESSAGE_CHARS:
            raise ValueError(f"message must be at most {MAX_MESSAGE_CHARS} characters")
        return value

    def has_input(self) -> bool:
        return (
            bool((self.message or "").strip())
            or self.payment_method is not None
            or self.next_action_completed
        )


class _OnlyKnown(BaseModel):
    """Serialises without the keys whose value is unknown (None): the spec's "keys absent otherwise"."""

    @model_serializer(mode="wrap")
    def _drop_unknown(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {key: value for key, value in data.items() if value is not None}


class CardOut(_OnlyKnown):
    brand: str
    last4: str
    exp_month: int | None = Field(None, serialization_alias="expMonth")
    exp_year: int | None = Field(None, serialization_alias="expYear")


class Collected(_OnlyKnown):
    name: str | None = None
    amount: int | None = None
    currency: str | None = None
    reference: str | None = None
    card: CardOut | None = None


class PaymentOut(_Out):
    id: str
    status: Literal["succeeded", "failed", "requires_action", "processing"]
    amount: int
    currency: str
    brand: str | None = None
    last4: str | None = None
    failure_code: str | None = Field(None, serialization_alias="failureCode")
    failure_message: str | None = Field(None, serialization_alias="failureMessage")


class CardEntryOut(_Out):
    mode: Literal["sandbox", "stripe"]
    publishable_key: str | None = Field(None, serialization_alias="publishableKey")


class NextActionOut(_Out):
    type: Literal["use_stripe_sdk"] = "use_stripe_sdk"
    client_secret: str = Field(serialization_alias="clientSecret")


Status = Literal[
    "collecting",
    "awaiting_payment_method",
    "confirming",
    "requires_action",
    "completed",
    "failed",
    "cancelled",
    "expired",
]
CurrentField = Literal["name", "amount", "card_number", "expiry", "cvv", "payment_method", "confirmation"]


class ChatResponse(_Out):
    session_id: str = Field(serialization_alias="sessionId")
    response: str
    status: Status
    current_field: CurrentField | None = Field(serialization_alias="currentField")
    collected: Collected
    payment: PaymentOut | None
    card_entry: CardEntryOut | None = Field(serialization_alias="cardEntry")
    next_action: NextActionOut | None = Field(serialization_alias="nextAction")
    locale: Literal["en", "es"]
    receipt: Literal["offered", "requested", "declined"] | None = Field(
        None,
        description="After a successful web payment with no receiptEmail: `offered` while the bot asks "
        "for an email address (the payer's next message answers), then `requested` or `declined`.",
    )


class CreatedSession(ChatResponse):
    """POST /v1/sessions: the greeting, plus the payment link and how long it works."""

    url: str | None = None
    expires_at: int | None = Field(None, serialization_alias="expiresAt")


class SendLinkRequest(_Body):
    sms: PhoneNumber | None = Field(None, description="E.164 number, e.g. +15555550100.")
    email: EmailAddress | None = None


class SentLink(_Out):
    sent: Literal["sms", "email"]
    message_id: str = Field(serialization_alias="messageId")


class EventOut(_Out):
    id: str
    type: str
    created: int
    data: dict[str, Any]


class EventList(_Out):
    data: list[EventOut]
    has_more: bool = Field(serialization_alias="hasMore")


class PaymentEntryOut(_Out):
    id: str
    status: str
    amount: int
    currency: str
    brand: str | None = None
    last4: str | None = None
    failure_code: str | None = Field(None, serialization_alias="failureCode")
    created_at: int = Field(serialization_alias="createdAt")
    session_id: str = Field(serialization_alias="sessionId")
    reference: str | None = None
    description: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)


class PaymentList(_Out):
    data: list[PaymentEntryOut]
    has_more: bool = Field(serialization_alias="hasMore")


class SandboxCardRequest(_Body):
    number: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    exp_month: StrictInt = Field(alias="expMonth")
    exp_year: StrictInt = Field(alias="expYear")
    cvc: Annotated[str, StringConstraints(min_length=1, max_length=8)]


class SandboxPaymentMethod(_Out):
    id: str
    brand: str
    last4: str
    exp_month: int = Field(serialization_alias="expMonth")
    exp_year: int = Field(serialization_alias="expYear")


class SandboxAuthenticateRequest(_Body):
    outcome: Literal["approve", "fail"]


class SandboxIntentOut(_Out):
    id: str
    status: str
    amount: int
    currency: str
    last4: str
    failure_code: str | None = Field(None, serialization_alias="failureCode")


class SandboxIntentList(BaseModel):
    data: list[SandboxIntentOut]


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail
