"""Regular expressions from the build's store: the same patterns as compiling them gives."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from paybot_channels import regex_code

PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<brand>visa|amex)\s+(?P<last4>\d{4})", re.IGNORECASE),
    (r"[0-9*#]*", 0),
    (rb"\x00+(?=end)", 0),
    ("(?x) card \\s+ number  # spaced out", 0),
    (r"\b(\d[ -]?){13,19}\b", re.ASCII),
]


def _compile_all() -> list[re.Pattern[Any]]:
    re.purge()  # re's own cache would answer without compiling
    return [re.compile(pattern, flags) for pattern, flags in PATTERNS]


class _CountingEngine:
    def __init__(self, engine: Any) -> None:
        self.engine, self.calls = engine, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def compile(self, *args: Any) -> Any:
        self.calls += 1
        return self.engine.compile(*args)


def _store(tmp_path: Path) -> Path:
    programs: regex_code.Programs = {}
    with regex_code.recording(programs):
        _compile_all()
    store = tmp_path / regex_code.FILE_NAME
    assert regex_code.write(store, programs) == len(PATTERNS)
    return store


def test_patterns_from_the_store_are_the_patterns_compiling_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path)
    plain = _compile_all()
    before = regex_code._compiler.compile
    engine = _CountingEngine(regex_code._sre)
    monkeypatch.setattr(regex_code, "_sre", engine)
    parsed: list[object] = []
    original = regex_code._compiler._parser.parse
    monkeypatch.setattr(regex_code._compiler._parser, "parse", lambda *a: parsed.append(a) or original(*a))
    with regex_code.precompiled(store):
        stored = _compile_all()
    assert engine.calls == len(PATTERNS) and parsed == []  # every one from its stored program
    assert stored == plain  # a Pattern equals another with the same pattern, flags and program
    card = stored[0].match("VISA  4242")
    assert card is not None and card.groupdict() == {"brand": "VISA", "last4": "4242"}
    assert stored[2].search(b"ab\x00\x00end") is not None and stored[0].groupindex == plain[0].groupindex
    assert regex_code._compiler.compile is before  # re's own compiler again once init is over


def test_outside_the_block_and_for_unknown_or_debug_patterns_re_compiles_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _store(tmp_path)
    before = regex_code._compiler.compile
    with regex_code.precompiled(store):
        re.purge()
        assert re.compile(r"\d{3}-\d{4}").fullmatch("555-0100")
        re.compile(r"ab", re.DEBUG)  # the debug listing is still printed: compiled by re itself
    assert "LITERAL" in capsys.readouterr().out
    assert regex_code._compiler.compile is before


def test_a_store_from_another_engine_or_interpreter_is_ignored(tmp_path: Path) -> None:
    store = _store(tmp_path)
    data = store.read_bytes()
    store.write_bytes(data[:4] + bytes([data[4] ^ 1]) + data[5:])  # another `_sre.MAGIC`
    assert regex_code.load(store) == {}
    before = regex_code._compiler.compile
    with regex_code.precompiled(store):
        assert regex_code._compiler.compile is before
    assert regex_code.load(tmp_path / "missing.marshal") == {}
