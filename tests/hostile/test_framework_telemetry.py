"""FastAPI's own OpenTelemetry stays off in paybot.

As soon as a global OpenTelemetry provider exists (an OpenTelemetry Lambda layer sets one), FastAPI
makes spans and log records of every request and hands span processors the raw body and the
validation errors with their input values: sinks outside paybot's card-data guard. This test
installs real SDK providers with in-memory exporters, in a fresh interpreter because OpenTelemetry's
global providers can be set only once per process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

PAN = "4242424242424242"

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from opentelemetry import _logs, trace
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    spans, logs = InMemorySpanExporter(), InMemoryLogRecordExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    trace.set_tracer_provider(tracer_provider)
    logger_provider = LoggerProvider()
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))
    _logs.set_logger_provider(logger_provider)

    from paybot_channels.web.app import create_app
    from paybot_core.bootstrap import build
    from paybot_core.settings import Settings

    pan = sys.argv[2]
    if sys.argv[1] == "paybot":
        settings = Settings(data_dir=sys.argv[3], allow_typed_card_entry=True)
        app = create_app(build(settings), sweep_expired=False)
        bad = {"sessionId": 7, "message": f"my card is {pan}"}
    else:  # the control: a plain FastAPI app with the framework's defaults
        app = FastAPI()

        @app.post("/v1/chat")
        def chat(body: dict[str, int]) -> dict[str, int]:
            return body

        bad = {"message": f"my card is {pan}"}
    with TestClient(app) as client:
        status = client.post("/v1/chat", json=bad).status_code
        if sys.argv[1] == "paybot":
            sid = client.post("/v1/sessions", json={"cardEntry": "typed"}).json()["sessionId"]
            client.post("/v1/chat", json={"sessionId": sid, "message": pan})
    exported = [s.to_json() for s in spans.get_finished_spans()]
    exported += [r.to_json() for r in logs.get_finished_logs()]
    print(json.dumps({"status": status, "exported": exported}))
    """
)


def run(kind: str, tmp_path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, kind, PAN, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_paybot_exports_nothing_to_a_global_opentelemetry_provider(tmp_path: Path) -> None:
    result = run("paybot", tmp_path)
    assert result["status"] == 400
    assert result["exported"] == []


def test_control_the_same_setup_does_export_from_a_default_fastapi_app(tmp_path: Path) -> None:
    # Without this, the test above would pass just as well if the SDK set-up exported nothing.
    result = run("control", tmp_path)
    assert result["status"] == 422
    assert result["exported"], "the control app exported nothing: the harness is not capturing"
    assert any("Request validation failed" in record for record in result["exported"])
