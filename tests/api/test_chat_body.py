"""The chat answers are built as dicts (web/render.py) but must be exactly what the declared models
(`ChatResponse`, `CreatedSession`, the OpenAPI schema) produce: same keys, same absent keys, same
bytes. Checked over whole conversations that pass through every status and every optional part."""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from paybot_channels.web.render import chat_body, json_bytes
from paybot_channels.web.schemas import ChatResponse, CreatedSession
from paybot_core import CardEntry, Channel, Presets, Say, Services
from tests.conftest import Clock


def _nested_model(annotation: object) -> type[BaseModel] | None:
    candidates = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _by_field_names(model: type[BaseModel], body: dict[str, Any]) -> dict[str, Any]:
    """`body` under the model's field names (the wire uses serialization aliases); a key the model
    does not declare fails here."""
    fields = {(info.serialization_alias or name): (name, info) for name, info in model.model_fields.items()}
    named: dict[str, Any] = {}
    for key, value in body.items():
        assert key in fields, f"{model.__name__} has no key {key!r}"
        name, info = fields[key]
        inner = _nested_model(info.annotation)
        named[name] = _by_field_names(inner, value) if inner and isinstance(value, dict) else value
    return named


def assert_as_declared(model: type[BaseModel], raw: bytes) -> None:
    """What the model itself would write for these values is these very bytes."""
    body = json.loads(raw)
    declared = model.model_validate(_by_field_names(model, body)).model_dump_json(by_alias=True)
    assert raw == declared.encode()


class Recorder:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.seen: list[tuple[type[BaseModel], bytes]] = []
        self.statuses: set[str] = set()

    def _keep(self, model: type[BaseModel], response: Any, expected: int) -> dict[str, Any]:
        assert response.status_code == expected, response.text
        self.seen.append((model, response.content))
        body: dict[str, Any] = response.json()
        self.statuses.add(body["status"])
        return body

    def create(self, **body: object) -> dict[str, Any]:
        return self._keep(CreatedSession, self.client.post("/v1/sessions", json=body), 201)

    def chat(self, sid: str, message: str | None = None, **extra: object) -> dict[str, Any]:
        body = {"sessionId": sid, **({"message": message} if message else {}), **extra}
        return self._keep(ChatResponse, self.client.post("/v1/chat", json=body), 200)

    def read(self, sid: str) -> dict[str, Any]:
        return self._keep(ChatResponse, self.client.get(f"/v1/sessions/{sid}"), 200)

    def card(self, number: str) -> str:
        response = self.client.post(
            "/v1/sandbox/payment_methods",
            json={"number": number, "expMonth": 12, "expYear": 2030, "cvc": "123"},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


def test_every_answer_of_whole_conversations_is_what_the_models_write(
    client: TestClient, clock: Clock
) -> None:
    api = Recorder(client)
    # Secure form: a declined card, then 3-D Secure, approved; then the receipt offered and asked for.
    sid = api.create(amount=5000, reference="INV-7", description="March")["sessionId"]
    api.chat(sid, "Jane O'Neil")
    api.chat(sid, paymentMethod=api.card("4000000000000002"))
    declined = api.chat(sid, "yes")
    api.chat(sid, paymentMethod=api.card("4000002500003155"))
    pending = api.chat(sid, "yes")
    assert pending["nextAction"] is not None
    intent = pending["nextAction"]["clientSecret"].split("_secret_")[0]
    client.post(f"/v1/sandbox/payment_intents/{intent}/authenticate", json={"outcome": "approve"})
    paid = api.chat(sid, nextActionCompleted=True)
    api.chat(sid, "jane@example.com")
    api.read(sid)
    # Typed entry in Spanish, no preset amount, a "no" at the confirmation, then cancelled.
    typed = api.create(cardEntry="typed", locale="es")["sessionId"]
    for message in ("Ana Pérez", "75 dólares", "4242 4242 4242 4242", "12/29", "123", "no", "cancelar"):
        api.chat(typed, message)
    # A session nobody finishes: it expires.
    idle = api.create(amount=1200, customerName="Sam Lee")["sessionId"]
    clock.advance(24 * 3600)
    api.read(idle)

    assert declined["payment"]["failureCode"] and paid["receipt"] == "offered"
    assert {
        "collecting",
        "awaiting_payment_method",
        "confirming",
        "requires_action",
        "completed",
    } <= api.statuses
    assert {"cancelled", "expired"} & api.statuses
    for model, raw in api.seen:
        assert_as_declared(model, raw)


@pytest.mark.parametrize("gateway", ["stripe", "sandbox"])
def test_the_card_form_part_as_declared_for_either_gateway(
    make_services: Callable[..., Services], gateway: str
) -> None:
    services = make_services()
    reply = services.merchant.create(Presets(amount=900, card_entry=CardEntry.SECURE), Channel.WEB, 3600)
    reply = services.conversations.handle(reply.state.session_id, [Say("Jane Doe")])
    settings = services.settings.model_copy(
        update={
            "payment_gateway": gateway,
            "stripe_publishable_key": "pk_test_abc" if gateway == "stripe" else None,
        }
    )
    body = chat_body(reply, settings)
    assert body["cardEntry"]["mode"] == gateway
    assert_as_declared(ChatResponse, json_bytes(body))
