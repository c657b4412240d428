"""The conformance kit (`../shared/conformance`, beside the repository as in CI) replayed against a
running server: the public dialogs, or dialogs of ours in the kit's format."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

KIT = Path(__file__).resolve().parents[3] / "shared" / "conformance"
PUBLIC_DIALOGS = KIT / "dialogs"


def run_dialogs(base_url: str, dialogs: Path = PUBLIC_DIALOGS) -> int:
    """Replay `dialogs` (a file or a folder) against `base_url`, assert that every one passed, and
    return how many there were."""
    result = subprocess.run(
        [sys.executable, str(KIT / "run_dialogs.py"), "--base-url", base_url, str(dialogs)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed, 0 failed", summary), summary
    return int(summary.split()[0])
