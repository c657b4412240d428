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
from paybot_core.metrics import PAYMENTS_COMPLETED

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


# Completed payments are counted by the service, after the save that completed one (never through a
# model's phrase(): the rules model phrases nothing and a completion still counts).


def test_a_completed_charge_is_counted_once_by_the_service(services: Services) -> None:
    conv = services.conversations
    declined = conv.start(TYPED).state.session_id
    conv.handle(declined, Say("Jane Doe 4000000000000002 12/29 123"))
    conv.handle(declined, Say("yes"))
    assert services.metrics.total(PAYMENTS_COMPLETED) == 0
    sid = conv.start(TYPED).state.session_id
    conv.handle(sid, Say("Jane Doe 4242424242424242 12/29 123"))
    conv.handle(sid, Say("yes"))
    conv.get(sid)
    conv.handle(sid, Say("yes"))
    assert services.metrics.total(PAYMENTS_COMPLETED) == 1


@pytest.mark.parametrize(("approve", "completed"), [(True, 1), (False, 0)])
def test_a_payment_completed_after_3d_secure_or_by_webhook_is_counted_once(
    services: Services, approve: bool, completed: int
) -> None:
    sid, intent = _to_bank_check(services)
    _sandbox(services).authenticate(intent, approve=approve)
    services.conversations.reconcile_payment(sid, intent)
    services.conversations.reconcile_payment(sid, intent)
    services.conversations.handle(sid, NextActionDone())
    assert services.metrics.total(PAYMENTS_COMPLETED) == completed
