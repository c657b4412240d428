"""AWS Lambda entry point of the phone channel: `paybot_channels.connect.lambda_handler.handler`.

The services are built here, at import, which is Lambda's init phase, as the web Lambda does:
built on the first call instead, a cold container would spend Connect's 8 second budget for
that step on creating clients and reading secrets, and a SnapStart snapshot would hold only
imports. `handler.py` keeps the parse-run-render step (`respond`) that tests and the call
simulator use without building anything.
"""

from __future__ import annotations

from typing import Any

from paybot_core import snapstart

from .handler import default_channel, respond

channel = default_channel()
snapstart.install()  # copies restored from a SnapStart snapshot renew their audit stream, secrets, random


def handler(event: dict[str, Any], context: object = None) -> dict[str, str]:
    """Connect's entry point: answers a flat map of strings."""
    return respond(channel, event)
