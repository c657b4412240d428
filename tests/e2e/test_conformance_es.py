"""Our Spanish dialogs (tests/conversation/dialogs/es.json, the conformance kit's format) against
`paybot serve` as a real subprocess: what the public English dialogs cover, said in Spanish."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_conformance import scan_for_test_cards
from tests.support.conformance import KIT, run_dialogs
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
        assert run_dialogs(base_url, DIALOGS) >= 20
    assert scan_for_test_cards(data) == []
