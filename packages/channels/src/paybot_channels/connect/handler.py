"""AWS Lambda entry point of the phone channel: `paybot_channels.connect.handler.handler`.

Amazon Connect calls it from each InvokeLambdaFunction block of `flow.json`; one call is one
flow step (see `channel.py`). In a Lambda container the services are built during init, at
import (so a SnapStart snapshot holds them and the first call only runs its step); elsewhere
(tests, the call simulator) on the first call. Either way they are reused while the container
stays warm; the keypad path never calls a language model, so a step answers well inside
Connect's 8 second limit.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from ..lambda_init import container_init, in_lambda_container

with container_init():
    from .channel import Outcome, PhoneAnswer, PhoneChannel
    from .errors import ConnectEventError
    from .events import ConnectContactFlowEvent

log = logging.getLogger("paybot.connect")


@functools.cache
def default_channel() -> PhoneChannel:
    """The process's channel, from PAYBOT_* settings (one composition root: `bootstrap.build`)."""
    with container_init():
        from paybot_core import build

        services = build()
        return PhoneChannel(services, allow_plaintext=services.settings.connect_allow_plaintext_input)


def handler(event: dict[str, Any], context: object = None) -> dict[str, str]:
    """Connect's entry point: answers a flat map of strings."""
    return respond(default_channel(), event)


def respond(channel: PhoneChannel, event: object) -> dict[str, str]:
    """Parse the event, run its step, render Connect's answer."""
    try:
        request = ConnectContactFlowEvent.parse(event)
    except ConnectEventError as err:
        log.warning("refused an invocation that is not a Connect event: %s", err)
        return PhoneAnswer(Outcome.ERROR, "Sorry, something went wrong on our side.").as_connect()
    return channel.run(request).as_connect()


if in_lambda_container():
    default_channel()
