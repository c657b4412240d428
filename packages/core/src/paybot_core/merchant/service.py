"""The merchant's operations: payment links, sending them, and reading events and payments back."""

from __future__ import annotations

from dataclasses import dataclass

from ..conversation.state import Channel, Presets, SessionState
from ..conversation.turns import ContinueOnWeb
from ..errors import LinkNotFoundError, SessionClosedError, StaysOnPhoneError
from ..ports import MerchantRecords, Messenger, OutgoingMessage
from ..replies import render_parts
from ..services import ConversationService, Reply
from .events import MerchantEvent
from .links import DEFAULT_LIFETIME_SECONDS, link_url, looks_like_token
from .messages import link_message
from .records import EventQuery, Page, PaymentEntry, PaymentQuery


@dataclass(frozen=True)
class SentMessage:
    kind: str
    to: str
    message_id: str


class MerchantService:
    def __init__(
        self,
        conversations: ConversationService,
        records: MerchantRecords,
        messenger: Messenger,
        *,
        public_url: str,
        merchant_name: str,
    ) -> None:
        self.conversations = conversations
        self.records = records
        self.messenger = messenger
        self.public_url = public_url
        self.merchant_name = merchant_name

    def create(
        self, presets: Presets, channel: Channel = Channel.WEB, link_seconds: int = DEFAULT_LIFETIME_SECONDS
    ) -> Reply:
        return self.conversations.start(presets, channel, link_seconds=link_seconds)

    def url(self, state: SessionState) -> str | None:
        return link_url(self.public_url, state.link.token) if state.link else None

    def open_link(self, token: str) -> Reply:
        """The session behind a link as it stands; a conversation not yet begun opens with the
        greeting that names the amount, reference and description."""
        session_id = self.records.session_id_for_link(token) if looks_like_token(token) else None
        if session_id is None:
            raise LinkNotFoundError()
        reply = self.conversations.get(session_id)
        state = reply.state
        if state.turns == 0 and not state.status.terminal:
            said, question = render_parts(state, (), opening=True)
            return Reply(said, question, state)
        return reply

    def send_link(self, session_id: str, *, sms: str | None = None, email: str | None = None) -> SentMessage:
        """Send the session's link by SMS or email, in the session's language."""
        state = self.conversations.get(session_id).state
        if state.status.terminal:
            raise SessionClosedError()
        url = self.url(state)
        if url is None:  # sessions a payer started with a first message have no link to send
            raise LinkNotFoundError()
        message = link_message(state, url, self.merchant_name, sms=sms, email=email)
        return SentMessage(message.kind, message.to, self.messenger.send(message))

    def continue_on_web(self, session_id: str, sms: str) -> SentMessage:
        """The phone caller's key for a link: the session becomes a web one (`ContinueOnWeb`), then its
        link goes by SMS to `sms`, in the session's language. Saved before it is sent, so the link
        works once the text arrives; a failed send raises MessengerError (the caller hears so). When
        the engine keeps the session on the phone (its account is still to come: the link would open
        a session the web cannot finish), nothing is sent and StaysOnPhoneError carries its reply."""
        reply = self.conversations.handle(session_id, ContinueOnWeb())
        state = reply.state
        if state.status.terminal:
            raise SessionClosedError()
        if state.channel is not Channel.WEB:
            raise StaysOnPhoneError(reply.said)
        url = self.url(state)
        if url is None:
            raise LinkNotFoundError()
        message = link_message(state, url, self.merchant_name, sms=sms)
        return SentMessage(message.kind, message.to, self.messenger.send(message))

    def send(self, message: OutgoingMessage) -> str:
        return self.messenger.send(message)

    def events(self, query: EventQuery) -> Page[MerchantEvent]:
        return self.records.list_events(query)

    def payments(self, query: PaymentQuery) -> Page[PaymentEntry]:
        return self.records.list_payments(query)

    def payment(self, payment_id: str) -> PaymentEntry | None:
        return self.records.get_payment(payment_id)

    def prune_events(self, now: float, retention_seconds: float) -> int:
        """Forget delivered events older than the retention, where the store keeps them itself
        (SQLite; DynamoDB's TTL does it there, memory lives as long as the process). How many went."""
        prune = getattr(self.records, "prune_events", None)
        if prune is None:
            return 0
        pruned = 0
        while (batch := int(prune(now - retention_seconds))) > 0:
            pruned += batch
        return pruned
