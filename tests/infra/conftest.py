"""Shared set-up for the Pulumi program tests: import paths, one-time imports, mocks."""

from __future__ import annotations

import asyncio
import sys
import warnings
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session", autouse=True)
def _close_pulumi_worker_loops() -> Iterator[None]:
    """Close the event loops Pulumi's mocks create in their worker threads and never close.

    `pulumi.runtime.sync_await._ensure_event_loop` calls `asyncio.new_event_loop()` in each
    thread-pool worker that registers a resource. Left open, their self-pipe sockets reach the
    garbage collector at exit as ResourceWarnings, which `filterwarnings = error` turns into a
    failed run (depending on collection timing, hence only in some test orders).
    """
    created: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()
    original = asyncio.new_event_loop

    def tracking_new_event_loop() -> asyncio.AbstractEventLoop:
        loop = original()
        created.add(loop)
        return loop

    asyncio.new_event_loop = tracking_new_event_loop
    try:
        yield
    finally:
        asyncio.new_event_loop = original
        for loop in list(created):
            if not loop.is_running() and not loop.is_closed():
                loop.close()
