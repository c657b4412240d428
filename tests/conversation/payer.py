"""A payer talking to the chat API in process: one session, its replies, its charges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient


@dataclass
class Payer:
    client: TestClient
    session: str = ""
    last: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(cls, client: TestClient, **create: object) -> Payer:
        response = client.post("/v1/sessions", json=create)
        assert response.status_code == 201, response.text
        body = response.json()
        return cls(client, body["sessionId"], body)

    def say(self, message: str) -> dict[str, Any]:
        response = self.client.post("/v1/chat", json={"sessionId": self.session, "message": message})
        assert response.status_code == 200, response.text
        self.last = response.json()
        return self.last

    def card(self, number: str = "4242424242424242", cvc: str = "123") -> dict[str, Any]:
        made = self.client.post(
            "/v1/sandbox/payment_methods",
            json={"number": number, "expMonth": 12, "expYear": 2030, "cvc": cvc},
        )
        assert made.status_code == 201, made.text
        response = self.client.post(
            "/v1/chat", json={"sessionId": self.session, "paymentMethod": made.json()["id"]}
        )
        assert response.status_code == 200, response.text
        self.last = response.json()
        return self.last

    def charges(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = self.client.get(
            "/v1/sandbox/payment_intents", params={"sessionId": self.session}
        ).json()["data"]
        return data

    @property
    def collected(self) -> dict[str, Any]:
        return dict(self.last["collected"])

    @property
    def field(self) -> str | None:
        return self.last["currentField"]

    @property
    def text(self) -> str:
        return str(self.last["response"])


def at_confirmation(client: TestClient, **create: object) -> Payer:
    payer = Payer.start(client, **{"amount": 5000, "reference": "INV-1001", **create})
    payer.say("Jane Doe")
    payer.card()
    assert payer.field == "confirmation", payer.last
    return payer
