"""Dataclass methods from the build's store: the same classes as compiling their text gives."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from paybot_channels import dataclass_code


def _texts(make: Any) -> list[str]:
    """The method texts `@dataclass` compiles for the classes `make()` defines."""
    seen: list[str] = []

    def recording(text: str, globals: Any = None, locals: Any = None) -> None:
        seen.append(text)
        exec(compile(text, "<string>", "exec", dont_inherit=True), globals, locals)

    setattr(dataclasses, "exec", recording)  # noqa: B010
    try:
        make()
    finally:
        delattr(dataclasses, "exec")
    return seen


def _classes() -> tuple[type, type]:
    @dataclasses.dataclass(frozen=True)
    class Card:
        brand: str
        last4: str
        exp_month: int | None = None
        fields: tuple[str, ...] = ()

    @dataclasses.dataclass
    class Tally:
        name: str
        counts: dict[str, int] = dataclasses.field(default_factory=dict)

    return Card, Tally


METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


def _codes(cls: type) -> dict[str, object]:
    return {name: vars(cls)[name].__code__ for name in METHODS if callable(vars(cls).get(name))}


def test_classes_made_from_the_store_are_the_classes_compiling_gives(tmp_path: Path) -> None:
    store = tmp_path / dataclass_code.FILE_NAME
    texts = _texts(_classes)
    assert dataclass_code.write(store, texts) == len(set(texts)) > 6

    used: list[str] = []
    original = dataclass_code.load

    def load(path: Path) -> dict[str, bytes]:
        codes = original(path)
        used.extend(codes)
        return codes

    plain_card, plain_tally = _classes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dataclass_code, "load", load)
        with dataclass_code.precompiled(store):
            assert "exec" in vars(dataclasses)
            card, tally = _classes()
    assert "exec" not in vars(dataclasses)  # the builtin again once init is over
    assert sorted(used) == sorted(set(texts))
    assert _codes(card) == _codes(plain_card) and _codes(tally) == _codes(plain_tally)
    # Same behaviour, not only the same code: init, defaults, equality, hash, frozenness, repr.
    one, other = card("visa", "4242"), card("visa", "4242")
    assert one == other and hash(one) == hash(other) and one.fields == ()
    assert repr(one).endswith("Card(brand='visa', last4='4242', exp_month=None, fields=())")
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.brand = "amex"  # type: ignore[misc]
    assert tally("a").counts == {} and tally("a").counts is not tally("a").counts


def test_a_text_missing_from_the_store_is_compiled_without_this_modules_future_flags(tmp_path: Path) -> None:
    store = tmp_path / dataclass_code.FILE_NAME
    dataclass_code.write(store, ["def __create_fn__():\n def f():\n  return 1\n return f"])
    plain_card, _ = _classes()
    with dataclass_code.precompiled(store):
        card, _ = _classes()
    # `from __future__ import annotations` (here and in dataclass_code) would change __init__'s code.
    assert _codes(card) == _codes(plain_card)


def test_without_a_store_or_with_another_versions_store_nothing_changes(tmp_path: Path) -> None:
    with dataclass_code.precompiled(tmp_path / "missing.marshal"):
        assert "exec" not in vars(dataclasses)
    other = tmp_path / "other.marshal"
    dataclass_code.write(other, _texts(_classes))
    data = other.read_bytes()
    magic = importlib.util.MAGIC_NUMBER
    other.write_bytes(bytes([magic[0] ^ 1]) + data[1:])  # written by another interpreter version
    assert dataclass_code.load(other) == {}
    with dataclass_code.precompiled(other):
        assert "exec" not in vars(dataclasses)


def test_a_nested_block_leaves_the_enclosing_store_in_place(tmp_path: Path) -> None:
    store = tmp_path / dataclass_code.FILE_NAME
    dataclass_code.write(store, _texts(_classes))
    with dataclass_code.precompiled(store):
        outer = vars(dataclasses)["exec"]
        with dataclass_code.precompiled(store):
            assert vars(dataclasses)["exec"] is outer
        assert vars(dataclasses)["exec"] is outer
    assert "exec" not in vars(dataclasses)
