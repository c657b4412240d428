"""Every payment outcome is logged once, however it arrives: the charge, 3-D Secure, a webhook.

The deployed failure alarm counts "payment_failed" lines, so an outcome that is not logged is
one the alarm never sees, and one logged twice is counted twice.
"""

from __future__ import annotations

import logging
import re

import pytest

from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.bootstrap import Services
from paybot_core.conversation.state import CardEntry, Presets, Status
from paybot_core.conversation.turns import NextActionDone, Say

TYPED = Presets(amount=5000, card_entry=CardEntry.TYPED)
THREE_D_SECURE = "4000002500003155"
OUTCOME = re.compile(
    r"^payment_(\w+) session=(\S+) intent=(\S+) amount=5000 usd code=(\S+) channel=\w+ via=(\w+)$"
)


@pytest.fixture
def outcomes(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="paybot")
    return caplog


def _logged(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    found = [OUTCOME.match(r.getMessage()) for r in caplog.records if r.getMessage().startswith("payment_")]
    assert all(found), caplog.text
    return [(m[1], m[5]) for m in found if m]


def _to_bank_check(services: Services) -> tuple[str, str]:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say(f"Jane Doe {THREE_D_SECURE} 12/29 123"))
    state = conv.handle(sid, Say("yes")).state
    assert state.status is Status.REQUIRES_ACTION and state.payment is not None
    return sid, state.payment.id


def _sandbox(services: Services) -> SandboxGateway:
    assert isinstance(services.gateway, SandboxGateway)
    return services.gateway


@pytest.mark.parametrize(
    ("card", "outcome"), [("4242424242424242", "succeeded"), ("4000000000000002", "failed")]
)
def test_a_charge_logs_its_outcome_once(services: Services, outcomes, card: str, outcome: str) -> None:
    conv = services.conversations
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say(f"Jane Doe {card} 12/29 123"))
    conv.handle(sid, Say("yes"))
    conv.get(sid)
    conv.handle(sid, Say("yes"))  # a repeated yes changes nothing, so logs nothing
    assert _logged(outcomes) == [(outcome, "charge")]
    assert card not in outcomes.text


@pytest.mark.parametrize(("approve", "outcome"), [(True, "succeeded"), (False, "failed")])
def test_a_3d_secure_outcome_read_back_is_logged_once(
    services: Services, outcomes, approve: bool, outcome: str
) -> None:
    sid, intent = _to_bank_check(services)
    _sandbox(services).authenticate(intent, approve=approve)
    services.conversations.handle(sid, NextActionDone())
    services.conversations.handle(sid, NextActionDone())  # the page asked twice: still one outcome
    assert _logged(outcomes) == [("requires_action", "charge"), (outcome, "refresh")]


@pytest.mark.parametrize(("approve", "outcome"), [(True, "succeeded"), (False, "failed")])
def test_a_webhook_reconciled_outcome_is_logged_once(
    services: Services, outcomes, approve: bool, outcome: str
) -> None:
    sid, intent = _to_bank_check(services)
    _sandbox(services).authenticate(intent, approve=approve)
    services.conversations.reconcile_payment(sid, intent)
    services.conversations.reconcile_payment(sid, intent)  # delivered twice, as webhooks may be
    services.conversations.handle(sid, NextActionDone())  # and the page reports back afterwards
    assert _logged(outcomes) == [("requires_action", "charge"), (outcome, "webhook")]
