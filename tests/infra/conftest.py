"""Shared set-up for the Pulumi program tests: import paths, one-time imports, mocks."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

PULUMI_AWS_SERVICES = (
    "apigatewayv2",
    "cloudfront",
    "cloudwatch",
    "connect",
    "dynamodb",
    "iam",
    "kms",
    "lambda_",
    "s3",
    "secretsmanager",
    "sns",
)
ROOT = Path(__file__).resolve().parents[2]
# `infra` and `scripts` live at the repo root, which `.venv/bin/pytest` does not put on sys.path.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# pulumi_aws's service packages warn at import time about deprecated resource types paybot
# never uses (e.g. lambda_.MicrovmsImage, s3.BucketAccelerateConfigurationV2). Under
# filterwarnings=error that would fail whichever test first touches the package, so the
# packages paybot uses are imported once here, silencing only DeprecationWarnings raised by
# pulumi_aws's own modules during that import.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"pulumi_aws\.")
    import importlib

    for _service in PULUMI_AWS_SERVICES:
        # Lazy modules: an attribute lookup is what executes them.
        getattr(importlib.import_module(f"pulumi_aws.{_service}"), "paybot_loaded", None)
