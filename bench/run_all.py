"""`make bench`: run every benchmark script in this folder, one after another, and show their figures.

Scripts whose names start with an underscore are helpers, not benchmarks. A failing benchmark is
reported and the others still run; the exit code says whether all succeeded.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"run_all.py", "bare_app.py", "ab_trees.py"}  # ab_trees compares two trees it is given


def main() -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in SKIP and not p.name.startswith("_"))
    only = set(sys.argv[1:])
    failed = []
    for index, script in enumerate(scripts, start=1):
        if only and script.stem not in only:
            continue
        print(f"\n=== [{index}/{len(scripts)}] {script.stem} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE, check=False)
        took = time.perf_counter() - started
        print(f"--- {script.stem}: {'ok' if result.returncode == 0 else 'FAILED'} in {took:.1f}s", flush=True)
        if result.returncode != 0:
            failed.append(script.stem)
    if failed:
        print(f"\nbenchmarks failed: {', '.join(failed)}")
        return 1
    print("\nall benchmarks finished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
