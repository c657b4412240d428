"""A typed view of Amazon Connect's Lambda event (like Powertools' `connect_contact_flow_event`).

Connect invokes the function with

    {"Name": "ContactFlowEvent",
     "Details": {"ContactData": {"ContactId", "InitialContactId", "Channel", "InstanceARN",
                                 "CustomerEndpoint": {"Address", "Type"}, "SystemEndpoint",
                                 "Attributes": {...}, ...},
                 "Parameters": {...the block's LambdaInvocationAttributes...}}}

and wants a flat map of strings back (ResponseValidation STRING_MAP). Parameters may carry
Connect-encrypted keypad input, so nothing here prints them.

Everything the handler may log or answer back is validated here to its exact shape, because an
invocation can be crafted: the ContactId is a UUID, `step` a lower-case name, `session` a paybot
session id. Anything else refuses the event (ConnectEventError, whose
messages name the field, never its value).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ConnectEventError

EVENT_NAME = "ContactFlowEvent"
# Parameters whose values the handler logs or answers back, and the only shapes they may take.
_PARAMETER_SHAPES = {
    "step": re.compile(r"[a-z][a-z_]{0,39}"),
    "session": re.compile(r"ses_[A-Za-z]{1,60}"),
    "field": re.compile(r"[a-z][a-z_]{0,39}"),
    "reason": re.compile(r"[a-z][a-z_]{0,39}"),
    "locale": re.compile(r"[a-z]{2}"),
}


@dataclass(frozen=True)
class Endpoint:
    address: str
    type: str = "TELEPHONE_NUMBER"


@dataclass(frozen=True)
class ContactData:
    contact_id: str
    initial_contact_id: str
    channel: str
    instance_arn: str
    initiation_method: str
    customer_endpoint: Endpoint | None
    system_endpoint: Endpoint | None
    attributes: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        kept = len(self.attributes)
        return f"ContactData(contact_id={self.contact_id!r}, channel={self.channel!r}, attributes=<{kept}>)"


@dataclass(frozen=True)
class ConnectContactFlowEvent:
    """One invocation from a contact flow's InvokeLambdaFunction block."""

    contact_data: ContactData
    parameters: Mapping[str, str]
    name: str = EVENT_NAME

    @classmethod
    def parse(cls, raw: object) -> ConnectContactFlowEvent:
        """Validate the shape Connect sends; ConnectEventError for anything else."""
        if not isinstance(raw, Mapping) or not isinstance(raw.get("Details"), Mapping):
            raise ConnectEventError("Not an Amazon Connect contact flow event (no Details).")
        details = raw["Details"]
        contact = details.get("ContactData")
        if not isinstance(contact, Mapping) or not isinstance(contact.get("ContactId"), str):
            raise ConnectEventError("The Connect event has no ContactData.ContactId.")
        for key in ("ContactId", "InitialContactId"):
            if contact.get(key) is not None and not _is_uuid(contact[key]):
                raise ConnectEventError(f"The Connect event's ContactData.{key} is not a contact id.")
        parameters = _strings(details.get("Parameters"), "Parameters")
        for key, shape in _PARAMETER_SHAPES.items():
            value = parameters.get(key)
            if value and not shape.fullmatch(value):
                raise ConnectEventError(f"The Connect event's Parameters.{key} is not valid.")
        return cls(
            contact_data=ContactData(
                contact_id=contact["ContactId"],
                initial_contact_id=str(contact.get("InitialContactId") or contact["ContactId"]),
                channel=str(contact.get("Channel") or "VOICE"),
                instance_arn=str(contact.get("InstanceARN") or ""),
                initiation_method=str(contact.get("InitiationMethod") or ""),
                customer_endpoint=_endpoint(contact.get("CustomerEndpoint")),
                system_endpoint=_endpoint(contact.get("SystemEndpoint")),
                attributes=_strings(contact.get("Attributes"), "ContactData.Attributes"),
            ),
            parameters=parameters,
            name=EVENT_NAME,
        )

    def parameter(self, key: str, default: str = "") -> str:
        return self.parameters.get(key, default)

    @property
    def caller_number(self) -> str:
        endpoint = self.contact_data.customer_endpoint
        return endpoint.address if endpoint is not None else ""

    def __repr__(self) -> str:  # parameters may hold encrypted card input: never printed
        return f"ConnectContactFlowEvent({self.contact_data!r}, parameters=<{sorted(self.parameters)}>)"


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _endpoint(raw: Any) -> Endpoint | None:
    if not isinstance(raw, Mapping) or not raw.get("Address"):
        return None
    return Endpoint(str(raw["Address"]), str(raw.get("Type") or "TELEPHONE_NUMBER"))


def _strings(raw: Any, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConnectEventError(f"The Connect event's {where} is not an object.")
    return {str(k): "" if v is None else str(v) for k, v in raw.items()}
