"""The in-process turn loop of `turn_latency.py` as a worker, for whatever `paybot_core` is on `PYTHONPATH`.

`against_earlier_tree.py` starts one worker per tree and keeps both alive, so batches of the two
trees can alternate many times within a minute instead of once per fresh interpreter. Each line
on stdin is a number of conversations; the worker runs them and prints one JSON line with the wall
and CPU (`time.thread_time`) seconds of every turn. Earlier trees had no public API yet (issue 11
added it), so the imports fall back to the modules of that time.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

try:
    from paybot_core import CardEntry, Presets, Say, Settings, build
except ImportError:  # a tree from before the public API
    from paybot_core.bootstrap import build  # type: ignore[no-redef]
    from paybot_core.conversation.state import CardEntry, Presets  # type: ignore[no-redef]
    from paybot_core.services import Turn as Say  # type: ignore[no-redef]
    from paybot_core.settings import Settings  # type: ignore[no-redef]

MESSAGES = ["Jane Doe", "4242 4242 4242 4242", "12/29", "123", "yes"]


def serve_batches(lines: Iterable[str], out: TextIO) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        services = build(Settings(data_dir=Path(tmp), allow_typed_card_entry=True))
        conv = services.conversations
        presets = Presets(amount=5000, card_entry=CardEntry.TYPED)
        for line in lines:
            wall: list[float] = []
            cpu: list[float] = []
            for _ in range(int(line)):
                sid = conv.start(presets).state.session_id
                for message in MESSAGES:
                    started, started_cpu = time.perf_counter(), time.thread_time()
                    reply = conv.handle(sid, Say(message))
                    cpu.append(time.thread_time() - started_cpu)
                    wall.append(time.perf_counter() - started)
                if reply.state.status.value != "completed":
                    raise SystemExit(f"conversation ended {reply.state.status.value}, not completed")
            print(json.dumps({"wall": wall, "cpu": cpu}), file=out, flush=True)


if __name__ == "__main__":
    serve_batches(sys.stdin, sys.stdout)
