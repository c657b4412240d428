"""Each built function zip imports under Python 3.12 with the shared layer, as Lambda loads it.

Uses the zips `make package` left in dist/lambda/ and never builds or downloads anything: it
skips when they are missing, older than the sources they were built from, or when no Python
3.12 (the Lambda runtime's) is installed. `make package` runs the same check after a build.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import package_lambda

pytestmark = [pytest.mark.infra, pytest.mark.slow]
OUT = package_lambda.DEFAULT_OUT
SOURCES = ("packages/core/src", "packages/channels/src")


def _newest_source() -> float:
    paths = [package_lambda.ROOT / "uv.lock"]
    for tree in SOURCES:
        paths += (package_lambda.ROOT / tree).rglob("*.py")
    return max(path.stat().st_mtime for path in paths)


@pytest.fixture(scope="module")
def python() -> str:
    found = package_lambda.find_python(None, "3.12")
    if found is None:
        pytest.skip("no Python 3.12 interpreter here (the Lambda runtime's version)")
    return found


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lambda")


@pytest.mark.parametrize("name", sorted(package_lambda.SPECS))
def test_function_imports_its_handler_with_cryptography_from_the_layer(
    name: str, python: str, work: Path
) -> None:
    zips = [OUT / f"{name}.zip", OUT / f"{package_lambda.LAYER.name}.zip"]
    if not all(path.exists() for path in zips):
        pytest.skip("dist/lambda has no layer build: run `make package`")
    if min(path.stat().st_mtime for path in zips) < _newest_source():
        pytest.skip("dist/lambda is older than the sources: run `make package` to check it")
    spec = package_lambda.SPECS[name]
    if not package_lambda.handler_in_zip(spec, OUT):
        pytest.skip(f"{spec.handler_module} is not written yet")

    report = package_lambda.check_imports(spec, OUT, python, work)

    assert str(report["python"]).startswith("3.12.")
    loaded = report["loaded"]
    assert isinstance(loaded, dict)
    assert loaded[spec.handler_module].startswith(f"var/{name}/task/")
    assert loaded["cryptography"] == "opt/python/cryptography/__init__.pyc"
    assert loaded["_cffi_backend"].startswith("opt/python/_cffi_backend")
    assert loaded["pydantic_core"] == "opt/python/pydantic_core/__init__.pyc"
    # Every module of the zips ran from the bytecode they carry; none was compiled at import.
    assert report["from_source"] == []
    assert isinstance(report["from_bytecode"], int) and report["from_bytecode"] > 100
