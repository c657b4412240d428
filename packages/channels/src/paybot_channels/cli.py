"""The `paybot` command: `serve` the local API, `chat` in the terminal, `call` the phone simulator."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from paybot_core.errors import PaybotError

log = logging.getLogger("paybot.cli")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paybot", description="Collect card payments in a conversation.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the chat API and web page on embedded defaults")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    serve.add_argument("--log-level", default=None, help="override PAYBOT_LOG_LEVEL")

    chat = commands.add_parser("chat", help="pay in the terminal (typed card entry, sandbox gateway)")
    chat.add_argument(
        "--amount", type=int, default=None, help="preset amount in cents (the payer cannot change it)"
    )
    chat.add_argument("--reference", default=None, help="invoice or account reference")

    _add_call_command(commands)
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args.host, args.port, args.log_level)
        if args.command == "chat":
            from .terminal import run_chat

            return run_chat(amount=args.amount, reference=args.reference)
        return int(args.run(args))
    except PaybotError as err:
        print(f"paybot: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _add_call_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The phone simulator registers itself when the Connect channel is installed."""
    try:
        from .connect.simulator import add_call_command
    except ImportError:
        return
    add_call_command(commands)


def _serve(host: str, port: int, log_level: str | None) -> int:
    import uvicorn

    from paybot_core.bootstrap import build
    from paybot_core.pci.logging import install_card_data_filter
    from paybot_core.settings import Settings

    from .web.app import create_app

    settings = Settings()
    level = (log_level or settings.log_level).upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    services = build(settings)
    app = create_app(services)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=level.lower(),
        log_config=None,
        access_log=level == "DEBUG",
        server_header=False,
    )
    server = uvicorn.Server(config)
    install_card_data_filter(*(logging.getLogger(n) for n in ("uvicorn", "uvicorn.error", "uvicorn.access")))
    print(
        f"paybot serving on http://{host}:{port} (gateway: {settings.payment_gateway}, "
        f"store: {settings.session_store}, data: {settings.data_dir})",
        flush=True,
    )
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
