"""Weight of the chat page as a browser downloads it: HTML + JS + CSS, gzipped.

Stripe.js is not counted (Stripe serves it, and only stripe mode loads it); stripe.js, the
page's own small loader for it, is counted although sandbox mode never fetches it.
Budget: 60 KB gzipped. Exits 1 when over budget.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "frontend" / "src"
BUDGET_BYTES = 60 * 1024
SUFFIXES = (".html", ".js", ".css")


def page_weight(static: Path = STATIC) -> dict[str, tuple[int, int]]:
    """Each shipped file's (raw bytes, gzipped bytes); gzip level 6, as web servers use."""
    weights = {}
    for path in sorted(static.iterdir()):
        if path.suffix in SUFFIXES:
            raw = path.read_bytes()
            weights[path.name] = (len(raw), len(gzip.compress(raw, compresslevel=6, mtime=0)))
    return weights


def main() -> int:
    weights = page_weight()
    if not weights:
        print(f"page_weight: no page in {STATIC}", file=sys.stderr)
        return 1
    for name, (raw, zipped) in weights.items():
        print(f"page_weight  {name:<12} {raw / 1024:6.1f} KB raw  {zipped / 1024:5.1f} KB gzipped")
    total_raw = sum(raw for raw, _ in weights.values())
    total = sum(zipped for _, zipped in weights.values())
    verdict = "within" if total <= BUDGET_BYTES else "OVER"
    print(
        f"page_weight  total        {total_raw / 1024:6.1f} KB raw  {total / 1024:5.1f} KB gzipped"
        f"  ({verdict} the {BUDGET_BYTES // 1024} KB budget)"
    )
    return 0 if total <= BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
