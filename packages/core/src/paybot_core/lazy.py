"""Made on first use: the one idiom for what a cold start must not pay for until it is needed.

A Lambda container answers its first request only after its init, so everything `build()`
makes up front delays that answer: importing the Stripe SDK, creating a boto3 client (each
loads its service model), fetching a secret. `Lazy(factory)` runs `factory` on the first
`get()`, once, even with threads racing, and keeps the result for the container's life; the
factory imports what it needs, so the import is deferred with the work. The wrappers below give
the ports and SDK clients the same shape lazily, so the code using them does not change.

The warm path pays one attribute read and a flag test per use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    from .conversation.state import CardSummary, PaymentRecord
    from .conversation.understanding import UnderstandingContext, Understood
    from .ports import CardDetails, LanguageModel, PaymentGateway, PaymentRequest

T = TypeVar("T")
C = TypeVar("C")


class Lazy(Generic[T]):
    """`factory()` on the first `get()`, once; the same value on every later call.

    A factory that raises is tried again on the next `get()` (a secret that could not be read
    now may be readable on the next request).
    """

    __slots__ = ("_factory", "_lock", "_made", "_value")

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._made = False
        self._value: T | None = None

    @property
    def made(self) -> bool:
        return self._made

    def get(self) -> T:
        if not self._made:
            with self._lock:
                if not self._made:
                    self._value = self._factory()
                    self._made = True
        return self._value  # type: ignore[return-value]

    def forget(self) -> None:
        """Drop the value: the next `get()` makes it again (a SnapStart copy re-reads what init read)."""
        with self._lock:
            self._made = False
            self._value = None


class LazyClient:
    """An SDK client (boto3's are untyped) created on its first method call."""

    __slots__ = ("_client",)

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._client = Lazy(factory)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client.get(), name)


def lazy_client(factory: Callable[[], C]) -> C:
    """`factory()`'s SDK client, created on its first method call, typed as the client itself."""
    return cast(C, LazyClient(factory))


class LazyGateway:
    """A `PaymentGateway` built on its first call (the Stripe SDK and its key are not needed
    until a card is tokenized or a payment confirmed)."""

    def __init__(self, factory: Callable[[], PaymentGateway]) -> None:
        self._gateway = Lazy(factory)

    @property
    def built(self) -> bool:
        return self._gateway.made

    def create_payment_method(self, card: CardDetails, *, idempotency_key: str) -> tuple[str, CardSummary]:
        return self._gateway.get().create_payment_method(card, idempotency_key=idempotency_key)

    def describe_payment_method(self, payment_method_id: str) -> CardSummary:
        return self._gateway.get().describe_payment_method(payment_method_id)

    def confirm_payment(self, request: PaymentRequest) -> PaymentRecord:
        return self._gateway.get().confirm_payment(request)

    def retrieve_payment(self, payment_intent_id: str) -> PaymentRecord:
        return self._gateway.get().retrieve_payment(payment_intent_id)

    def cancel_payment(self, payment_intent_id: str) -> PaymentRecord:
        return self._gateway.get().cancel_payment(payment_intent_id)


class LazyLanguageModel:
    """A `LanguageModel` built when the model is first asked (Bedrock's client, on the web)."""

    def __init__(self, factory: Callable[[], LanguageModel]) -> None:
        self._model = Lazy(factory)

    @property
    def built(self) -> bool:
        return self._model.made

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        return self._model.get().understand(text, context)

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        return self._model.get().phrase(draft, facts)
