"""The paybot command: one-line errors with exit status 2, chat and call input, audit verify."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from paybot_channels.cli import main
from paybot_channels.terminal import run_chat
from paybot_core import AuditEvent, FileAuditLog, SandboxGateway

PAYBOT = Path(sys.executable).with_name("paybot")
VISA = "4242424242424242"
THREE_D_SECURE = "4000002500003155"


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and out == ""
    return lines[0]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert re.fullmatch(r"paybot \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


@pytest.mark.parametrize(
    "argv",
    [
        ["nosuch"],
        ["serve", "--port", "http"],
        ["serve", "--port", "70000"],
        ["chat", "--amount", "12.50"],
        ["chat", "--amount", "-5"],
        ["chat", "--amount", "0"],
        ["chat", "--amount", "99999999"],
        ["chat", "--currency", "dollars"],
        ["call", "--flow", "/nonexistent.json"],
        ["call", "--keys", "4242 abc"],
        ["audit", "verify", "/nonexistent/audit.jsonl"],
    ],
    ids=" ".join,
)
def test_every_error_is_one_line_and_exit_status_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(argv)
    except SystemExit as exited:  # argparse's own errors
        code = exited.code
    assert code == 2
    assert _one_line_error(capsys).startswith("paybot")


def test_chat_refuses_the_amounts_the_api_refuses_and_charges_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for amount in (-5, 0, 1_000_001):
        assert main(["chat", "--amount", str(amount)]) == 2
        assert "--amount must be a whole number of minor units from 1 to 1000000" in _one_line_error(capsys)
    # Refused before anything was built: no session, no charge, no store.
    assert not (data_dir / "sandbox_gateway.sqlite3").exists()
    assert not (data_dir / "audit.jsonl").exists()


class Script:
    """The payer's lines for `paybot chat`, and which of them were read hidden."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        self.hidden: list[str] = []
        self.prompts: list[str] = []

    def __call__(self, prompt: str, secret: bool) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        if secret:
            self.hidden.append(line)
        return line


def _intents(data_dir: Path) -> list[str]:
    gateway = SandboxGateway(data_dir / "sandbox_gateway.sqlite3")
    session = json.loads((data_dir / "audit.jsonl").read_text().splitlines()[0])["session"]
    return [intent.status for intent in gateway.list_intents(session)]


@pytest.mark.parametrize(("answer", "paid"), [("approve", True), ("decline", False)])
def test_chat_finishes_3d_secure_in_the_sandbox(
    data_dir: Path, capsys: pytest.CaptureFixture[str], answer: str, paid: bool
) -> None:
    card = " ".join(THREE_D_SECURE[i : i + 4] for i in range(0, 16, 4))
    script = Script("Jane Doe", card, "12/34", "123", "yes", "later", answer)
    code = run_chat(amount=5000, read=script)
    out = capsys.readouterr().out
    assert "Please type approve or decline." in out  # "later" is neither
    assert script.hidden[:3] == [card, "12/34", "123"]  # read without echo
    if paid:
        assert code == 0
        assert "Payment successful" in out
        assert _intents(data_dir) == ["succeeded"]
    else:
        assert code == 1  # the script ends while the bot asks for another card
        assert _intents(data_dir) == ["requires_payment_method"]  # as Stripe leaves a failed 3-D Secure
        assert "card number" in out.strip().splitlines()[-1].lower()
    assert THREE_D_SECURE not in re.sub(r"\D", "", out)


def _pty_session(argv: list[str], env: dict[str, str]) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        argv, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True
    )
    os.close(follower)
    try:
        yield leader, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        os.close(leader)


def _read_until(fd: int, pattern: str, timeout: float = 30.0) -> str:
    seen = b""
    deadline = time.monotonic() + timeout
    while pattern.encode() not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"no {pattern!r} in {seen.decode(errors='replace')!r}")
        try:
            seen += os.read(fd, 4096)
        except OSError:  # the process ended
            break
    return seen.decode(errors="replace")


@pytest.mark.slow
def test_chat_does_not_echo_card_details_on_a_terminal(data_dir: Path) -> None:
    env = {**os.environ, "PAYBOT_DATA_DIR": str(data_dir)}
    screen = ""
    for leader, _ in _pty_session([str(PAYBOT), "chat", "--amount", "5000"], env):
        screen += _read_until(leader, "you> ")
        os.write(leader, b"Jane Doe\n")
        for line in (b"4242 4242 4242 4242\n", b"12/34\n", b"987\n"):
            screen += _read_until(leader, "you> ")
            os.write(leader, line)
        screen += _read_until(leader, "yes or no")
        os.write(leader, b"yes\n")
        screen += _read_until(leader, "Payment successful")
    assert "Jane Doe" in screen  # ordinary answers echo as usual
    digits = re.sub(r"\D", "", screen)
    assert VISA not in digits and "1234" not in digits and "987" not in screen


@pytest.mark.slow
def test_call_takes_keys_with_spaces_and_asks_again_for_letters(data_dir: Path) -> None:
    typed = "hello\n1\n4242 4242 4242 4242#\n12 30#\n1 2 3#\n1\n"  # 1: English at the language menu
    result = subprocess.run(
        [str(PAYBOT), "call"],
        input=typed,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PAYBOT_DATA_DIR": str(data_dir)},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "a phone keypad has only 0-9, * and #" in result.stdout
    assert "Payment successful" in result.stdout
    assert "went wrong" not in result.stdout and "Traceback" not in result.stderr
    (transcript,) = (data_dir / "calls").glob("*.txt")
    text = transcript.read_text()
    assert "hello" not in text and VISA not in re.sub(r"\D", "", text)


@pytest.mark.parametrize(
    ("keys", "said", "code"),
    [
        ("2 5555 5555 5555 4444#0831#321#1", "Pago realizado: se pagaron cincuenta dólares", 0),
        ("1 6011 1111 1111 1117#0930#654#1", "Payment successful: fifty dollars paid", 0),
        ("2 4000 0000 0000 0002#1029#111#1", "No se cobró nada", 1),  # declined, then silence
    ],
)
def test_call_keys_choose_the_language_with_the_first_key(
    data_dir: Path, capsys: pytest.CaptureFixture[str], keys: str, said: str, code: int
) -> None:
    assert main(["call", "--keys", keys]) == code
    out = capsys.readouterr().out
    assert said in out
    (transcript,) = (data_dir / "calls").glob("*.txt")
    spanish = keys.startswith("2")
    assert ("[voice Lupe (neural)]" in transcript.read_text()) is spanish
    assert ("Marque el número de su tarjeta" in out) is spanish


@pytest.mark.slow
def test_serve_on_a_port_in_use_says_so_in_one_line_before_serving(data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [str(PAYBOT), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PAYBOT_DATA_DIR": str(data_dir)},
            check=False,
        )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"paybot: 127.0.0.1:{port} is already in use (another paybot serve?): stop it, or choose another "
        "port with --port (make run PORT=...)"
    ]


def _audit_log(path: Path, records: int) -> list[bytes]:
    log = FileAuditLog(path)
    for n in range(records):
        log.append(AuditEvent("turn", f"ses_{n}", 1781524800.0 + n, {"status": "collecting"}))
    log.close()
    return path.read_bytes().splitlines(keepends=True)


def test_audit_verify_says_the_chain_holds(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _audit_log(data_dir / "audit.jsonl", 5)
    assert main(["audit", "verify"]) == 0
    assert "5 records, the hash chain holds" in capsys.readouterr().out


def _tampered(lines: list[bytes], how: str) -> list[bytes]:
    if how == "altered":
        record = json.loads(lines[2])
        record["details"]["status"] = "completed"
        return [*lines[:2], json.dumps(record).encode() + b"\n", *lines[3:]]
    if how == "removed":
        return lines[:2] + lines[3:]
    if how == "reordered":
        return [lines[0], lines[2], lines[1], *lines[3:]]
    if how == "head cut":
        return lines[1:]
    return [*lines[:2], lines[2][:40] + b"\n", *lines[3:]]  # a write cut short


@pytest.mark.parametrize(
    ("how", "line", "reason"),
    [
        ("altered", 3, "content was changed"),
        ("removed", 3, "does not follow the record before it"),
        ("reordered", 2, "does not follow the record before it"),
        ("head cut", 1, "first record does not start the chain"),
        ("truncated", 3, "not a whole JSON record"),
    ],
)
def test_audit_verify_says_where_the_chain_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str, line: int, reason: str
) -> None:
    path = tmp_path / "copy.jsonl"
    lines = _audit_log(tmp_path / "original.jsonl", 5)
    path.write_bytes(b"".join(_tampered(lines, how)))
    assert main(["audit", "verify", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"breaks at line {line}" in out and reason in out, out
    assert f"the {line - 1} records before it verify" in out
