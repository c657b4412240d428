"""paybot_core's public API: what `__all__` lists, and who may import past it.

The pattern is httpx's tests/test_exported_members.py. Channels, bench scripts, scripts, infra and
tests import `paybot_core`'s public names only, so the modules inside the core are free to move.
The exceptions are tests whose subject is a module inside the core (SUBJECT_TESTS below): a unit
test of the engine or of an adapter tests that module itself, so it imports it.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import paybot_core

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "packages/core/src/paybot_core"
IMPORTERS = ("packages/channels/src", "bench", "scripts", "infra", "tests")

# Where a test may import a module inside the core, and why: it tests that module itself.
SUBJECT_TESTS = {
    "tests/unit/": "unit tests of the core's own modules: engine, guard, vault, parse, audit chain, ...",
    "tests/contract/": "the ports' contract, run against each adapter",
    "tests/integration/": "the cloud adapters against local servers that speak their wire protocol",
    "tests/hostile/": "card data under attack: the PCI guard's own modules (recogniser, model guard, vault)",
    "tests/connect/test_accounts_and_speech.py": "the account directory adapter",
    "tests/support/crash_server.py": "fault-injecting subclasses of the SQLite store (crash tests)",
    "bench/_turn_driver.py": "also times trees from before this API, through their modules of that time",
}


def core_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of a module inside paybot_core in one file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("paybot_core."):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("paybot_core.")]
    return found


def test_every_public_name_resolves_and_is_listed_once() -> None:
    assert sorted(paybot_core.__all__) == sorted(set(paybot_core.__all__))
    assert set(paybot_core.__all__) == set(paybot_core._EXPORTS)
    for name in paybot_core.__all__:
        value = getattr(paybot_core, name)
        if inspect.isclass(value) or inspect.isfunction(
            value
        ):  # defined in the core, not re-exported from a library
            assert value.__module__.startswith("paybot_core."), (name, value.__module__)
    assert set(paybot_core.__all__) <= set(dir(paybot_core))


def test_type_checkers_see_the_same_names() -> None:
    """The TYPE_CHECKING imports in __init__.py name exactly __all__, each from its real module."""
    tree = ast.parse((CORE / "__init__.py").read_text())
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    seen = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom)
        for alias in node.names:
            seen[alias.asname] = (f"paybot_core{'.' + node.module if node.module else ''}", alias.name)
    assert seen == dict(paybot_core._EXPORTS)


def test_importing_paybot_core_loads_nothing_else() -> None:
    code = "import sys, paybot_core; print(sorted(m for m in sys.modules if m.startswith('paybot_core.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_channels_bench_and_tests_import_only_the_public_api() -> None:
    offenders = []
    for base in IMPORTERS:
        for path in sorted((ROOT / base).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(tuple(SUBJECT_TESTS)):
                continue
            offenders += [f"{rel}:{line} imports {module}" for line, module in core_imports(path)]
    assert offenders == []


def test_channels_import_no_adapter() -> None:
    channels = ROOT / "packages/channels/src"
    assert not [p for p in channels.rglob("*.py") if "paybot_core.adapters" in p.read_text()]


def test_every_package_is_a_regular_package() -> None:
    for src in (ROOT / "packages").glob("*/src"):
        for directory in [d for d in src.rglob("*") if d.is_dir() and d.name != "__pycache__"]:
            if any(directory.glob("*.py")):
                assert (directory / "__init__.py").exists(), directory.relative_to(ROOT)
