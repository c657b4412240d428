"""The phone channel on Amazon Connect: contact flow, Lambda handler and a local call simulator."""

from .channel import Outcome, PhoneAnswer, PhoneChannel, Step
from .crypto import ConnectInputDecryptor, Decryptor
from .events import ConnectContactFlowEvent, ContactData, Endpoint

__all__ = [
    "ConnectContactFlowEvent",
    "ConnectInputDecryptor",
    "ContactData",
    "Decryptor",
    "Endpoint",
    "Outcome",
    "PhoneAnswer",
    "PhoneChannel",
    "Step",
]
