"""Receipts: an email to the payer in the session's language, after `payment.succeeded` when the
merchant gave the address (`receiptEmail`), or after `receipt.requested` when the payer typed one in
the conversation (the bot offers a receipt after the payment when no address is known).

The receipt sender is one more consumer of the outbox (under the name `paybot:receipts`), so a
receipt gets what a webhook gets: it is sent after the payment was saved, retried with backoff when
the provider fails, and it never touches the payment or the payer's turn. When it went out, a
`receipt.sent` event follows the session's other events.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ..errors import MessengerError
from ..ports import MerchantRecords, Messenger, SessionStore
from .dispatch import DeliveryError
from .events import EventType, MerchantEvent, event
from .messages import receipt_message

log = logging.getLogger("paybot.receipts")

RECEIPTS = "paybot:receipts"


class ReceiptSender:
    # A receipt follows a payment, or the payer's request for one; every other event passes it by.
    event_types = frozenset({EventType.PAYMENT_SUCCEEDED, EventType.RECEIPT_REQUESTED})

    def __init__(
        self,
        store: SessionStore,
        records: MerchantRecords,
        messenger: Messenger,
        merchant_name: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.records = records
        self.messenger = messenger
        self.merchant_name = merchant_name
        self.clock = clock

    def send(self, endpoint: str, happened: MerchantEvent) -> None:
        if happened.type not in self.event_types:
            return
        state = self.store.load(happened.session_id)
        if state is None or state.payment is None or state.payment.status != "succeeded":
            return
        if happened.type is EventType.PAYMENT_SUCCEEDED:
            email, paid_at = state.presets.receipt_email, float(happened.created)
            payment = happened.data.get("payment")
        else:
            email = state.receipt_email
            entry = self.records.get_payment(state.payment.id)
            paid_at = float(entry.created_at) if entry is not None else float(happened.created)
            payment = entry.view if entry is not None else None
        if email is None:
            return  # no address to send to (the payer is still asked, or said no)
        message = receipt_message(state, email, self.merchant_name, paid_at)
        try:
            message_id = self.messenger.send(message)
        except MessengerError as err:
            raise DeliveryError(str(err)) from None
        sent = event(
            EventType.RECEIPT_SENT,
            state,
            self.clock(),
            payment=payment,
            receipt={"channel": "email", "messageId": message_id},
        )
        self.records.append_events([sent])
        log.info("receipt for %s sent (%s)", state.payment.id, message_id)
