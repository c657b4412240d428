"""The README's instructions match the Makefile and the paybot command as they are."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from paybot_channels.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def _targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return {m[1] for m in re.finditer(r"^([a-z][a-z-]*):", makefile, re.M) if m[1] != "help"}


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_help_and_the_readme_list_every_target() -> None:
    shown = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for target in _targets():
        assert re.search(rf"^make {target}\b", shown, re.M), f"make help omits {target}"
        assert f"`make {target}`" in README, f"the README omits make {target}"


def test_the_readme_runs_paybot_from_where_it_is_installed() -> None:
    # A bare `paybot` is "command not found" unless the venv is active: every command says where.
    for line in re.findall(r"^.*\bpaybot (?:serve|chat|call|audit)\b.*$", README, re.M):
        if line.startswith(("#", "|")) or "`paybot" in line:
            continue
        assert re.search(r"(\.venv/bin/paybot|uv run paybot) ", line), line


def test_every_paybot_command_in_the_readme_exists() -> None:
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    used = set(re.findall(r"(?:\.venv/bin/|uv run )paybot ([a-z]+)", README))
    assert used and used <= commands, used - commands
