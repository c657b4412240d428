"""The public conformance dialogs against `paybot serve` as a real subprocess, then a leak scan.

Every file the server wrote (SQLite files and their WAL included) and everything it printed
is searched for Stripe's test card numbers in plain form: there must be none.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.conformance import KIT, run_dialogs
from tests.support.servers import paybot_server

TEST_CARDS = re.compile(
    rb"4242[ -]?4242[ -]?4242[ -]?4242|4111[ -]?1111[ -]?1111[ -]?1111|5555[ -]?5555[ -]?5555[ -]?4444"
    rb"|3782[ -]?822463[ -]?10005|4000[ -]?0000[ -]?0000[ -]?0002|4000[ -]?0025[ -]?0000[ -]?3155"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (KIT / "run_dialogs.py").exists(), reason="../shared/conformance is not beside the repo"
    ),
]


def scan_for_test_cards(directory: Path) -> list[str]:
    hits = []
    for path in directory.rglob("*"):
        if path.is_file() and TEST_CARDS.search(path.read_bytes()):
            hits.append(path.name)
    return hits


def test_public_dialogs_pass_and_nothing_leaks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with paybot_server(data, {"PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true"}) as base_url:
        assert run_dialogs(base_url) >= 20
    assert (data / "sessions.sqlite3").exists() and (data / "audit.jsonl").exists()
    assert scan_for_test_cards(data) == []


def test_paybot_chat_in_the_terminal_pays_and_keeps_no_card(tmp_path: Path) -> None:
    script = "Jane Doe\n4242 4242 4242 4242\n12/29\n123\nyes\n"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "paybot"), "chat", "--amount", "2500"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PAYBOT_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Payment successful: $25.00" in result.stdout
    assert not TEST_CARDS.search(result.stdout.encode())
    assert scan_for_test_cards(tmp_path) == []
