"""Build the web chat page: frontend/src -> packages/channels/src/paybot_channels/web/static.

Plain ES modules need no bundler; the build only strips comments, indentation and blank lines
so the page ships small, and the result is committed so `paybot serve` needs no Node and no
build on a fresh clone. Standard library only.

    python scripts/build_frontend.py          # write static/ (only files whose content changed)
    python scripts/build_frontend.py --check  # exit 1 when static/ is not the build of src/
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "frontend" / "src"
TARGET = ROOT / "packages" / "channels" / "src" / "paybot_channels" / "web" / "static"
SUFFIXES = {".html", ".js", ".css"}

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _squeeze(lines: list[str]) -> str:
    return "".join(line.strip() + "\n" for line in lines if line.strip())


def minify_js(text: str) -> str:
    """Drop whole-line `//` comments, indentation and blank lines; keep line breaks (ASI-safe).

    The sources keep to whole-line `//` comments and no multi-line template literals, so no
    string or literal can be cut.
    """
    return _squeeze([line for line in text.splitlines() if not line.lstrip().startswith("//")])


def minify_css(text: str) -> str:
    return _squeeze(_CSS_COMMENT.sub("", text).splitlines())


def minify_html(text: str) -> str:
    return _squeeze(_HTML_COMMENT.sub("", text).splitlines())


MINIFIERS = {".js": minify_js, ".css": minify_css, ".html": minify_html}


def build() -> dict[str, str]:
    """Every built file's name and content."""
    return {
        path.name: MINIFIERS[path.suffix](path.read_text(encoding="utf-8"))
        for path in sorted(SOURCE.iterdir())
        if path.suffix in SUFFIXES
    }


def differences(built: dict[str, str]) -> list[str]:
    """Names in static/ that are missing, stale or not produced by the build."""
    present = {path.name for path in TARGET.glob("*") if path.is_file()}
    stale = [
        name
        for name, content in built.items()
        if name not in present or (TARGET / name).read_text(encoding="utf-8") != content
    ]
    return sorted(stale + sorted(present - built.keys()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when static/ is out of date")
    args = parser.parse_args(argv)
    built = build()
    changed = differences(built)
    if args.check:
        if changed:
            print(
                f"static/ is out of date ({', '.join(changed)}): run scripts/build_frontend.py",
                file=sys.stderr,
            )
            return 1
        return 0
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in changed:
        if name in built:
            (TARGET / name).write_text(built[name], encoding="utf-8")
        else:
            (TARGET / name).unlink()
    if changed:
        print(f"built {len(changed)} file(s) into {TARGET.relative_to(ROOT)}: {', '.join(changed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
