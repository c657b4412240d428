"""Build paybot's Lambda zips: deterministic, for the Lambda platform, without boto3.

    python scripts/package_lambda.py                # both zips into dist/lambda/
    python scripts/package_lambda.py --only web --arch arm64

Third-party versions come from uv.lock (through `uv export`), so a rebuild installs the very
same wheels; the workspace packages are copied from their source trees. The zip writer fixes
every timestamp, permission and the entry order, so two builds of one tree are byte-identical.
"""

# S603: every command line here is built from this file's constants and uv.lock, not from input.
# ruff: noqa: S603

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
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
DROPPED_DIR_NAMES = frozenset({"__pycache__", "tests"})
DROPPED_SUFFIXES = (".pyc", ".pyo")
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
    ),
    "connect": ZipSpec(
        name="connect",
        handler_module="paybot_channels.connect.handler",
        exports=(
            Export(
                "paybot-channels",
                extras=("connect",),
                prune=("uvicorn", "fastapi", "mangum", *RUNTIME_PROVIDED),
            ),
            Export("paybot-core", extras=("stripe",), prune=RUNTIME_PROVIDED),
        ),
        # The phone handler never touches the web app; without it fastapi is not needed.
        sources=(Source(CORE), Source(CHANNELS, exclude=("web", "cli.py"))),
        max_mb=6,
    ),
}


class PackagingError(Exception):
    """A Lambda package could not be built as specified."""


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


def copy_source(source: Source, target: Path) -> None:
    """Copy a workspace package's source tree into `target`, leaving out its excluded parts."""
    src = ROOT / source.path
    if not src.is_dir():
        raise PackagingError(f"missing source tree {source.path}")
    excluded = {src / part for part in source.exclude}

    def ignore(directory: str, names: list[str]) -> list[str]:
        return [n for n in names if Path(directory) / n in excluded or n in DROPPED_DIR_NAMES]

    shutil.copytree(src, target / src.name, ignore=ignore, dirs_exist_ok=True)


def prune_tree(root: Path) -> None:
    """Remove bytecode, caches, console scripts and test suites that wheels sometimes ship."""
    # `--target` puts console scripts in bin/; they have shebangs pointing at this machine.
    if (root / "bin").is_dir():
        shutil.rmtree(root / "bin")
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


def iter_files(root: Path) -> Iterable[tuple[str, Path]]:
    """Every file under `root` as (posix archive name, path), sorted by archive name."""
    files = [(p.relative_to(root).as_posix(), p) for p in root.rglob("*") if p.is_file()]
    return sorted(files)


def write_zip(root: Path, out: Path) -> int:
    """Zip the tree at `root` into `out` deterministically and return the zip's size in bytes.

    Fixed timestamps, permissions, creator system and order; no directory entries; no
    bytecode or `__pycache__` even when the tree holds some.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for arcname, path in iter_files(root):
            parts = arcname.split("/")
            if "__pycache__" in parts or arcname.endswith(DROPPED_SUFFIXES):
                continue
            info = zipfile.ZipInfo(arcname, date_time=ZIP_EPOCH)
            info.create_system = 3  # unix, so external_attr carries the mode on every host
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(out)
    return out.stat().st_size


def build(spec: ZipSpec, uv: str, out_dir: Path, arch: str, python_version: str, strict: bool) -> Path:
    """Build one zip from its spec and return its path; over budget fails only when `strict`."""
    requirements = export_requirements(uv, spec.exports)
    print(f"[{spec.name}] {len(requirements)} pinned third-party packages from uv.lock", flush=True)
    tree = out_dir / "build" / spec.name
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    install(uv, requirements, tree, arch, python_version)
    for source in spec.sources:
        copy_source(source, tree)
    prune_tree(tree)
    trim_tree(tree, spec.sources)
    strip_binaries(tree)
    handler_file = tree / (spec.handler_module.replace(".", "/") + ".py")
    if not handler_file.exists():
        print(f"[{spec.name}] warning: handler module {spec.handler_module} is not in the package yet")
    out = out_dir / f"{spec.name}.zip"
    size = write_zip(tree, out)
    print(
        f"[{spec.name}] wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: "
        f"{size / 1_000_000:.2f} MB (limit {spec.max_mb} MB)",
        flush=True,
    )
    if size >= spec.max_mb * 1_000_000:
        message = f"{spec.name}.zip is {size / 1_000_000:.2f} MB, over its {spec.max_mb} MB budget"
        if strict:
            raise PackagingError(message)
        print(f"[{spec.name}] WARNING: {message}", file=sys.stderr, flush=True)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=sorted(SPECS), action="append", help="build only this zip")
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
    parser.add_argument("--strict", action="store_true", help="fail when a zip is over its size budget")
    parser.add_argument("--uv", help="uv executable (default: PATH, then .tools/bin/uv)")
    args = parser.parse_args(argv)
    try:
        uv = find_uv(args.uv)
        for name in args.only or sorted(SPECS):
            started = time.monotonic()
            build(SPECS[name], uv, args.out.resolve(), args.arch, args.python_version, args.strict)
            print(f"[{name}] done in {time.monotonic() - started:.1f} s", flush=True)
    except (PackagingError, subprocess.CalledProcessError) as exc:
        print(f"package_lambda: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
