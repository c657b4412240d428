"""ConversationService: what reaches the store, the vault and the audit log across whole turns."""

from __future__ import annotations

import json
import re
import threading

from paybot_core.adapters.memory import MemoryAuditLog, MemorySessionStore
from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.bootstrap import Services, build
from paybot_core.conversation.state import (
    AccountDue,
    CardEntry,
    Channel,
    Field,
    Presets,
    Status,
    state_to_json,
)
from paybot_core.conversation.turns import KeyedAccount, Say, UsePaymentMethod
from paybot_core.errors import GatewayError
from paybot_core.pci.redact import find_card_numbers
from paybot_core.pci.vault import CardVault
from paybot_core.ports import CardDetails, PaymentRecord, PaymentRequest
from paybot_core.replies import Style
from paybot_core.settings import Settings

TYPED = Presets(amount=5000, card_entry=CardEntry.TYPED)


def raw_rows(services: Services) -> str:
    store = services.store
    assert isinstance(store, MemorySessionStore)
    return "".join(raw.decode() for raw in store.raw_all())


def test_typed_card_is_sealed_between_turns_and_wiped_at_tokenization(services: Services) -> None:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say("Jane Doe"))
    after_number = conv.handle(sid, Say("4242 4242 4242 4242")).state
    assert after_number.sealed_card is not None
    assert "4242424242424242" not in raw_rows(services)
    conv.handle(sid, Say("12/29"))
    done = conv.handle(sid, Say("123")).state
    assert done.status is Status.CONFIRMING and done.sealed_card is None and done.typed_card_fields == ()
    assert done.payment_method_id and done.payment_method_id.startswith("pm_")


def test_no_card_data_in_store_or_audit_after_a_whole_conversation(services: Services) -> None:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    replies = [
        conv.handle(sid, Say(m)).text
        for m in ["I'm Jane Doe, card 4242 4242 4242 4242 exp 12/29 cvc 739", "yes", "yes"]
    ]
    audit = services.audit
    assert isinstance(audit, MemoryAuditLog)
    # Hashes and random ids may contain "739" by chance: look for the CVV in what people can read.
    audit_values = json.dumps([record["details"] for record in audit.records])
    # The chain's SHA-256 hex digests can hold a Luhn-valid run of digits by chance (one did, in a
    # CI run): every other field is scanned for anything that looks like a card number.
    unhashed = [{k: v for k, v in record.items() if k not in ("hash", "prev")} for record in audit.records]
    for sink in [raw_rows(services), json.dumps(unhashed), *replies]:
        assert not find_card_numbers(sink)
    stored = services.store.load(sid)
    assert stored is not None
    readable = [audit_values, *replies, json.dumps([stored.name, stored.card, stored.payment], default=str)]
    assert not any(re.search(r"(?<![0-9a-zA-Z])739(?![0-9a-zA-Z])", text) for text in readable)
    assert conv.get(sid).state.status is Status.COMPLETED


def test_cancel_wipes_sealed_card_data(services: Services) -> None:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say("Jane Doe"))
    assert conv.handle(sid, Say("4242424242424242")).state.sealed_card is not None
    state = conv.handle(sid, Say("cancel")).state
    assert state.status is Status.CANCELLED and state.sealed_card is None


def test_expiry_with_injected_clock_wipes_the_vault(services: Services, clock) -> None:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say("Jane Doe"))
    conv.handle(sid, Say("4242424242424242"))
    clock.advance(901)
    reply = conv.handle(sid, Say("12/29"))
    assert reply.state.status is Status.EXPIRED and reply.state.sealed_card is None
    assert "expired" in reply.text


def test_sweeper_expires_untouched_sessions(services: Services, clock) -> None:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say("Jane Doe"))
    conv.handle(sid, Say("4242424242424242"))
    clock.advance(1000)
    assert conv.sweep_expired() == 1
    stored = services.store.load(sid)
    assert stored is not None and stored.status is Status.EXPIRED and stored.sealed_card is None


def test_concurrent_confirmations_charge_once(services: Services) -> None:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say("Jane Doe 4242424242424242 12/29 123"))
    assert conv.get(sid).state.status is Status.CONFIRMING
    results: list[Status] = []
    threads = [
        threading.Thread(target=lambda: results.append(conv.handle(sid, Say("yes")).state.status))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gateway = services.gateway
    assert isinstance(gateway, SandboxGateway)
    assert [i.status for i in gateway.list_intents(sid)] == ["succeeded"]
    assert set(results) == {Status.COMPLETED}


def test_state_json_never_holds_more_than_last_four(services: Services) -> None:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    state = conv.handle(sid, Say("Jane Doe, 4242424242424242 exp 12/29 cvc 123")).state
    assert not find_card_numbers(state_to_json(state).decode())


def test_settings_lists_accept_json_or_commas(tmp_path) -> None:
    from paybot_core.settings import Settings

    assert Settings(
        data_dir=tmp_path, cors_origins='["https://a.example", "https://b.example"]'
    ).cors_origins == ("https://a.example", "https://b.example")
    assert Settings(data_dir=tmp_path, cors_origins="https://a.example, https://b.example").cors_origins == (
        "https://a.example",
        "https://b.example",
    )


def test_a_declined_charge_logs_one_masked_payment_failed_line(services: Services, caplog) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="paybot")
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say("Jane Doe 4000000000000002 12/29 123"))
    conv.handle(sid, Say("yes"))
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("payment_")]
    assert len(lines) == 1 and lines[0].startswith("payment_failed") and "card_declined" in lines[0]
    assert "4000000000000002" not in caplog.text


class RecordingAccounts:
    """An accounts directory that notes every reference it was asked for."""

    def __init__(self, *accounts: AccountDue) -> None:
        self.accounts = {a.reference: a for a in accounts}
        self.asked: list[str] = []

    def find_by_phone(self, phone: str) -> AccountDue | None:
        return None

    def find_by_reference(self, reference: str) -> AccountDue | None:
        self.asked.append(reference)
        return self.accounts.get(reference)


def test_the_account_is_a_field_the_service_looks_up_and_the_engine_counts(tmp_path, clock) -> None:
    accounts = RecordingAccounts(AccountDue("2002", "Bo Li", 125_050, "usd"))
    services = build(
        Settings(data_dir=tmp_path), store=MemorySessionStore(), gateway=SandboxGateway(clock=clock),
        audit=MemoryAuditLog(), vault=CardVault(b"k" * 32), accounts=accounts, clock=clock,
    )  # fmt: skip
    conv = services.conversations
    presets = Presets(card_entry=CardEntry.TYPED, locale="en")
    sid = conv.start(presets, Channel.VOICE, Style.SPEECH, awaiting_account=True).state.session_id

    wrong = conv.handle(sid, KeyedAccount("9999"), Style.SPEECH)
    assert wrong.said == "I couldn't find an account with that number. You have two tries left."
    card = conv.handle(sid, KeyedAccount("4242424242424242"), Style.SPEECH)
    assert (
        card.said
        == "That sounds like a card number. Please key your account number instead. You have one try left."
    )
    assert accounts.asked == ["9999"], "a card number is never looked up"
    found = conv.handle(sid, KeyedAccount("2002"), Style.SPEECH)
    assert "one thousand two hundred fifty dollars and fifty cents for 2 0 0 2" in found.said
    assert (found.state.name, found.state.amount, found.state.current_field) == (
        "Bo Li",
        125_050,
        Field.CARD_NUMBER,
    )
    conv.handle(sid, KeyedAccount("2002"))
    assert accounts.asked == ["9999", "2002"], "no lookup once the account is known"
    audit = services.audit
    assert isinstance(audit, MemoryAuditLog)
    assert "4242424242424242" not in json.dumps(audit.records) + raw_rows(services)


def test_all_tries_at_the_account_close_the_session_and_a_web_session_never_asks_for_one(services) -> None:
    conv = services.conversations
    sid = conv.start(
        Presets(card_entry=CardEntry.TYPED), Channel.VOICE, awaiting_account=True
    ).state.session_id
    for _ in range(2):
        conv.handle(sid, KeyedAccount("0000"))
    last = conv.handle(sid, KeyedAccount("0000"))
    assert last.state.status is Status.FAILED
    assert last.text.startswith(
        "Sorry, that's too many tries at the account number, so I've closed this payment."
    )
    web = conv.start(Presets(amount=5000)).state
    assert web.current_field is Field.NAME and not web.awaiting_account


class SilentProcessor(SandboxGateway):
    """Every confirmation times out at the processor: its outcome is unknown."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.keys: list[str] = []

    def confirm_payment(self, request: PaymentRequest) -> PaymentRecord:
        self.keys.append(request.idempotency_key)
        raise GatewayError("The payment processor did not answer in time.", code="timeout", retryable=True)


def test_on_the_web_too_the_yeses_the_processor_leaves_unanswered_are_capped(tmp_path, clock) -> None:
    gateway = SilentProcessor(clock=clock)
    services = build(
        Settings(data_dir=tmp_path, max_payment_attempts=3), store=MemorySessionStore(), gateway=gateway,
        audit=MemoryAuditLog(), vault=CardVault(b"k" * 32), clock=clock,
    )  # fmt: skip
    conv = services.conversations
    sid = conv.start(Presets(amount=5000)).state.session_id
    conv.handle(sid, Say("Jane Doe"))
    pm_id, _ = gateway.create_payment_method(
        CardDetails("4242424242424242", 12, 2030, "123"), idempotency_key="k"
    )
    conv.handle(sid, UsePaymentMethod(pm_id))
    replies = [conv.handle(sid, Say("yes")) for _ in range(5)]
    assert gateway.keys == [f"{sid}:payment:1"] * 3, "the same charge, three times, then none"
    assert "Say yes to try again" in replies[1].text
    stopped = replies[2].text
    assert stopped.startswith("Sorry, we could not confirm the payment, and it may have gone through")
    assert "To confirm" not in stopped and replies[4].text == stopped
    assert replies[4].state.status is Status.CONFIRMING  # open for the outcome a webhook may bring
