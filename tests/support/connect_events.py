"""A Connect ContactFlowEvent as the contact flow's InvokeLambdaFunction block sends it, for tests
that call the phone Lambda's handler with crafted parameters."""

from __future__ import annotations

import uuid


def contact_flow_event(parameters: dict[str, str], contact_id: str | None = None) -> dict[str, object]:
    contact = contact_id or str(uuid.uuid4())
    return {
        "Name": "ContactFlowEvent",
        "Details": {
            "ContactData": {
                "ContactId": contact,
                "InitialContactId": contact,
                "Channel": "VOICE",
                "CustomerEndpoint": {"Address": "+15555550199", "Type": "TELEPHONE_NUMBER"},
                "Attributes": {},
            },
            "Parameters": parameters,
        },
    }
