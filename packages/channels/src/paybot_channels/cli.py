"""The `paybot` command: `serve` the local API, `chat` in the terminal, `call` the phone simulator,
`audit verify` the audit log, `accounts import` the phone channel's accounts table.

Every error is one line on stderr (a settings error: one line per variable) and exit status 2;
a command that ran but did not pay (a declined chat, an unpaid call, a broken audit chain) exits 1.
"""

from __future__ import annotations

import argparse
import errno
import logging
import socket
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import NoReturn

from paybot_core import PaybotError

from .errors import UsageError

log = logging.getLogger("paybot.cli")
USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error: what was wrong and where to look, no usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: {message} (see {self.prog} --help)\n")


def version() -> str:
    try:
        return metadata.version("paybot-channels")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="paybot", description="Collect card payments in a conversation.")
    parser.add_argument("--version", action="version", version=f"paybot {version()}")
    commands: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser
    )

    serve = commands.add_parser("serve", help="run the chat API and web page on embedded defaults")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8765, help="port to listen on (default 8765)")
    serve.add_argument("--log-level", default=None, help="override PAYBOT_LOG_LEVEL (DEBUG, INFO, ...)")

    chat = commands.add_parser("chat", help="pay in the terminal (typed card entry, sandbox gateway)")
    chat.add_argument(
        "--amount",
        type=_whole_number,
        default=None,
        help="preset amount in minor units, e.g. 5000 for 50.00 (the payer cannot change it)",
    )
    chat.add_argument(
        "--currency", default=None, help="ISO 4217 code of the preset amount (default PAYBOT_CURRENCY)"
    )
    chat.add_argument("--reference", default=None, help="invoice or account reference")

    _add_call_command(commands)

    audit = commands.add_parser("audit", help="work with the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, parser_class=_Parser)
    verify = audit_commands.add_parser("verify", help="check the audit log's hash chain; say where it breaks")
    verify.add_argument(
        "path", nargs="?", type=Path, default=None, help="the audit log (default PAYBOT_DATA_DIR/audit.jsonl)"
    )

    from .accounts_cli import add_accounts_commands
    from .merchant_cli import add_merchant_commands

    add_merchant_commands(commands)
    add_accounts_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args.host, args.port, args.log_level)
        if args.command == "chat":
            from .terminal import run_chat

            return run_chat(amount=args.amount, currency=args.currency, reference=args.reference)
        if args.command == "audit":
            return _audit_verify(args.path)
        return int(args.run(args))
    except PaybotError as err:
        print(f"paybot: {err}", file=sys.stderr)
        return USAGE_ERROR
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        print(f"paybot: cannot use{where}: {err.strerror or err}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as err:
        # Not a message: a library's may quote its input, which can be what a payer typed.
        log.debug("unexpected error", exc_info=True)
        print(
            f"paybot: unexpected error ({type(err).__name__}); PAYBOT_LOG_LEVEL=DEBUG logs where",
            file=sys.stderr,
        )
        return USAGE_ERROR


def _whole_number(text: str) -> int:
    try:
        return int(text.strip().replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of minor units, not {text!r}") from None


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, not {text!r}")
    return port


def _add_call_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The phone simulator registers itself when the Connect channel is installed."""
    try:
        from .connect.simulator import add_call_command
    except ImportError:
        return
    add_call_command(commands)


def listen(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound before anything says it is serving."""
    try:
        return socket.create_server((host, port), family=_family(host), backlog=2048)
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise UsageError(
                f"{host}:{port} is already in use (another paybot serve?): stop it, or choose another "
                f"port with --port (make run PORT=...)"
            ) from None
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _serve(host: str, port: int, log_level: str | None) -> int:
    import uvicorn

    from paybot_core import Settings, build, configure_logging, outbox_dispatcher

    from .web.app import create_app

    settings = Settings(**({"log_level": log_level} if log_level else {}))
    level = settings.log_level
    configure_logging(level, settings.library_log_level)
    sock = listen(host, port)
    services = build(settings)
    webhooks = outbox_dispatcher(services)
    app = create_app(services, webhooks=webhooks)
    config = uvicorn.Config(
        app,
        # uvicorn's own lines ("Started server process", "Application startup complete") are
        # left out: paybot logs its start and each request under its own names (paybot.*).
        # Its warnings and errors still show, at any level.
        log_level=max(logging.getLevelName(level), logging.WARNING),
        log_config=None,
        access_log=False,
        server_header=False,
    )
    server = uvicorn.Server(config)
    where = sock.getsockname()
    print(
        f"paybot serving on http://{host}:{where[1]} (gateway: {settings.payment_gateway}, "
        f"store: {settings.session_store}, data: {settings.data_dir})",
        flush=True,
    )
    if settings.webhook_urls:
        where = "this server" if webhooks else "the dispatcher Lambda (this store's outbox is its stream)"
        print(f"webhooks: {len(settings.webhook_urls)} endpoint(s), delivered by {where}", flush=True)
    if not settings.merchant_api_keys:
        print(
            "merchant endpoints are open: no PAYBOT_MERCHANT_API_KEYS set (fine on this machine only)",
            flush=True,
        )
    server.run(sockets=[sock])
    return 0


def _audit_verify(path: Path | None) -> int:
    from paybot_core import verify_audit_file

    if path is None:
        from paybot_core import Settings

        path = Settings().data_dir / "audit.jsonl"
    if not path.is_file():
        raise UsageError(f"no audit log at {path} (the file audit log writes PAYBOT_DATA_DIR/audit.jsonl)")
    report = verify_audit_file(path)
    if report.broken is None:
        print(
            f"{path}: {report.records} records, the hash chain holds (last hash {report.last_hash[:16]}...)"
        )
        return 0
    broken = report.broken
    record = ", ".join(part for part in (broken.at, broken.kind) if part)
    print(
        f"{path}: the hash chain breaks at line {broken.line}{f' ({record})' if record else ''}: "
        f"{broken.reason}; the {report.records} records before it verify"
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
