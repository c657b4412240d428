"""Pulumi entry point (`main: infra/` in Pulumi.yaml)."""

import sys
from pathlib import Path

# Pulumi runs this file by path; the repo root must be importable for `infra.*`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra.config import load_config
from infra.program import build_stack

build_stack(load_config())
