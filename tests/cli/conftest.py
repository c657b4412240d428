"""The paybot command in process, on a clean PAYBOT_* environment and a data dir of its own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in [n for n in os.environ if n.startswith("PAYBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PAYBOT_DATA_DIR", str(tmp_path))
    return tmp_path
