"""ConversationService: what reaches the store, the vault and the audit log across whole turns."""

from __future__ import annotations

import json
import re
import threading

from paybot_core.adapters.memory import MemoryAuditLog, MemorySessionStore
from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.bootstrap import Services
from paybot_core.conversation.state import CardEntry, Presets, Status, state_to_json
from paybot_core.conversation.turns import Say
from paybot_core.pci.redact import find_card_numbers

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
