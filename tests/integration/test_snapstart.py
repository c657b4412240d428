"""SnapStart: two copies restored from one snapshot write distinct, valid audit chains.

A fresh interpreter builds the deployed S3 audit log from settings (as the Lambda's init does),
then forks twice: each child is a copy restored from that one memory image. With the
after-restore hooks run, each writes its own stream from GENESIS; without them (the control),
both continue the snapshot's stream and overwrite each other's objects.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections import defaultdict

import pytest

from paybot_core.adapters.audit_chain import verify_chain
from tests.support.moto_server import aws_env, client

pytestmark = pytest.mark.aws
EVENTS_PER_COPY = 3

SNAPSHOT_AND_RESTORE = """
import os, sys, time
from paybot_core import snapstart
from paybot_core.bootstrap import build
from paybot_core.ports import AuditEvent
from paybot_core.settings import Settings

services = build(Settings())  # init: what the snapshot holds
run_hooks = sys.argv[1] == "hooks"
children = []
for copy in ("a", "b"):
    pid = os.fork()
    if pid == 0:  # a copy restored from the snapshot
        if run_hooks:
            snapstart.run_after_restore()
        for n in range({events}):
            services.audit.append(AuditEvent("restored_turn", f"ses_{{copy}}", time.time(), {{"n": n}}))
        os._exit(0)
    children.append(pid)
for pid in children:
    assert os.waitpid(pid, 0)[1] == 0
"""


def _run(moto_url: str, bucket: str, tmp_path, mode: str) -> dict[str, list[dict]]:
    s3 = client("s3", moto_url)
    s3.create_bucket(Bucket=bucket)
    env = {
        **os.environ,
        **aws_env(moto_url),
        "PAYBOT_DATA_DIR": str(tmp_path),
        "PAYBOT_SESSION_STORE": "memory",
        "PAYBOT_AUDIT_LOG": "s3",
        "PAYBOT_AUDIT_BUCKET": bucket,
        "PAYBOT_VAULT_KEY": base64.b64encode(b"v" * 32).decode(),
    }
    script = SNAPSHOT_AND_RESTORE.format(events=EVENTS_PER_COPY)
    subprocess.run([sys.executable, "-c", script, mode], env=env, check=True, timeout=120)
    streams: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="audit/"):
        for item in page.get("Contents", []):
            key = item["Key"]
            body = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
            streams[key.split("/")[-2]].append((key.split("/")[-1], body))
    return {stream: [body for _, body in sorted(records)] for stream, records in streams.items()}


def test_two_restored_copies_write_distinct_valid_chains(moto_url: str, tmp_path) -> None:
    streams = _run(moto_url, "paybot-snapstart-hooks", tmp_path, "hooks")
    assert len(streams) == 2, "each restored copy writes its own stream"
    for records in streams.values():
        assert verify_chain(records) == EVENTS_PER_COPY  # each from GENESIS, unbroken
    sessions = [
        {r["session"] if "session" in r else json.dumps(r) for r in records} for records in streams.values()
    ]
    assert sessions[0] != sessions[1]


def test_without_the_hooks_restored_copies_share_one_stream_and_break_it(moto_url: str, tmp_path) -> None:
    streams = _run(moto_url, "paybot-snapstart-control", tmp_path, "none")
    assert len(streams) == 1, "both copies continue the snapshot's stream"
    (records,) = streams.values()
    # Both start from GENESIS with the same sequence numbers: one "stream" with two first records
    # (and, for one session, the same object keys: the second copy would overwrite the first).
    assert sum(1 for r in records if r["prev"] == "0" * 64) == 2
    with pytest.raises(ValueError, match="does not follow"):
        verify_chain(records)
