"""Regular expressions compiled when the zip is built, not at every cold start.

`re.compile` turns a pattern into the regex engine's program with a parser and compiler written
in Python (`re._parser`, `re._compiler`), then hands that program to the engine (`_sre.compile`);
a start compiles a few hundred patterns at import (the card-number recogniser's, botocore's,
urllib3's): about a tenth of the phone Lambda's cold start CPU (bench/README.md). `make package`
records what the engine was handed for each pattern a start compiles and stores it in the zip
(`FILE_NAME`, beside this module); while a container starts, `precompiled()` hands the engine
the stored program for a pattern it knows, so only the Python half is skipped.

The stored program is what the same interpreter's compiler produced for that pattern and flags
(checked by the interpreter's magic number and the engine's own, `_sre.MAGIC`); a pattern not in
the store, or compiled with `re.DEBUG`, goes through `re` as before. `re`'s own cache works as
always. Outside a zip (tests, `paybot serve`) there is no store and nothing changes.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import marshal
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# re's private halves, untyped: its compiler (Python) and the engine (C).
_compiler: Any = importlib.import_module("re._compiler")
_sre: Any = importlib.import_module("_sre")

FILE_NAME = "regex_code.marshal"
STORE = Path(__file__).with_name(FILE_NAME)
# (pattern, flags) as `re` passes them to its compiler -> the arguments it then gave `_sre.compile`
Programs = dict[tuple[str | bytes, int], tuple[Any, ...]]


def _magic() -> bytes:
    engine: int = _sre.MAGIC
    return importlib.util.MAGIC_NUMBER + engine.to_bytes(4, "little")


def write(path: Path, programs: Programs) -> int:
    """Store the engine's programs, as this interpreter made them; return how many were stored."""
    ordered = {key: programs[key] for key in sorted(programs, key=lambda k: (type(k[0]).__name__, k))}
    path.write_bytes(_magic() + marshal.dumps(ordered))
    return len(ordered)


def load(path: Path) -> Programs:
    """The stored programs; empty when there is no store or another Python version wrote it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    magic = _magic()
    if not data.startswith(magic):
        return {}
    # S302: the store is a file of the deployed code itself, written by `make package` like its pycs.
    programs: Programs = marshal.loads(data[len(magic) :])  # noqa: S302
    return programs


@contextlib.contextmanager
def recording(programs: Programs) -> Iterator[None]:
    """While the block runs, note into `programs` what `re` hands the engine for each new pattern."""
    compile_pattern = _compiler.compile
    engine = _compiler._sre

    class Recorder:
        key: tuple[str | bytes, int] | None = None

        def __getattr__(self, name: str) -> Any:
            return getattr(engine, name)

        def compile(self, *args: Any) -> Any:
            if self.key is not None:
                pattern, flags, code, groups, groupindex, indexgroup = args
                # Plain ints (the compiler's opcodes are named int constants, which marshal refuses).
                program = [int(word) for word in code]
                programs[self.key] = (pattern, int(flags), program, int(groups), dict(groupindex), indexgroup)
            return engine.compile(*args)

    recorder = Recorder()

    def noting(pattern: Any, flags: int = 0) -> Any:
        recorder.key = (pattern, int(flags)) if _storable(pattern, flags) else None
        try:
            return compile_pattern(pattern, flags)
        finally:
            recorder.key = None

    _compiler._sre = recorder
    _compiler.compile = noting
    try:
        yield
    finally:
        _compiler.compile = compile_pattern
        _compiler._sre = engine


@contextlib.contextmanager
def precompiled(path: Path = STORE) -> Iterator[None]:
    """While the block runs, a pattern in the store at `path` is compiled from its stored program."""
    programs = load(path)
    compile_pattern = _compiler.compile
    if not programs or getattr(compile_pattern, "stored", False):  # no store, or an enclosing block's
        yield
        return

    def compile_stored(pattern: Any, flags: int = 0) -> Any:
        stored = programs.get((pattern, flags)) if _storable(pattern, flags) else None
        if stored is None:
            return compile_pattern(pattern, flags)
        return _sre.compile(*stored)

    compile_stored.stored = True  # type: ignore[attr-defined]
    _compiler.compile = compile_stored
    try:
        yield
    finally:
        _compiler.compile = compile_pattern


def _storable(pattern: object, flags: int) -> bool:
    return isinstance(pattern, str | bytes) and not flags & re.DEBUG
