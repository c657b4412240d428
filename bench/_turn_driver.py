"""The in-process turn loop of `turn_latency.py`, for whatever `paybot_core` is on `PYTHONPATH`.

`against_earlier_tree.py` runs it in a fresh interpreter once per tree, so an earlier commit's
code is timed by the same loop as today's. Earlier trees had no public API yet (issue 11 added
it), so the imports fall back to the modules of that time. Prints one JSON object: the wall and
CPU (`time.thread_time`) seconds of every measured turn.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

try:
    from paybot_core import CardEntry, Presets, Say, Settings, build
except ImportError:  # a tree from before the public API
    from paybot_core.bootstrap import build  # type: ignore[no-redef]
    from paybot_core.conversation.state import CardEntry, Presets  # type: ignore[no-redef]
    from paybot_core.services import Turn as Say  # type: ignore[no-redef]
    from paybot_core.settings import Settings  # type: ignore[no-redef]

MESSAGES = ["Jane Doe", "4242 4242 4242 4242", "12/29", "123", "yes"]


def main(warmup: int, conversations: int) -> dict[str, list[float]]:
    wall: list[float] = []
    cpu: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        services = build(Settings(data_dir=Path(tmp), allow_typed_card_entry=True))
        conv = services.conversations
        presets = Presets(amount=5000, card_entry=CardEntry.TYPED)
        for n in range(warmup + conversations):
            sid = conv.start(presets).state.session_id
            for message in MESSAGES:
                started, started_cpu = time.perf_counter(), time.thread_time()
                reply = conv.handle(sid, Say(message))
                took_cpu, took = time.thread_time() - started_cpu, time.perf_counter() - started
                if n >= warmup:
                    wall.append(took)
                    cpu.append(took_cpu)
            if reply.state.status.value != "completed":
                raise SystemExit(f"conversation ended {reply.state.status.value}, not completed")
    return {"wall": wall, "cpu": cpu}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
