"""schemathesis against the app's own OpenAPI schema, in process: no 5xx, every answer as declared."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from paybot_channels.web.app import create_app
from paybot_core import CardVault, MemoryAuditLog, MemorySessionStore, SandboxGateway, Settings, build

# Built at import: schemathesis collects one test per operation from the loaded schema.
_DATA = Path(tempfile.mkdtemp(prefix="paybot-schemathesis-"))
SERVICES = build(
    Settings(data_dir=_DATA, allow_typed_card_entry=True),
    store=MemorySessionStore(),
    gateway=SandboxGateway(),
    audit=MemoryAuditLog(),
    vault=CardVault(b"k" * 32),
)
APP = create_app(SERVICES, sweep_expired=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    # Schema-valid is not always acceptable: rules JSON Schema cannot state (a blank message, an
    # amount over the merchant's configured maximum, a name of digits) answer a declared 400.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_schema_declares_what_the_api_answers() -> None:
    spec = schema.raw_schema
    paths = spec["paths"]
    assert "201" in paths["/v1/sessions"]["post"]["responses"]
    assert {"201", "402"} <= set(paths["/v1/sandbox/payment_methods"]["post"]["responses"])
    for path in ("/v1/sessions", "/v1/chat", "/chat"):
        responses = paths[path]["post"]["responses"]
        assert "429" in responses and "422" not in responses  # validation errors are 400 here
        assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "401" in paths["/v1/sessions"]["post"]["responses"]
