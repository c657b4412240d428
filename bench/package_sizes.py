"""Print the size of each Lambda zip against its budget, building the zips that are missing."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "dist" / "lambda"
BUDGETS_MB = {"web": 10.0, "connect": 6.0}


def main() -> int:
    """Build missing zips, then print one line per zip: size, budget, entries, unpacked size."""
    missing = [name for name in BUDGETS_MB if not (OUT / f"{name}.zip").exists()]
    for name in missing:
        cmd = [sys.executable, str(ROOT / "scripts" / "package_lambda.py"), "--only", name]
        subprocess.run(cmd, check=True, cwd=ROOT)
    for name, budget in BUDGETS_MB.items():
        path = OUT / f"{name}.zip"
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
        size = path.stat().st_size / 1_000_000
        verdict = "ok" if size < budget else "OVER BUDGET"
        print(
            f"lambda zip {name:8s} {size:6.2f} MB (budget {budget:.0f} MB, {verdict}); "
            f"{len(entries)} files, {unpacked / 1_000_000:.1f} MB unpacked"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
