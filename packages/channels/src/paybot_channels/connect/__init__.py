"""The phone channel on Amazon Connect: contact flow, Lambda handler and a local call simulator."""

from .channel import Outcome, PhoneAnswer, PhoneChannel, Step
from .events import ConnectContactFlowEvent, ContactData, Endpoint

__all__ = [
    "ConnectContactFlowEvent",
    "ContactData",
    "Endpoint",
    "Outcome",
    "PhoneAnswer",
    "PhoneChannel",
    "Step",
]
