"""Print the size of each Lambda artifact against its budget, and the total uploaded.

The three artifacts of `make package`: the two function zips and the layer both share
(deps-layer.zip: cryptography with cffi). Missing ones are built first; the budgets are the
packager's own (scripts/package_lambda.py), in MB of 1,000,000 bytes.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.package_lambda import DEFAULT_OUT, LAYER, MB, SPECS  # noqa: E402

BUDGETS_MB = {**{name: spec.max_mb for name, spec in sorted(SPECS.items())}, LAYER.name: LAYER.max_mb}


def main() -> int:
    """Build what is missing, then print one line per artifact, then the total."""
    missing = [name for name in BUDGETS_MB if not (DEFAULT_OUT / f"{name}.zip").exists()]
    if missing:
        # The function zips leave out what the layer holds: build them together with it.
        cmd = [sys.executable, str(ROOT / "scripts" / "package_lambda.py"), "--no-check"]
        subprocess.run(cmd, check=True, cwd=ROOT)
    sizes: dict[str, int] = {}
    for name, budget in BUDGETS_MB.items():
        path = DEFAULT_OUT / f"{name}.zip"
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            unpacked = sum(entry.file_size for entry in entries)
        sizes[name] = path.stat().st_size
        verdict = "ok" if sizes[name] < budget * MB else "OVER BUDGET"
        print(
            f"lambda zip {name:10s} {sizes[name] / MB:6.2f} MB (budget {budget:.0f} MB, {verdict}); "
            f"{len(entries)} files, {unpacked / MB:.1f} MB unpacked"
        )
    total = sum(sizes.values())
    # Without the layer each function zip carries its files; deflate works per entry, so that
    # weighs the sum within a few bytes per entry.
    alone = sum(sizes[name] + sizes[LAYER.name] for name in SPECS)
    print(
        f"lambda total {total / MB:6.2f} MB uploaded (functions + layer once); "
        f"~{alone / MB:.2f} MB if each function carried the layer's files"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
