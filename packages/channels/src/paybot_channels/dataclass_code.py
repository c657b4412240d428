"""Dataclass methods compiled when the zip is built, not at every cold start.

`@dataclass` writes each method it adds (`__init__`, `__repr__`, `__eq__`, and on a frozen class
`__hash__`, `__setattr__`, `__delattr__`) as source text and compiles it with `exec`, one text
after another: on Python 3.12 about 1 ms of CPU a frozen class, a tenth of the phone Lambda's
cold start for the ~130 dataclasses its init makes (bench/README.md). `make package` records the
texts a start compiles and stores their code, compiled by the Lambda runtime's interpreter, in
the zip (`FILE_NAME`, beside this module). While a container starts, `precompiled()` points the
dataclasses module's `exec` at that store.

The stored code of a text is what compiling the text gives (same interpreter version, checked
by the file's magic number, and the same flags: none, as in the dataclasses module), so every
class comes out as it would have; a text not in the store is compiled as before. Outside a zip
(tests, `paybot serve`) there is no store and nothing changes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import marshal
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import CodeType
from typing import Any

FILE_NAME = "dataclass_code.marshal"
STORE = Path(__file__).with_name(FILE_NAME)


def _compiled(text: str) -> CodeType:
    # dont_inherit: no __future__ flags of this module's (`annotations`) get into the methods.
    return compile(text, "<string>", "exec", dont_inherit=True)


def write(path: Path, texts: Iterable[str]) -> int:
    """Store the code of each text, compiled by this interpreter; return how many were stored."""
    codes = {text: marshal.dumps(_compiled(text)) for text in sorted(set(texts))}
    path.write_bytes(importlib.util.MAGIC_NUMBER + marshal.dumps(codes))
    return len(codes)


def load(path: Path) -> dict[str, bytes]:
    """The stored code by text; empty when there is no store or another Python version wrote it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    magic = importlib.util.MAGIC_NUMBER
    if not data.startswith(magic):
        return {}
    # S302: the store is a file of the deployed code itself, written by `make package` like its pycs.
    codes: dict[str, bytes] = marshal.loads(data[len(magic) :])  # noqa: S302
    return codes


@contextlib.contextmanager
def precompiled(path: Path = STORE) -> Iterator[None]:
    """While the block runs, dataclasses' methods come from the store at `path` where it has them."""
    codes = load(path)
    if not codes or "exec" in vars(dataclasses):  # no store, or an enclosing block put one in place
        yield
        return

    def exec_stored(text: Any, globals: dict[str, Any] | None = None, locals: Any = None) -> None:
        stored = codes.get(text) if isinstance(text, str) else None
        code = marshal.loads(stored) if stored is not None else _compiled(text)  # noqa: S302
        exec(code, globals, locals)  # noqa: S102 - the dataclasses module's own exec, of its own text

    setattr(dataclasses, "exec", exec_stored)  # noqa: B010 - a module global shadowing the builtin
    try:
        yield
    finally:
        delattr(dataclasses, "exec")
