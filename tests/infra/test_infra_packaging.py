"""The Lambda packager: byte-identical zips from one tree, and the right dependency sets."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from scripts import package_lambda

pytestmark = pytest.mark.infra


def _tree(root: Path, mtime: int, mode: int) -> Path:
    (root / "pkg" / "__pycache__").mkdir(parents=True)
    (root / "pkg" / "sub").mkdir()
    (root / "pkg" / "__init__.py").write_text("VALUE = 1\n")
    (root / "pkg" / "sub" / "b.py").write_text("B = 2\n")
    (root / "pkg" / "a.py").write_text("A = 3\n")
    (root / "pkg" / "data.bin").write_bytes(bytes(range(256)))
    (root / "pkg" / "__pycache__" / "a.cpython-312.pyc").write_bytes(b"\x00junk")
    (root / "pkg" / "stale.pyc").write_bytes(b"\x00junk")
    for path in root.rglob("*"):
        if path.is_file():
            path.chmod(mode)
        os.utime(path, (mtime, mtime))
    return root


def test_write_zip_is_byte_identical_whatever_the_mtimes_and_modes(tmp_path: Path) -> None:
    first = _tree(tmp_path / "one", mtime=1_000_000_000, mode=0o600)
    second = _tree(tmp_path / "two", mtime=1_700_000_000, mode=0o755)

    size_one = package_lambda.write_zip(first, tmp_path / "one.zip")
    size_two = package_lambda.write_zip(second, tmp_path / "two.zip")

    assert size_one == size_two
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()


def test_write_zip_sorts_entries_and_fixes_metadata(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree", mtime=1_600_000_000, mode=0o700)
    package_lambda.prune_tree(tree)
    package_lambda.write_zip(tree, tmp_path / "out.zip")

    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        entries = archive.infolist()
        names = [entry.filename for entry in entries]
        assert names == ["pkg/__init__.py", "pkg/a.py", "pkg/data.bin", "pkg/sub/b.py"]
        assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}
        assert {entry.external_attr >> 16 for entry in entries} == {0o100644}
        assert {entry.compress_type for entry in entries} == {zipfile.ZIP_DEFLATED}
        assert archive.read("pkg/data.bin") == bytes(range(256))


def test_rebuilding_over_an_existing_zip_gives_the_same_bytes(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree", mtime=1_600_000_000, mode=0o644)
    out = tmp_path / "dist" / "web.zip"
    package_lambda.write_zip(tree, out)
    first = out.read_bytes()
    (tree / "pkg" / "a.py").touch()
    package_lambda.write_zip(tree, out)
    assert out.read_bytes() == first
    assert not out.with_suffix(".zip.tmp").exists()


def test_prune_tree_drops_bytecode_scripts_and_install_records(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree", mtime=1_600_000_000, mode=0o644)
    (tree / "bin").mkdir()
    (tree / "bin" / "fastapi").write_text("#!/usr/bin/python\n")
    (tree / "x-1.0.dist-info").mkdir()
    (tree / "x-1.0.dist-info" / "RECORD").write_text("pkg/a.py,,\n")
    (tree / "x-1.0.dist-info" / "METADATA").write_text("Name: x\n")

    package_lambda.prune_tree(tree)

    left = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
    assert left == [
        "pkg/__init__.py",
        "pkg/a.py",
        "pkg/data.bin",
        "pkg/sub/b.py",
        "x-1.0.dist-info/METADATA",
    ]


def _uv() -> str:
    try:
        return package_lambda.find_uv(None)
    except package_lambda.PackagingError:
        pytest.skip("uv is not installed (make install provides it)")


def _names(requirements: list[str]) -> set[str]:
    return {line.split("==", 1)[0].lower() for line in requirements}


def test_web_requirements_exclude_the_runtimes_boto3_and_uvicorns_extras() -> None:
    names = _names(package_lambda.export_requirements(_uv(), package_lambda.SPECS["web"].exports))
    assert {"fastapi", "mangum", "pydantic", "cryptography", "stripe"} <= names
    assert not names & {"boto3", "botocore", "s3transfer", "uvicorn", "uvloop", "httptools", "watchfiles"}
    assert "pydantic-settings" not in names  # settings read the environment themselves (cold start)


def test_connect_requirements_hold_the_encryption_sdk_but_no_web_stack() -> None:
    names = _names(package_lambda.export_requirements(_uv(), package_lambda.SPECS["connect"].exports))
    assert {"aws-encryption-sdk", "cryptography", "stripe", "pydantic"} <= names
    assert "pydantic-settings" not in names
    assert not names & {"boto3", "botocore", "fastapi", "fastapi-offline", "starlette", "mangum", "uvicorn"}


def test_copy_source_leaves_out_excluded_parts(tmp_path: Path) -> None:
    src = tmp_path / "src" / "pkgx"
    (src / "web").mkdir(parents=True)
    (src / "connect").mkdir()
    (src / "__init__.py").write_text("")
    (src / "web" / "app.py").write_text("")
    (src / "connect" / "handler.py").write_text("")
    (src / "cli.py").write_text("")
    source = package_lambda.Source(str(src), exclude=("web", "cli.py"))
    package_lambda.copy_source(source, tmp_path / "out")
    left = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.py"))
    assert left == ["pkgx/__init__.py", "pkgx/connect/handler.py"]


LOCK_DEPS = {"cryptography": {"cffi"}, "cffi": {"pycparser"}, "pycparser": set(), "stripe": {"requests"}}
WEB_PINS = ["cffi==2.1.1", "cryptography==50.0.2", "fastapi==1.0", "pycparser==3.12"]
CONNECT_PINS = ["cffi==2.1.1", "cryptography==50.0.2", "pycparser==3.12", "stripe==16.1.0"]


CRYPTO_LAYER = package_lambda.LayerSpec("deps-layer", ("cryptography", "cffi", "pycparser"), 8)


def test_layer_takes_its_pins_from_the_functions_and_they_leave_them_out() -> None:
    layer = CRYPTO_LAYER
    pins = package_lambda.layer_requirements({"web": WEB_PINS, "connect": CONNECT_PINS}, layer, LOCK_DEPS)
    assert pins == ["cffi==2.1.1", "cryptography==50.0.2", "pycparser==3.12"]
    assert package_lambda.without_layer(WEB_PINS, layer) == ["fastapi==1.0"]
    assert package_lambda.without_layer(CONNECT_PINS, layer) == ["stripe==16.1.0"]


def test_layer_refuses_a_package_one_function_does_not_need() -> None:
    layer = package_lambda.LayerSpec("deps-layer", ("cryptography", "cffi", "pycparser", "stripe"), 8)
    with pytest.raises(package_lambda.PackagingError, match=r"web does not depend on .*stripe"):
        package_lambda.layer_requirements({"web": WEB_PINS, "connect": CONNECT_PINS}, layer, LOCK_DEPS)


def test_layer_refuses_to_leave_out_a_dependency_of_what_it_holds() -> None:
    layer = package_lambda.LayerSpec("deps-layer", ("cryptography",), 8)
    with pytest.raises(package_lambda.PackagingError, match=r"cryptography needs \['cffi'\]"):
        package_lambda.layer_requirements({"web": WEB_PINS}, layer, LOCK_DEPS)


def test_layer_is_closed_under_the_real_lock() -> None:
    deps = package_lambda.lock_dependencies(package_lambda.ROOT / "uv.lock")
    layer = package_lambda.LAYER
    for name in layer.packages:
        assert deps[name] <= set(layer.packages), name


def test_a_function_tree_shipping_a_layer_module_is_refused(tmp_path: Path) -> None:
    layer = tmp_path / "layer" / "python"
    (layer / "cryptography").mkdir(parents=True)
    (layer / "_cffi_backend.cpython-312-x86_64-linux-gnu.so").write_bytes(b"")
    function = tmp_path / "web"
    (function / "stripe").mkdir(parents=True)
    (function / ".lock").write_text("")
    package_lambda.assert_disjoint(function, layer)
    (function / "_cffi_backend.cpython-312-x86_64-linux-gnu.so").write_bytes(b"")
    with pytest.raises(package_lambda.PackagingError, match="_cffi_backend"):
        package_lambda.assert_disjoint(function, layer)


def test_a_distribution_declaring_a_pydantic_plugin_is_refused(tmp_path: Path) -> None:
    # The handlers turn pydantic's plugin lookup off at init, so a plugin in the zips would not run.
    info = tmp_path / "logfire-1.0.dist-info"
    info.mkdir()
    (info / "entry_points.txt").write_text("[console_scripts]\nlogfire = logfire.cli:main\n")
    package_lambda.assert_no_pydantic_plugins(tmp_path)
    (info / "entry_points.txt").write_text("[pydantic]\nlogfire = logfire.integrations.pydantic:plugin\n")
    with pytest.raises(package_lambda.PackagingError, match=r"logfire-1\.0\.dist-info declares a pydantic"):
        package_lambda.assert_no_pydantic_plugins(tmp_path)


def test_both_real_function_requirement_sets_hold_the_whole_layer() -> None:
    uv = _uv()
    specs = package_lambda.SPECS
    pins = {name: package_lambda.export_requirements(uv, spec.exports) for name, spec in specs.items()}
    deps = package_lambda.lock_dependencies(package_lambda.ROOT / "uv.lock")
    layer = package_lambda.layer_requirements(pins, package_lambda.LAYER, deps)
    assert _names(layer) == {"cryptography", "cffi", "pycparser", "pydantic-core", "typing-extensions"}
    for lines in pins.values():
        assert not _names(package_lambda.without_layer(lines, package_lambda.LAYER)) & _names(layer)


# ---------------------------------------------------------------- bytecode

OWN_MODULE = '''"""A module of ours."""
KINDS = {"visa", "mastercard", "amex", "discover", "jcb"}


def kind(name: str) -> bool:
    return name in {"a", "b", "c", "d", "e", "f"} and name not in KINDS
'''


@pytest.fixture(scope="module")
def python312() -> str:
    found = package_lambda.find_python(None, "3.12")
    if found is None:
        pytest.skip("no Python 3.12 interpreter here (the Lambda runtime's version)")
    return found


def _function_tree(root: Path, mtime: int) -> Path:
    """Our package with sources, and real third-party packages (pydantic, idna) as wheels leave them."""
    import idna
    import pydantic

    (root / "paybot_x").mkdir(parents=True)
    (root / "paybot_x" / "__init__.py").write_text(OWN_MODULE)
    shutil.copytree(Path(pydantic.__file__).parent, root / "pydantic")
    shutil.copytree(Path(idna.__file__).parent, root / "idna")
    (root / "pydantic-2.0.dist-info").mkdir()
    (root / "pydantic-2.0.dist-info" / "METADATA").write_text("Name: pydantic\n")
    package_lambda.prune_tree(root)
    for path in root.rglob("*"):
        os.utime(path, (mtime, mtime))
    return root


def test_two_builds_in_different_folders_compile_to_the_same_bytes(tmp_path: Path, python312: str) -> None:
    zips = []
    for n, mtime in ((1, 1_000_000_000), (2, 1_700_000_000)):
        tree = _function_tree(tmp_path / f"build-{n}" / "web", mtime)
        package_lambda.compile_bytecode(tree, python312, package_lambda.TASK_ROOT, own=["paybot_x"])
        package_lambda.write_zip(tree, tmp_path / f"web-{n}.zip")
        zips.append((tmp_path / f"web-{n}.zip").read_bytes())
    assert zips[0] == zips[1]


def test_bytecode_is_hash_based_unchecked_and_third_party_ships_only_bytecode(
    tmp_path: Path, python312: str
) -> None:
    tree = _function_tree(tmp_path / "web", 1_600_000_000)
    package_lambda.compile_bytecode(tree, python312, package_lambda.TASK_ROOT, own=["paybot_x"])

    ours = tree / "paybot_x" / "__pycache__" / "__init__.cpython-312.pyc"
    assert (tree / "paybot_x" / "__init__.py").read_text() == OWN_MODULE
    theirs = sorted(tree.joinpath("pydantic").rglob("*.pyc"))
    assert theirs and not list(tree.joinpath("pydantic").rglob("*.py"))
    assert not list(tree.joinpath("pydantic").rglob("__pycache__"))
    for pyc in [ours, *theirs]:
        flags = int.from_bytes(pyc.read_bytes()[4:8], "little")
        assert flags == 0b01, pyc  # PEP 552: hash-based (bit 0), source not checked (bit 1 clear)
    # The file names inside are where Lambda puts the code, not this build folder.
    assert b"/var/task/paybot_x/__init__.py" in ours.read_bytes()
    assert str(tmp_path).encode() not in ours.read_bytes()


def test_the_bytecode_imports_without_its_sources_and_nothing_is_compiled(
    tmp_path: Path, python312: str
) -> None:
    import subprocess

    tree = _function_tree(tmp_path / "task", 1_600_000_000)
    package_lambda.compile_bytecode(tree, python312, package_lambda.TASK_ROOT, own=["paybot_x"])
    (tree / "idna" / "package_data.pyc").unlink()  # one module without bytecode: the check must see it
    (tree / "idna" / "package_data.py").write_text("__version__ = '3'\n")
    code = (
        "import importlib.machinery as m, sys, json; seen = []\n"
        "original = m.SourceFileLoader.source_to_code\n"
        "m.SourceFileLoader.source_to_code = lambda self, data, path, *a, **k: seen.append(path) or "
        "original(self, data, path, *a, **k)\n"
        f"sys.path.insert(0, {str(tree)!r}); import paybot_x, idna\n"
        "print(json.dumps([paybot_x.kind('a'), seen, type(paybot_x.__loader__).__name__]))"
    )
    result = subprocess.run(
        [python312, "-I", "-S", "-B", "-c", code], capture_output=True, text=True, check=True
    )
    kind, compiled, loader = __import__("json").loads(result.stdout)
    assert kind is True and loader == "SourceFileLoader"
    assert compiled == [str(tree / "idna" / "package_data.py")]


DATACLASS_MODULE = '''"""Dataclasses and a regular expression of ours."""
import re
from dataclasses import dataclass

LAST4 = re.compile(r"(?P<last4>\\d{4})$")


@dataclass(frozen=True)
class Card:
    brand: str
    last4: str
    exp_month: int | None = None
'''


def test_the_stored_dataclass_code_is_the_same_build_after_build_and_covers_our_classes(
    tmp_path: Path, python312: str
) -> None:
    import subprocess

    import paybot_channels.dataclass_code
    import paybot_channels.regex_code

    spec = package_lambda.ZipSpec(
        name="x",
        handler_module="paybot_x",
        exports=(),
        sources=(package_lambda.Source("src/paybot_x"), package_lambda.Source("src/paybot_channels")),
        max_mb=1,
    )
    stores = []
    for n in (1, 2):
        tree = tmp_path / f"build-{n}" / "task"
        (tree / "paybot_x").mkdir(parents=True)
        (tree / "paybot_x" / "__init__.py").write_text(DATACLASS_MODULE)
        (tree / "paybot_channels").mkdir()
        (tree / "paybot_channels" / "__init__.py").write_text("")
        for module in (paybot_channels.dataclass_code, paybot_channels.regex_code):
            shutil.copy(str(module.__file__), tree / "paybot_channels" / Path(str(module.__file__)).name)
        (tmp_path / f"build-{n}" / "layer").mkdir()
        package_lambda.store_start_code(spec, tree, tmp_path / f"build-{n}" / "layer", python312)
        stores.append(tree / "paybot_channels" / "dataclass_code.marshal")
    assert stores[0].read_bytes() == stores[1].read_bytes()
    patterns = [store.with_name("regex_code.marshal").read_bytes() for store in stores]
    assert patterns[0] == patterns[1] and b"(?P<last4>" in patterns[0]
    # Read by the runtime's interpreter: Card's methods are there, and a class made with them works.
    code = (
        f"import sys; sys.path.insert(0, {str(stores[0].parent.parent)!r})\n"
        "from paybot_channels import dataclass_code as d\n"
        "texts, found = d.load(d.STORE), []\n"
        "class Counted(dict):\n"
        "    def get(self, text, default=None):\n"
        "        found.append(text in self)\n"
        "        return dict.get(self, text, default)\n"
        "d.load = lambda path: Counted(texts)\n"
        "with d.precompiled():\n"
        "    import paybot_x\n"
        "card = paybot_x.Card('visa', '4242')\n"
        "print(len(texts), sum(found), len(found), card == paybot_x.Card('visa', '4242'))"
    )
    result = subprocess.run(
        [python312, "-I", "-S", "-B", "-c", code], capture_output=True, text=True, check=True
    )
    stored, hits, lookups, equal = result.stdout.split()
    # Card's six methods (frozen: init, repr, eq, hash, setattr, delattr), every one from the store.
    assert int(stored) >= 6 and int(hits) == int(lookups) == 6 and equal == "True"
