"""The card capture is wiped on every path out of a turn, a raising understanding or action included.

Each case makes one dependency raise a foreign error in the middle of a turn that carries a whole
card, then looks at every `CardCapture` the traceback's frames still reference: the object that held
the number and the code must be empty by the time the error reaches the caller.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pytest

from paybot_core.adapters.memory import MemoryAuditLog, MemorySessionStore
from paybot_core.adapters.rules_model import RulesLanguageModel
from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.bootstrap import build
from paybot_core.conversation.state import CardEntry, CardSummary, PaymentRecord, Presets
from paybot_core.conversation.turns import Confirm, KeyedCard, Say, Turn
from paybot_core.conversation.understanding import UnderstandingContext, Understood
from paybot_core.errors import PaymentUnconfirmedError
from paybot_core.pci.capture import CardCapture
from paybot_core.pci.vault import CardVault, SealedCard
from paybot_core.ports import CardDetails, PaymentRequest
from paybot_core.settings import Settings
from tests.conftest import Clock

CARD_TEXT = "4242 4242 4242 4242 12/29 123"
KEYED = KeyedCard(number="4242424242424242", expiry="1229", cvv="123")
TYPED = Presets(amount=5000, customer_name="Jane Doe", card_entry=CardEntry.TYPED)


class BoomError(RuntimeError):
    """A foreign error: not one of paybot's, so nothing on the way catches it."""


class FailingModel(RulesLanguageModel):
    def __init__(self, fail: str) -> None:
        self.fail = fail

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        if self.fail == "understand":
            raise BoomError("understanding failed")
        return super().understand(text, context)


class FailingVault(CardVault):
    def __init__(self, fail: str) -> None:
        super().__init__(b"k" * 32)
        self.fail = fail

    def seal(self, session_id: str, fields: dict[str, str], expires_at: float) -> SealedCard:
        if self.fail == "seal":
            raise BoomError("sealing failed")
        return super().seal(session_id, fields, expires_at)

    def open(self, session_id: str, sealed: SealedCard, now: float) -> dict[str, str]:
        if self.fail == "open":
            raise BoomError("opening failed")
        return super().open(session_id, sealed, now)


class FailingGateway(SandboxGateway):
    def __init__(self, fail: str, clock: Clock) -> None:
        super().__init__(clock=clock)
        self.fail = fail

    def create_payment_method(self, card: CardDetails, *, idempotency_key: str) -> tuple[str, CardSummary]:
        if self.fail == "tokenize":
            raise BoomError("tokenizing failed")
        return super().create_payment_method(card, idempotency_key=idempotency_key)

    def confirm_payment(self, request: PaymentRequest) -> PaymentRecord:
        if self.fail == "charge":
            raise BoomError("charging failed")
        return super().confirm_payment(request)


def captures_in(tb: TracebackType | None) -> list[CardCapture]:
    """Every CardCapture a frame of the traceback still holds in a local."""
    found: list[CardCapture] = []
    while tb is not None:
        found += [v for v in tb.tb_frame.f_locals.values() if isinstance(v, CardCapture)]
        tb = tb.tb_next
    return found


def is_wiped(capture: CardCapture) -> bool:
    return (capture.number, capture.cvv, capture.exp_month, capture.exp_year) == (None, None, None, None)


CASES = [
    *[(fail, Say(CARD_TEXT)) for fail in ("understand", "seal", "open", "tokenize")],
    *[(fail, KEYED) for fail in ("seal", "open", "tokenize")],  # a keyed card is never understood
]


@pytest.mark.parametrize(("fail", "turn"), CASES, ids=[f"{type(t).__name__}-{f}" for f, t in CASES])
def test_a_failure_inside_a_card_turn_leaves_its_capture_wiped(
    fail: str, turn: Turn, tmp_path: Path, clock: Clock
) -> None:
    services = build(
        Settings(data_dir=tmp_path, allow_typed_card_entry=True),
        store=MemorySessionStore(),
        gateway=FailingGateway(fail, clock),
        model=FailingModel(fail),
        audit=MemoryAuditLog(),
        vault=FailingVault(fail),
        clock=clock,
    )
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    before = services.store.load(sid)

    with pytest.raises(BoomError) as raised:
        conv.handle(sid, turn)

    captures = captures_in(raised.tb)
    assert captures, "the failing turn's capture should be reachable from the traceback"
    assert all(is_wiped(c) for c in captures)
    assert services.store.load(sid) == before  # nothing of the failed turn was saved


def test_a_failure_while_charging_leaves_the_turn_capture_wiped(tmp_path: Path, clock: Clock) -> None:
    services = build(
        Settings(data_dir=tmp_path, allow_typed_card_entry=True),
        store=MemorySessionStore(),
        gateway=FailingGateway("charge", clock),
        audit=MemoryAuditLog(),
        vault=CardVault(b"k" * 32),
        clock=clock,
    )
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    assert conv.handle(sid, KEYED).state.payment_method_id is not None

    for turn in (Say("yes"), Confirm()):
        # A failure after the charge went out may have charged: the service says "unconfirmed".
        with pytest.raises(PaymentUnconfirmedError) as raised:
            conv.handle(sid, turn)
        cause = raised.value.__cause__
        assert isinstance(cause, BoomError)
        assert all(is_wiped(c) for c in captures_in(raised.tb) + captures_in(cause.__traceback__))
    assert services.store.load(sid).payment is None  # type: ignore[union-attr]
