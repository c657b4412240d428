"""Test hooks are wrappers composed by the tests (tests/support/crash_server.py), never code in `src/`."""

from __future__ import annotations

import re
from pathlib import Path

from paybot_core.settings import Settings

SOURCES = sorted((Path(__file__).resolve().parents[2] / "packages").glob("*/src/**/*.py"))
# What a crash point or fault injection looks like in code: killing the process, a test-only switch.
HOOK = re.compile(r"os\.kill|signal\.SIGKILL|TEST[ _-]ONLY|test_crash|crash_(?:at|after|mid)")


def test_no_source_file_holds_a_crash_point_or_fault_injection() -> None:
    assert SOURCES
    found = [
        f"{p.name}:{n}"
        for p in SOURCES
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if HOOK.search(line)
    ]
    assert found == []


def test_settings_have_no_test_only_fields() -> None:
    assert [name for name in Settings.model_fields if name.startswith("test")] == []
