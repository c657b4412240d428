"""Shared set-up for the Pulumi program tests: import paths, one-time imports, mocks."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `infra` and `scripts` live at the repo root, which `.venv/bin/pytest` does not put on sys.path.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# pulumi_aws.lambda_ warns at import time about a resource type paybot never uses
# (MicrovmsImage). Under filterwarnings=error that would fail whichever test first touches
# aws.lambda_, so the package is imported once here with only that message silenced.
with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore",
        message=r"aws\.lambda/microvmsimage\.MicrovmsImage has been deprecated",
        category=DeprecationWarning,
    )
    import pulumi_aws.lambda_

    pulumi_aws.lambda_.Function  # noqa: B018 - the attribute access is what triggers the lazy import
