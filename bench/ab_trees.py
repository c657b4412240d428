"""The in-process turn of two source trees, side by side in one process: `python bench/ab_trees.py
BEFORE AFTER [conversations]` (each a checkout or `git archive` holding packages/core/src).

Separate runs on a shared machine swing by 10-20%; here both trees' cores are imported in one
interpreter (AFTER's under the package name paybot_core_b) and their conversations alternate, so
both see the same load. Swap the two arguments for a second round: the renamed copy has a small
bias of its own, so quote both orders. Prints the CPU (`thread_time`) p50 and mean per turn and
each turn's p50 ratio (AFTER / BEFORE). Not part of `make bench`: it compares trees, not targets.
"""

from __future__ import annotations

import importlib
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

MESSAGES = ["Jane Doe", "4242 4242 4242 4242", "12/29", "123", "yes"]


def main() -> None:
    before, after = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    conversations = int(sys.argv[3]) if len(sys.argv) > 3 else 400
    with tempfile.TemporaryDirectory() as work:
        renamed = Path(work) / "paybot_core_b"
        shutil.copytree(after / "packages/core/src/paybot_core", renamed)
        for source in renamed.rglob("*.py"):
            source.write_text(re.sub(r"\bpaybot_core\b", "paybot_core_b", source.read_text()))
        sys.path[:0] = [str(before / "packages/core/src"), work]
        cores = [importlib.import_module(name) for name in ("paybot_core", "paybot_core_b")]
        if not Path(cores[0].__file__ or "").is_relative_to(before):
            sys.exit(f"paybot_core came from {cores[0].__file__}, not {before}")
        cpu = run(cores, Path(work), conversations)
    every = [[t for turns_of_one in turns.values() for t in turns_of_one] for turns in cpu]
    p50 = [statistics.median(times) * 1e3 for times in every]
    mean = [statistics.mean(times) * 1e3 for times in every]
    print(f"before {before}: CPU p50 {p50[0]:.3f} ms, mean {mean[0]:.3f} ms")
    print(f"after  {after}: CPU p50 {p50[1]:.3f} ms, mean {mean[1]:.3f} ms")
    per_turn = "  ".join(
        f"{m[:6]!r} {statistics.median(cpu[1][m]) / statistics.median(cpu[0][m]):.3f}" for m in MESSAGES
    )
    print(f"after/before: p50 {p50[1] / p50[0]:.3f}, mean {mean[1] / mean[0]:.3f}; per turn {per_turn}")


def run(cores: list, work: Path, conversations: int) -> list[dict[str, list[float]]]:
    sides = []
    for n, core in enumerate(cores):
        data_dir = work / f"data{n}"
        services = core.build(core.Settings(data_dir=data_dir, allow_typed_card_entry=True))
        sides.append(
            (core, services.conversations, core.Presets(amount=5000, card_entry=core.CardEntry.TYPED))
        )
    cpu: list[dict[str, list[float]]] = [{m: [] for m in MESSAGES} for _ in cores]
    for n in range(30 + conversations):
        for side in (0, 1) if n % 2 else (1, 0):
            core, service, presets = sides[side]
            session_id = service.start(presets).state.session_id
            for message in MESSAGES:
                started = time.thread_time()
                reply = service.handle(session_id, core.Say(message))
                if n >= 30:
                    cpu[side][message].append(time.thread_time() - started)
            assert reply.state.status.value == "completed"
    return cpu


if __name__ == "__main__":
    main()
