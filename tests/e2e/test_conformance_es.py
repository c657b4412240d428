"""Our Spanish dialogs (tests/conversation/dialogs/es.json, the conformance kit's format) against
`paybot serve` as a real subprocess: what the public English dialogs cover, said in Spanish."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_conformance import KIT, scan_for_test_cards
from tests.support.servers import paybot_server

DIALOGS = Path(__file__).resolve().parents[1] / "conversation" / "dialogs" / "es.json"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (KIT / "run_dialogs.py").exists(), reason="../shared/conformance is not beside the repo"
    ),
]


def test_spanish_dialogs_pass_and_nothing_leaks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with paybot_server(data, {"PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true"}) as base_url:
        result = subprocess.run(
            [sys.executable, str(KIT / "run_dialogs.py"), "--base-url", base_url, str(DIALOGS)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed, 0 failed", summary), summary
    assert int(summary.split()[0]) >= 20
    assert scan_for_test_cards(data) == []
