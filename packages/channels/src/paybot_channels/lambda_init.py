"""What both Lambda handlers do while a container starts: no garbage collection until it is up.

A cold start allocates hundreds of thousands of objects (modules, classes, pydantic schemas,
boto3's service models) and frees almost none, so every collection the allocation count
triggers walks a growing heap to find nothing: a third of a second of a cold start, measured
(bench/README.md). After init, `gc.freeze()` moves what init built into a permanent generation
that later collections skip: it lives as long as the container anyway.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator


@contextlib.contextmanager
def container_init() -> Iterator[None]:
    """Run a container's init with the collector off, then freeze what it built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def in_lambda_container() -> bool:
    """Whether this process is a Lambda function's (the runtime sets AWS_LAMBDA_FUNCTION_NAME)."""
    return "AWS_LAMBDA_FUNCTION_NAME" in os.environ
