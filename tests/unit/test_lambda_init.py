"""Container init runs without garbage collection and freezes what it built."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from paybot_channels.lambda_init import container_init


@pytest.fixture(autouse=True)
def _restore_collector() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_the_collector_is_off_during_init_and_on_after_with_init_objects_frozen() -> None:
    gc.unfreeze()
    with container_init():
        assert not gc.isenabled()
        built = [object() for _ in range(10)]
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    assert built


def test_a_failing_init_still_turns_the_collector_back_on() -> None:
    with pytest.raises(RuntimeError), container_init():
        raise RuntimeError("settings refused")
    assert gc.isenabled()


def test_a_collector_someone_turned_off_stays_off() -> None:
    gc.disable()
    with container_init():
        pass
    assert not gc.isenabled()


def test_in_a_lambda_container_pydantic_is_told_there_are_no_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    with container_init():
        pass
    assert "PYDANTIC_DISABLE_PLUGINS" not in os.environ  # outside Lambda nothing changes
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "paybot-connect")
    with container_init():
        pass
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "some_plugin")
    with container_init():
        pass
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "some_plugin"  # an operator's own value wins


@pytest.mark.parametrize("package", ["paybot_channels.connect", "paybot_channels.web"])
def test_a_handlers_package_loads_nothing_before_the_handlers_container_init(package: str) -> None:
    # Python imports the package before the handler module: what the package imported itself would
    # be built with the collector on and the dataclass methods compiled from their text.
    code = f"import sys, {package}; print(sorted(m for m in sys.modules if m.startswith('{package}.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
