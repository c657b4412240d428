"""The web app's first answer loads only what it uses: a fresh interpreter builds the app (as the
Lambda handler does at init), creates a session, and has not imported the understanding pipeline
(its lexicons are for the payer's free text, read on the first message that needs them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.support.servers import ROOT

SCRIPT = """
import json, sys
from fastapi.testclient import TestClient
from paybot_core import build
from paybot_channels.web.app import create_app

client = TestClient(create_app(build(), sweep_expired=False))
created = client.post("/v1/sessions", json={"amount": 5000, "reference": "INV-1"})
after_start = "paybot_core.understanding" in sys.modules
named = client.post("/v1/sessions", json={"amount": 5000, "customerName": "Jane Doe"})
print(json.dumps({"statuses": [created.status_code, named.status_code], "pipeline at start": after_start}))
"""


def test_creating_a_session_loads_no_understanding_pipeline(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYBOT_")}
    env["PAYBOT_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # A preset name is still checked by the name rule, which loads with it.
    assert json.loads(result.stdout.splitlines()[-1]) == {"statuses": [201, 201], "pipeline at start": False}
