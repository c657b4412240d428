"""Start real servers on loopback for tests, and always stop them by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAYBOT = ROOT / ".venv" / "bin" / "paybot"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Poll `url` until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"server did not answer {url} within {timeout:.0f}s")


def stop(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace)


@contextlib.contextmanager
def server_process(
    command: list[str],
    port: int,
    ready_path: str,
    *,
    log_path: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """Run `command`, a server that listens on `port` of loopback, until `ready_path` answers 200;
    yield its base URL, and stop it by PID on the way out. Its output goes to `log_path` (appended),
    or nowhere."""
    with open(log_path or os.devnull, "ab") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base_url}{ready_path}", process, timeout=timeout)
        yield base_url
    finally:
        stop(process)


@contextlib.contextmanager
def paybot_server(
    data_dir: Path,
    env: dict[str, str] | None = None,
    log_path: Path | None = None,
) -> Iterator[str]:
    """Run `paybot serve` as a subprocess on a free loopback port; yield its base URL.

    The server's combined output goes to `log_path` (default: data_dir/server.log) so tests
    can scan it for card data afterwards.
    """
    port = free_port()
    log_path = log_path or data_dir / "server.log"
    full_env = {**os.environ, "PAYBOT_DATA_DIR": str(data_dir), **(env or {})}
    command = [str(PAYBOT), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if not PAYBOT.exists():  # running from an interpreter without the console script
        command = [
            sys.executable,
            "-m",
            "paybot_channels.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]
    with server_process(command, port, "/healthz", log_path=log_path, env=full_env) as base_url:
        yield base_url
