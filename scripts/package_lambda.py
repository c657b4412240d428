"""Build paybot's Lambda zips: deterministic, for the Lambda platform, without boto3.

    python scripts/package_lambda.py                # web.zip, connect.zip, deps-layer.zip
    python scripts/package_lambda.py --only web --arch arm64
    python scripts/package_lambda.py --check-only   # only the import check of built zips

Three artifacts go to dist/lambda/: one zip per function, and deps-layer.zip, a Lambda layer
(`python/...` at its root) holding the compiled extensions both functions share
(cryptography with cffi, pydantic-core), uploaded once instead of once per function. The
function zips leave out what the layer holds.

Third-party versions come from uv.lock (through `uv export`), so a rebuild installs the very
same wheels; the workspace packages are copied from their source trees. The zip writer fixes
every timestamp, permission and the entry order, so two builds of one tree are byte-identical.

Every zip carries bytecode compiled by the target interpreter (Python 3.12, as Lambda runs):
Lambda's /var/task and /opt are read-only, so without it every cold start compiles FastAPI,
pydantic and stripe from source and throws the result away (about half of a cold start). See
`compile_bytecode` for why the pycs are hash-based and unchecked, and why third-party packages
ship bytecode only.

After a build, each function is imported the way Lambda would load it (function zip first on
sys.path, then the layer's python/, then the runtime's boto3) with the Python 3.12
interpreter; the check fails if any module of the zips was compiled from source.
"""

# S603: every command line here is built from this file's constants and uv.lock, not from input.
# ruff: noqa: S603

from __future__ import annotations

import argparse
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "dist" / "lambda"

# The Lambda Python runtime ships boto3/botocore (and their own deps); bundling them only
# adds ~20 MB and a second copy to keep patched.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")
# Never useful inside a Lambda package, and a source of non-determinism or weight.
# (Bytecode that wheels ship is dropped too: it was compiled elsewhere, by another interpreter
# perhaps; `compile_bytecode` writes the bytecode the zips carry.)
DROPPED_DIR_NAMES = frozenset({"__pycache__", "tests"})
DROPPED_SUFFIXES = (".pyc", ".pyo")
# Where Lambda extracts a function zip and a layer: the file names compiled into the bytecode,
# which tracebacks show.
TASK_ROOT = "/var/task"
LAYER_ROOT = "/opt/python"
# 1980-01-01 is the earliest timestamp a zip entry can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644

# Parts of wheels the Lambdas never import, each with the reason it is safe to drop.
TRIMS = {
    # ~1 MB zipped of TypedDicts: stripe's own modules import them only under TYPE_CHECKING
    # (checked when this was written; `trim_tree` refuses if our code imports them).
    "stripe/params": "stripe.params",
}

PLATFORMS = {"x86_64": "x86_64-manylinux2014", "arm64": "aarch64-manylinux2014"}
# What the Lambda Python runtime puts on sys.path after the function and its layers; the
# import check lends these (pure Python) from this environment to stand in for the runtime.
RUNTIME_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")


@dataclass(frozen=True)
class Export:
    """One `uv export` of a workspace member with its extras, minus pruned subtrees."""

    package: str
    extras: tuple[str, ...] = ()
    prune: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """A workspace package copied from its source tree, without some sub-paths."""

    path: str
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class ZipSpec:
    """What goes into one Lambda zip."""

    name: str
    handler_module: str
    exports: tuple[Export, ...]
    sources: tuple[Source, ...]
    max_mb: float
    # Imported by the import check besides the handler: what the first request loads lazily.
    check_modules: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayerSpec:
    """The shared dependency layer: distributions every function needs, installed once."""

    name: str
    packages: tuple[str, ...]
    max_mb: float


CORE = "packages/core/src/paybot_core"
CHANNELS = "packages/channels/src/paybot_channels"

SPECS = {
    "web": ZipSpec(
        name="web",
        handler_module="paybot_channels.web.lambda_handler",
        exports=(
            # uvicorn is only for `paybot serve`; API Gateway + Mangum replace it in Lambda.
            Export("paybot-channels", prune=("uvicorn", *RUNTIME_PROVIDED)),
            Export("paybot-core", extras=("stripe",), prune=RUNTIME_PROVIDED),
        ),
        sources=(Source(CORE), Source(CHANNELS, exclude=("cli.py",))),
        max_mb=10,
        check_modules=("paybot_core.pci.vault", "paybot_core.adapters.dynamodb_store", "stripe"),
    ),
    "connect": ZipSpec(
        name="connect",
        handler_module="paybot_channels.connect.lambda_handler",
        exports=(
            Export(
                "paybot-channels",
                extras=("connect",),
                # fastapi-offline: the web API docs' assets (0.8 MB zipped).
                prune=("uvicorn", "fastapi", "fastapi-offline", "mangum", *RUNTIME_PROVIDED),
            ),
            Export("paybot-core", extras=("stripe",), prune=RUNTIME_PROVIDED),
        ),
        # The phone handler never touches the web app; without it fastapi is not needed.
        sources=(Source(CORE), Source(CHANNELS, exclude=("web", "cli.py"))),
        max_mb=6,
        check_modules=(
            "paybot_core.adapters.connect_keypad",
            "aws_encryption_sdk",
            "paybot_core.pci.vault",
            "paybot_core.adapters.dynamodb_store",
            "stripe",
        ),
    ),
}

# cryptography's Rust/OpenSSL extension is ~4.2 MB zipped and both functions need it (the
# vault's AES-GCM; the phone's encryption SDK). Its cffi-generated bindings import
# `_cffi_backend` when loaded, so cffi belongs with it, and cffi's own dependency pycparser
# too (the layer is closed under uv.lock's dependencies; `layer_requirements` checks that).
# pydantic-core is the other compiled extension both need (2.2 MB zipped; settings, the web
# schemas), with its one dependency typing-extensions: in the layer, it leaves room in the
# function zips for their bytecode (connect.zip stays under its 6 MB; bench/README.md).
LAYER = LayerSpec(
    name="deps-layer",
    packages=("cryptography", "cffi", "pycparser", "pydantic-core", "typing-extensions"),
    max_mb=8,
)
# Budgets are in MB of 1,000,000 bytes, the unit every line printed here uses.
MB = 1_000_000


class PackagingError(Exception):
    """A Lambda package could not be built as specified."""


@dataclass(frozen=True)
class Target:
    """The Lambda platform a build is for, and the interpreter that compiles its bytecode."""

    arch: str
    python_version: str
    python: str  # an interpreter of `python_version`: bytecode is specific to one minor version
    strict: bool = False


def find_uv(explicit: str | None) -> str:
    """Return the uv executable: the one given, the one on PATH, or the Makefile's private copy."""
    candidates = [explicit] if explicit else [shutil.which("uv"), str(ROOT / ".tools" / "bin" / "uv")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    raise PackagingError("uv not found: run `make install` first or pass --uv")


def export_requirements(uv: str, exports: Sequence[Export]) -> list[str]:
    """Pinned requirement lines from uv.lock for the given exports, merged and sorted."""
    pins: dict[str, str] = {}
    for export in exports:
        cmd = [uv, "export", "--frozen", "--no-hashes", "--no-header", "--no-annotate"]
        cmd += ["--no-default-groups", "--no-emit-workspace", "--package", export.package]
        for extra in export.extras:
            cmd += ["--extra", extra]
        for pruned in export.prune:
            cmd += ["--prune", pruned]
        out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            line = line.strip()
            if not line or line.startswith(("#", "-")):
                continue
            name = line.split("==", 1)[0].strip().lower()
            if pins.setdefault(name, line) != line:
                raise PackagingError(f"conflicting pins for {name}: {pins[name]!r} vs {line!r}")
    leaked = sorted(set(pins) & set(RUNTIME_PROVIDED))
    if leaked:
        raise PackagingError(f"runtime-provided packages leaked into the requirements: {leaked}")
    return [pins[name] for name in sorted(pins)]


def install(uv: str, requirements: Sequence[str], target: Path, arch: str, python_version: str) -> None:
    """Install exactly the pinned wheels for the Lambda platform into `target`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(requirements) + "\n")
        req_file = handle.name
    try:
        subprocess.run(
            [
                uv,
                "pip",
                "install",
                "--quiet",
                "--target",
                str(target),
                "--requirement",
                req_file,
                # The export is already the full closure; resolving again could drift.
                "--no-deps",
                "--only-binary",
                ":all:",
                "--python-platform",
                PLATFORMS[arch],
                "--python-version",
                python_version,
                "--link-mode",
                "copy",
            ],
            cwd=ROOT,
            check=True,
        )
    finally:
        os.unlink(req_file)


def wheel_force_includes(package_src: Path) -> dict[Path, str]:
    """The files a workspace package's wheel adds from outside its tree (hatchling's force-include).

    The chat page has one copy, frontend/src, which the channels wheel carries as package data;
    a zip built from the source tree must add it the same way, from the same declaration.
    """
    project = package_src.parents[1]  # packages/<name>/src/<module> -> packages/<name>
    if not (project / "pyproject.toml").is_file():
        return {}
    config = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    table = config.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {}).get("wheel", {})
    return {(project / source).resolve(): dest for source, dest in table.get("force-include", {}).items()}


def copy_source(source: Source, target: Path) -> None:
    """Copy a workspace package's source tree into `target`, leaving out its excluded parts."""
    src = ROOT / source.path
    if not src.is_dir():
        raise PackagingError(f"missing source tree {source.path}")
    excluded = {src / part for part in source.exclude}

    def ignore(directory: str, names: list[str]) -> list[str]:
        return [n for n in names if Path(directory) / n in excluded or n in DROPPED_DIR_NAMES]

    shutil.copytree(src, target / src.name, ignore=ignore, dirs_exist_ok=True)
    for origin, dest in wheel_force_includes(src).items():
        inside = src.parent / dest
        if not dest.startswith(f"{src.name}/") or any(inside.is_relative_to(part) for part in excluded):
            continue
        if not origin.exists():
            raise PackagingError(f"{origin} (force-included as {dest}) is missing")
        if origin.is_dir():
            shutil.copytree(origin, target / dest, ignore=shutil.ignore_patterns(*DROPPED_DIR_NAMES))
        else:
            (target / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, target / dest)


def prune_tree(root: Path) -> None:
    """Remove bytecode, caches, console scripts and test suites that wheels sometimes ship."""
    # `--target` puts console scripts in bin/; they have shebangs pointing at this machine.
    if (root / "bin").is_dir():
        shutil.rmtree(root / "bin")
    # uv's install lock file: empty, never imported.
    (root / ".lock").unlink(missing_ok=True)
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_dir() and path.name in DROPPED_DIR_NAMES:
            shutil.rmtree(path)
        elif path.is_file() and path.suffix in DROPPED_SUFFIXES:
            path.unlink()
        elif path.name == "RECORD" and path.parent.name.endswith(".dist-info"):
            # The install manifest lists files this build removed; nothing imports it.
            path.unlink()


def trim_tree(root: Path, sources: Sequence[Source]) -> None:
    """Drop the TRIMS parts, unless one of our own packages imports what would be dropped."""
    for rel, module in TRIMS.items():
        users = [
            str(path.relative_to(ROOT))
            for source in sources
            for path in sorted((ROOT / source.path).rglob("*.py"))
            if module in path.read_text(encoding="utf-8")
        ]
        if users:
            print(f"  keeping {rel}: imported by {', '.join(users)}")
        elif (root / rel).is_dir():
            shutil.rmtree(root / rel)


def strip_binaries(root: Path) -> None:
    """Strip symbol tables from shared libraries (cryptography ships ~3 MB of them).

    `--strip-unneeded` keeps the dynamic symbols the loader needs. Files the host's strip
    cannot read (another architecture) are left as they came.
    """
    strip = shutil.which("strip")
    if strip is None:
        print("  strip not found: shared libraries keep their symbol tables")
        return
    for path in sorted(root.rglob("*.so")):
        subprocess.run([strip, "--strip-unneeded", str(path)], check=False, capture_output=True)


def compile_bytecode(tree: Path, python: str, deployed_at: str, own: Sequence[str] = ()) -> None:
    """Compile every module of `tree` with the target interpreter `python`, reproducibly.

    - Hash-based, unchecked pycs (PEP 552): a timestamp pyc would record the build's mtimes, and
      a checked one would read and hash its source at every import. Lambda's code is read-only,
      so the source can never change under its pyc.
    - File names in the bytecode are where Lambda puts them (`deployed_at`), not the build
      folder, and PYTHONHASHSEED is fixed (set constants are marshalled in hash order), so two
      builds give the same bytes. One process, in sorted order, for the same reason.
    - Third-party packages ship bytecode only (`name.pyc` where `name.py` was, which Python
      imports without a source): sources and bytecode would make web.zip 10.6 MB and
      connect.zip 9.8 MB. A traceback through them shows file and line, without the line's
      text. The `own` top-level packages (ours) keep their sources beside `__pycache__/`.
    """
    entries = [p for p in sorted(tree.iterdir()) if not p.name.endswith(".dist-info")]
    modules = [p for p in entries if p.is_dir() or p.suffix == ".py"]
    ours = [str(p) for p in modules if p.name in own]
    theirs = [str(p) for p in modules if p.name not in own]
    base = [python, "-s", "-S", "-m", "compileall", "-q", "-f", "--invalidation-mode", "unchecked-hash"]
    base += ["-s", str(tree), "-p", deployed_at]
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONHASHSEED": "0"}
    for paths, legacy in ((theirs, True), (ours, False)):
        if not paths:
            continue
        result = subprocess.run(
            [*base, *(["-b"] if legacy else []), *paths], capture_output=True, text=True, env=env, check=False
        )
        if result.returncode != 0:
            raise PackagingError(f"compiling {display(tree)} failed:\n{result.stdout}{result.stderr}".strip())
    for path in sorted(tree.rglob("*.py")):
        if path.with_suffix(".pyc").exists():
            path.unlink()


def iter_files(root: Path) -> Iterable[tuple[str, Path]]:
    """Every file under `root` as (posix archive name, path), sorted by archive name."""
    files = [(p.relative_to(root).as_posix(), p) for p in root.rglob("*") if p.is_file()]
    return sorted(files)


def write_zip(root: Path, out: Path) -> int:
    """Zip the tree at `root` into `out` deterministically and return the zip's size in bytes.

    Fixed timestamps, permissions, creator system and order; no directory entries. What the
    tree holds goes in, bytecode included (`prune_tree` drops what the wheels shipped).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for arcname, path in iter_files(root):
            info = zipfile.ZipInfo(arcname, date_time=ZIP_EPOCH)
            info.create_system = 3  # unix, so external_attr carries the mode on every host
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(out)
    return out.stat().st_size


def pin_name(line: str) -> str:
    """The normalised distribution name of a `name==version` requirement line."""
    return line.split("==", 1)[0].strip().lower().replace("_", "-")


def lock_dependencies(lock_path: Path) -> dict[str, set[str]]:
    """Every locked package's direct dependencies, whatever their markers (the safe side)."""
    lock = tomllib.loads(lock_path.read_text(encoding="utf-8"))
    return {
        package["name"]: {dep["name"] for dep in package.get("dependencies", [])}
        for package in lock.get("package", [])
    }


def layer_requirements(
    function_pins: dict[str, list[str]], layer: LayerSpec, dependencies: dict[str, set[str]]
) -> list[str]:
    """The layer's pinned lines, refusing a layer some function does not need or that is not closed.

    Every function must depend on every layer package (else the layer is not shared), and the
    layer must hold the dependencies of what it holds (else a function would import a layer
    package that finds its own dependency nowhere).
    """
    wanted = set(layer.packages)
    pins: dict[str, str] = {}
    for function, lines in sorted(function_pins.items()):
        found = {pin_name(line): line for line in lines if pin_name(line) in wanted}
        missing = sorted(wanted - set(found))
        if missing:
            raise PackagingError(f"{function} does not depend on layer packages {missing}: drop them")
        for name, line in found.items():
            if pins.setdefault(name, line) != line:
                raise PackagingError(f"layer package {name} pinned twice: {pins[name]!r} vs {line!r}")
    for name in sorted(wanted):
        outside = sorted(dependencies.get(name, set()) - wanted - set(RUNTIME_PROVIDED))
        if outside:
            raise PackagingError(f"layer package {name} needs {outside}, which the layer does not hold")
    return [pins[name] for name in sorted(pins)]


def without_layer(requirements: Sequence[str], layer: LayerSpec) -> list[str]:
    """A function's requirement lines minus what the layer provides."""
    return [line for line in requirements if pin_name(line) not in set(layer.packages)]


def top_level_names(tree: Path) -> set[str]:
    """Importable top-level names of an installed tree (packages, modules, extensions)."""
    names = set()
    for path in tree.iterdir():
        if path.name.endswith(".dist-info") or path.name.startswith(".") or path.name == "bin":
            continue
        names.add(path.name.split(".", 1)[0] if path.is_file() else path.name)
    return names


def assert_no_pydantic_plugins(tree: Path) -> None:
    """Refuse a distribution that declares a pydantic plugin: the handlers tell pydantic there is
    none (`PYDANTIC_DISABLE_PLUGINS`, paybot_channels.lambda_init), so it would silently not run."""
    for entry_points in sorted(tree.glob("*.dist-info/entry_points.txt")):
        groups = [line.strip() for line in entry_points.read_text(encoding="utf-8").splitlines()]
        if "[pydantic]" in groups:
            raise PackagingError(
                f"{entry_points.parent.name} declares a pydantic plugin, which the Lambda handlers "
                "disable at init (PYDANTIC_DISABLE_PLUGINS in paybot_channels/lambda_init.py)"
            )


def assert_disjoint(function_tree: Path, layer_python: Path) -> None:
    """Refuse a function zip that ships a module the layer holds: it would shadow the layer's."""
    shared = sorted(top_level_names(function_tree) & top_level_names(layer_python))
    if shared:
        raise PackagingError(f"{function_tree.name} also ships what the layer holds: {shared}")


def display(path: Path) -> str:
    """A path relative to the repository when it is inside it."""
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def check_budget(name: str, size: int, max_mb: float, strict: bool) -> None:
    """Print a warning, or fail under `strict`, when an artifact is over its budget."""
    if size >= max_mb * MB:
        message = f"{name}.zip is {size / MB:.2f} MB, over its {max_mb} MB budget"
        if strict:
            raise PackagingError(message)
        print(f"[{name}] WARNING: {message}", file=sys.stderr, flush=True)


def fresh_dir(path: Path) -> Path:
    """An empty directory at `path`, whatever was there before."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def build_layer(requirements: Sequence[str], uv: str, out_dir: Path, target: Target) -> Path:
    """Build deps-layer.zip: the layer's wheels under `python/`, where Lambda looks for them."""
    pinned = ", ".join(line.split(";", 1)[0].strip() for line in requirements)
    print(f"[{LAYER.name}] {len(requirements)} pinned packages from uv.lock: {pinned}", flush=True)
    tree = fresh_dir(out_dir / "build" / LAYER.name)
    site = tree / "python"
    install(uv, requirements, site, target.arch, target.python_version)
    prune_tree(site)
    assert_no_pydantic_plugins(site)
    strip_binaries(site)
    compile_bytecode(site, target.python, LAYER_ROOT)
    out = out_dir / f"{LAYER.name}.zip"
    size = write_zip(tree, out)
    print(f"[{LAYER.name}] wrote {display(out)}: {size / MB:.2f} MB (limit {LAYER.max_mb} MB)", flush=True)
    check_budget(LAYER.name, size, LAYER.max_mb, target.strict)
    return out


def build(spec: ZipSpec, requirements: Sequence[str], uv: str, out_dir: Path, target: Target) -> Path:
    """Build one function zip from its spec, without the layer's packages; return its path."""
    print(f"[{spec.name}] {len(requirements)} pinned third-party packages from uv.lock", flush=True)
    tree = fresh_dir(out_dir / "build" / spec.name)
    install(uv, requirements, tree, target.arch, target.python_version)
    for source in spec.sources:
        copy_source(source, tree)
    prune_tree(tree)
    assert_no_pydantic_plugins(tree)
    trim_tree(tree, spec.sources)
    strip_binaries(tree)
    compile_bytecode(tree, target.python, TASK_ROOT, own=[Path(source.path).name for source in spec.sources])
    layer_python = out_dir / "build" / LAYER.name / "python"
    if layer_python.is_dir():
        assert_disjoint(tree, layer_python)
        store_start_code(spec, tree, layer_python, target.python)
    else:
        print(f"[{spec.name}] warning: no layer built in {display(out_dir)}: no start code stored")
    handler_file = tree / (spec.handler_module.replace(".", "/") + ".py")
    if not handler_file.exists():
        print(f"[{spec.name}] warning: handler module {spec.handler_module} is not in the package yet")
    out = out_dir / f"{spec.name}.zip"
    size = write_zip(tree, out)
    print(f"[{spec.name}] wrote {display(out)}: {size / MB:.2f} MB (limit {spec.max_mb} MB)", flush=True)
    check_budget(spec.name, size, spec.max_mb, target.strict)
    return out


def report_totals(out_dir: Path) -> None:
    """Print the deployed total against what the two self-contained zips used to weigh."""
    paths = {name: out_dir / f"{name}.zip" for name in [*sorted(SPECS), LAYER.name]}
    if not all(path.exists() for path in paths.values()):
        return
    sizes = {name: path.stat().st_size for name, path in paths.items()}
    total = sum(sizes.values())
    # Deflate compresses each entry on its own, so a zip carrying the layer's files weighs the
    # sum of the two within a few bytes per entry: this is what the old two zips weighed.
    before = sum(sizes[name] + sizes[LAYER.name] for name in SPECS)
    parts = " + ".join(f"{name} {size / MB:.2f}" for name, size in sizes.items())
    print(
        f"total uploaded: {parts} = {total / MB:.2f} MB; without the layer each function zip would "
        f"carry it: ~{before / MB:.2f} MB (saves {(before - total) / MB:.2f} MB)",
        flush=True,
    )


def python_candidates(version: str) -> list[str]:
    """Where a Python `version` may be: PATH, uv's interpreters, pyenv's versions."""
    candidates = [found for found in [shutil.which(f"python{version}")] if found]
    uv = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if Path(uv).exists():
        result = subprocess.run(
            [uv, "python", "find", "--no-project", version],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        )
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(result.stdout.strip())
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"))
    return candidates


def find_python(explicit: str | None, version: str) -> str | None:
    """A working Python `version` interpreter, as Lambda runs: the one given, else the first found.

    Each candidate is run once, since a pyenv shim on PATH may exist yet refuse to start.
    """
    for candidate in [explicit] if explicit else python_candidates(version):
        result = subprocess.run(
            [candidate, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0 and result.stdout.strip() == version:
            return candidate
    return None


def runtime_dir(target: Path) -> Path:
    """Stand in for the runtime's /var/runtime: links to this environment's boto3 and company."""
    target.mkdir(parents=True, exist_ok=True)
    for module in RUNTIME_MODULES:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        link = target / source.name
        if not link.exists():
            link.symlink_to(source, target_is_directory=source.is_dir())
    return target


# Run inside the Python 3.12 interpreter with -I -S -B: only the standard library, then the
# function, the layer and the runtime stand-in in Lambda's order; no bytecode written into
# the environment the runtime stand-in links to. Every compilation of a module from its source
# goes through SourceLoader.source_to_code, which a pyc the loader accepts skips: recording its
# calls proves the zips' bytecode is what runs (-B alone only stops pycs being written).
IMPORT_CHECK = """
import importlib, importlib.machinery, json, os, sys
root, task, layer, runtime, *modules = sys.argv[1:]
compiled = []
to_code = importlib.machinery.SourceFileLoader.source_to_code
def recording(self, data, path, *args, **kwargs):
    compiled.append(path)
    return to_code(self, data, path, *args, **kwargs)
importlib.machinery.SourceFileLoader.source_to_code = recording
sys.path[:0] = [task, layer]
sys.path.append(runtime)
loaded = {}
for name in modules:
    module = importlib.import_module(name)
    loaded[name] = os.path.relpath(module.__file__, root)
import cryptography, _cffi_backend, pydantic_core
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key = AESGCM.generate_key(bit_length=128)
assert AESGCM(key).decrypt(b"0" * 12, AESGCM(key).encrypt(b"0" * 12, b"card", None), None) == b"card"
for module in (cryptography, _cffi_backend, pydantic_core):
    name = module.__name__
    loaded[name] = os.path.relpath(module.__file__, root)
    assert module.__file__.startswith(layer + os.sep), (name, module.__file__)
ours = (task + os.sep, layer + os.sep)
loaders = (importlib.machinery.SourceFileLoader, importlib.machinery.SourcelessFileLoader)
from_bytecode = sorted(
    name for name, module in list(sys.modules.items())
    if (getattr(module, "__file__", None) or "").startswith(ours)
    and isinstance(getattr(module, "__loader__", None), loaders)
)
from_source = sorted(os.path.relpath(path, root) for path in compiled if path.startswith(ours))
report = {"loaded": loaded, "from_bytecode": len(from_bytecode), "from_source": from_source}
print(json.dumps({"python": sys.version.split()[0], **report}))
"""


# Run inside the Python 3.12 interpreter (-s -S -B -P, PYTHONHASHSEED=0) over a function's tree laid
# out as Lambda does: record the text of every method `@dataclass` compiles and the program of
# every regular expression compiled while the handler, the modules it loads on first use and
# every module of ours are imported, then store them with the readers' own writers
# (`paybot_channels.dataclass_code`, `paybot_channels.regex_code`).
RECORD_START_CODE = """
import dataclasses, importlib, json, os, pkgutil, sys
from pathlib import Path
task, layer, runtime, out, own, *modules = sys.argv[1:]
sys.path[:0] = [task, layer]
sys.path.append(runtime)
from paybot_channels import dataclass_code, regex_code
texts, programs = set(), {}
def recording(text, globals=None, locals=None):
    texts.add(text)
    exec(compile(text, "<string>", "exec", dont_inherit=True), globals, locals)
dataclasses.exec = recording
skipped = []
def load(name):
    try:
        return importlib.import_module(name)
    except Exception as exc:  # a module this zip cannot import (another channel's) has no classes to store
        skipped.append(f"{name}: {type(exc).__name__}")
with regex_code.recording(programs):
    for name in modules:
        load(name)
    for package in own.split(","):
        module = load(package)
        if module is not None:
            for info in pkgutil.walk_packages(module.__path__, package + "."):
                load(info.name)
del dataclasses.exec
methods = dataclass_code.write(Path(out) / dataclass_code.FILE_NAME, texts)
patterns = regex_code.write(Path(out) / regex_code.FILE_NAME, programs)
print(json.dumps({"methods": methods, "patterns": patterns, "skipped": skipped}))
"""


def store_start_code(spec: ZipSpec, tree: Path, layer_python: Path, python: str) -> None:
    """Write what `tree`'s start would compile (dataclass methods, regular expressions) into it."""
    own = [Path(source.path).name for source in spec.sources]
    out = tree / "paybot_channels"
    with tempfile.TemporaryDirectory(prefix="paybot-dataclasses-") as work:
        # Not -I: it implies -E, which would ignore PYTHONHASHSEED. The environment is ours alone
        # anyway (`env` below), -s -S keep this machine's site-packages out, -P the working dir.
        cmd = [python, "-s", "-S", "-B", "-P", "-c", RECORD_START_CODE, str(tree), str(layer_python)]
        cmd += [str(runtime_dir(Path(work) / "runtime")), str(out), ",".join(own)]
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONHASHSEED": "0",  # the stored code's set constants in one order, build after build
            "PAYBOT_DATA_DIR": str(Path(work) / "data"),
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        modules = [spec.handler_module, *spec.check_modules]
        result = subprocess.run(
            [*cmd, *modules], capture_output=True, text=True, check=False, env=env, cwd=work
        )
    if result.returncode != 0:
        raise PackagingError(f"{spec.name}: recording the start's code failed:\n{result.stderr.strip()}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    skipped = f"; {len(report['skipped'])} modules it cannot import skipped" if report["skipped"] else ""
    print(
        f"[{spec.name}] stored the code of {report['methods']} dataclass methods and "
        f"{report['patterns']} regular expressions{skipped}",
        flush=True,
    )


def check_imports(spec: ZipSpec, out_dir: Path, python: str, work: Path) -> dict[str, object]:
    """Import the handler from its zip plus the layer, laid out as Lambda would; return what loaded.

    /var/task is the function zip, /opt/python the layer's `python/`, and the runtime's boto3
    comes last; `work` is a scratch directory, reusable across functions. The interpreter runs
    isolated (-I -S), so nothing of this machine's site-packages can hide a module missing from
    the zips. Raises PackagingError on failure.
    """
    task = work / "var" / spec.name / "task"
    opt = work / "opt"  # the layer is the same for every function: extracted once per `work`
    for zip_path, target in ((out_dir / f"{spec.name}.zip", task), (out_dir / f"{LAYER.name}.zip", opt)):
        if not zip_path.exists():
            raise PackagingError(f"{display(zip_path)} is missing: run `make package`")
        if target.exists():
            continue
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(target)
    modules = [spec.handler_module, *spec.check_modules]
    cmd = [
        python,
        "-I",
        "-S",
        "-B",
        "-c",
        IMPORT_CHECK,
        str(work),
        str(task),
        str(opt / "python"),
        str(runtime_dir(work / "runtime")),
    ]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PAYBOT_DATA_DIR": str(work / "tmp" / spec.name),
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    result = subprocess.run([*cmd, *modules], capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise PackagingError(f"{spec.name}: import check failed:\n{result.stderr.strip()}")
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    if report["from_source"]:
        raise PackagingError(
            f"{spec.name}: compiled from source at import, so the zip's bytecode was not used: "
            f"{report['from_source']}"
        )
    return report


def run_import_checks(names: Sequence[str], out_dir: Path, python: str | None, strict: bool) -> None:
    """Import each named function with the layer; without a Python 3.12, warn (or fail if strict)."""
    if python is None:
        message = "no python3.12 found (--python): the import check with the layer did not run"
        if strict:
            raise PackagingError(message)
        print(f"[check] WARNING: {message}", file=sys.stderr, flush=True)
        return
    with tempfile.TemporaryDirectory(prefix="paybot-lambda-check-") as work:
        for name in names:
            spec = SPECS[name]
            if not handler_in_zip(spec, out_dir):
                print(f"[check] {name}: {spec.handler_module} is not in {name}.zip yet, skipped", flush=True)
                continue
            started = time.monotonic()
            report = check_imports(spec, out_dir, python, Path(work))
            loaded = report["loaded"]
            assert isinstance(loaded, dict)
            print(
                f"[check] {name}: Python {report['python']} imported {spec.handler_module} "
                f"and {len(loaded) - 1} more with the layer in {time.monotonic() - started:.1f} s "
                f"(cryptography from {loaded['cryptography']}); {report['from_bytecode']} modules "
                "of the zips loaded from their bytecode, none compiled from source",
                flush=True,
            )


def handler_in_zip(spec: ZipSpec, out_dir: Path) -> bool:
    """Whether the function zip holds its handler module (the phone one may not exist yet)."""
    path = out_dir / f"{spec.name}.zip"
    if not path.exists():
        raise PackagingError(f"{display(path)} is missing: run `make package`")
    with zipfile.ZipFile(path) as archive:
        return spec.handler_module.replace(".", "/") + ".py" in archive.namelist()


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", choices=[*sorted(SPECS), LAYER.name], action="append", help="build only this zip"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default dist/lambda)")
    parser.add_argument(
        "--arch",
        choices=sorted(PLATFORMS),
        default="x86_64",
        help="Lambda architecture; must match paybot:lambdaArchitecture",
    )
    parser.add_argument(
        "--python-version", default="3.12", help="Lambda runtime's Python; must match paybot:lambdaRuntime"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail when a zip is over its size budget or the import check cannot run",
    )
    parser.add_argument("--uv", help="uv executable (default: PATH, then .tools/bin/uv)")
    parser.add_argument(
        "--python", help="interpreter for the import check (default: a python3.12 on PATH, uv's or pyenv's)"
    )
    parser.add_argument("--no-check", action="store_true", help="skip the import check")
    parser.add_argument("--check-only", action="store_true", help="only run the import check on built zips")
    args = parser.parse_args(argv)
    out_dir = args.out.resolve()
    names = args.only or [LAYER.name, *sorted(SPECS)]
    functions = [name for name in names if name in SPECS]
    try:
        if not args.check_only:
            uv = find_uv(args.uv)
            python = find_python(args.python, args.python_version)
            if python is None:
                raise PackagingError(
                    f"no python{args.python_version} found (--python): the zips' bytecode must be "
                    "compiled by the Lambda runtime's Python version"
                )
            target = Target(args.arch, args.python_version, python, args.strict)
            pins = {name: export_requirements(uv, spec.exports) for name, spec in SPECS.items()}
            layer_pins = layer_requirements(pins, LAYER, lock_dependencies(ROOT / "uv.lock"))
            # The layer first: the function builds check they do not ship its modules again.
            for name in sorted(names, key=lambda n: n != LAYER.name):
                started = time.monotonic()
                if name == LAYER.name:
                    build_layer(layer_pins, uv, out_dir, target)
                else:
                    requirements = without_layer(pins[name], LAYER)
                    build(SPECS[name], requirements, uv, out_dir, target)
                print(f"[{name}] done in {time.monotonic() - started:.1f} s", flush=True)
            report_totals(out_dir)
        if not args.no_check and functions:
            run_import_checks(functions, out_dir, find_python(args.python, args.python_version), args.strict)
    except (PackagingError, subprocess.CalledProcessError) as exc:
        print(f"package_lambda: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
