"""What the merchant reads back: pages of events and payments, with Stripe's cursor pagination.

A list is newest first; `starting_after` is the id of the last item of the previous page, and
`has_more` says whether another page follows. The stores answer these queries (see ports.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .events import MerchantEvent

T = TypeVar("T")

MAX_PAGE = 100
DEFAULT_PAGE = 10


@dataclass(frozen=True)
class Page(Generic[T]):
    data: list[T]
    has_more: bool


@dataclass(frozen=True)
class EventQuery:
    type: str | None = None
    created_after: int | None = None
    limit: int = DEFAULT_PAGE
    starting_after: str | None = None


@dataclass(frozen=True)
class PaymentQuery:
    reference: str | None = None
    status: str | None = None
    created_after: int | None = None
    created_before: int | None = None
    limit: int = DEFAULT_PAGE
    starting_after: str | None = None


@dataclass(frozen=True)
class PaymentEntry:
    """One payment attempt as the payments list keeps it: the event's payment, with its session's
    reference and metadata so a merchant can reconcile without a second call."""

    id: str
    session_id: str
    status: str
    reference: str | None
    created_at: int
    view: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return self.view


def payment_entries(events: tuple[MerchantEvent, ...] | list[MerchantEvent]) -> list[PaymentEntry]:
    """The payments a batch of events records (the payment events' payments, latest word wins)."""
    entries: dict[str, PaymentEntry] = {}
    for event in events:
        payment = event.data.get("payment")
        if not event.type.value.startswith("payment.") or not payment:
            continue
        session = event.data["session"]
        view = {
            **payment,
            "sessionId": event.session_id,
            "reference": session.get("reference"),
            "description": session.get("description"),
            "metadata": session.get("metadata", {}),
        }
        entries[payment["id"]] = PaymentEntry(
            payment["id"], event.session_id, payment["status"], session.get("reference"),
            int(payment["createdAt"]), view,
        )  # fmt: skip
    return list(entries.values())


def matches_payment(entry: PaymentEntry, query: PaymentQuery) -> bool:
    return (
        (query.reference is None or entry.reference == query.reference)
        and (query.status is None or entry.status == query.status)
        and (query.created_after is None or entry.created_at > query.created_after)
        and (query.created_before is None or entry.created_at < query.created_before)
    )


def matches_event(event: MerchantEvent, query: EventQuery) -> bool:
    return (query.type is None or event.type.value == query.type) and (
        query.created_after is None or event.created > query.created_after
    )


def page_after(items: list[T], key: str | None, id_of: Any, limit: int) -> Page[T]:
    """A page of `items` (already newest first) after the item whose id is `key`."""
    if key is not None:
        ids = [id_of(item) for item in items]
        items = items[ids.index(key) + 1 :] if key in ids else []
    return Page(items[:limit], len(items) > limit)
