"""What both Lambda handlers do while a container starts: no garbage collection until it is up.

A cold start allocates hundreds of thousands of objects (modules, classes, pydantic schemas,
boto3's service models) and frees almost none, so every collection the allocation count
triggers walks a growing heap to find nothing: a third of a second of a cold start, measured
(bench/README.md). After init, `gc.freeze()` moves what init built into a permanent generation
that later collections skip: it lives as long as the container anyway.

In a Lambda container, pydantic is also told that there are no plugins to look for
(`PYDANTIC_DISABLE_PLUGINS`): otherwise its first schema reads the entry points of every
distribution on sys.path to find some, a twentieth of the phone's cold start (bench/README.md).
None ships in the zips: `make package` refuses a distribution that declares one.

And what Python 3.12 compiles class after class and pattern after pattern at import comes from
what `make package` compiled for the zip: the methods `@dataclass` writes (`dataclass_code`)
and the regular expressions' programs (`regex_code`).
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator

from . import dataclass_code, regex_code


@contextlib.contextmanager
def container_init() -> Iterator[None]:
    """Run a container's init with the collector off, then freeze what it built."""
    if in_lambda_container():
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # an operator's own value wins
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with dataclass_code.precompiled(), regex_code.precompiled():
            yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def in_lambda_container() -> bool:
    """Whether this process is a Lambda function's (the runtime sets AWS_LAMBDA_FUNCTION_NAME)."""
    return "AWS_LAMBDA_FUNCTION_NAME" in os.environ
