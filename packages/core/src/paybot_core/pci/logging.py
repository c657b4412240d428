"""Logging that cannot carry card data or keys, whatever the level.

Two rules, applied by `configure_logging` at start-up:
- Libraries that log wire traffic (botocore logs Secrets Manager and KMS responses, which hold
  the vault key and plaintext data keys; the Stripe SDK logs request bodies with `card[cvc]`;
  uvicorn's access log writes raw paths, query strings and X-Forwarded-For) stay at WARNING
  however verbose `PAYBOT_LOG_LEVEL` is. `PAYBOT_LIBRARY_LOG_LEVEL` may raise them, for a
  debugging session on test keys, and start-up then warns that those libraries write secrets.
- Every record is passed through `CardDataFilter`, which applies the card-data recogniser to
  the formatted message (its arguments included), exception and stack text, and extra fields,
  so a card number that reaches a log call by mistake is masked before any handler writes it.
"""

from __future__ import annotations

import ipaddress
import logging
import re

from .recogniser import redact_text

# Loggers of libraries that may write secrets or raw request data at DEBUG or INFO.
LIBRARY_LOGGERS = (
    "botocore",
    "boto3",
    "s3transfer",
    "urllib3",
    "aws_encryption_sdk",
    "stripe",
    "httpx",
    "httpcore",
    "uvicorn.access",
    "mangum",
    "aws_lambda_powertools",
)
SAFE_LIBRARY_LEVEL = logging.WARNING

_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class CardDataFilter(logging.Filter):
    """Rewrites the record's message, exception and stack text and extras with card data redacted.

    Records of the libraries in `LIBRARY_LOGGERS` below their pinned level are dropped here too, so
    a logger raised later by other code (a test fixture, `boto3.set_stream_logger`) still writes none.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < _library_level and _is_library(record.name):
            return False
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = f"{record.msg} {record.args!r}"
        record.msg = redact_text(message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, redact_text(value))
        return True


class AccessLogFilter(logging.Filter):
    """uvicorn's access lines without raw client data: the path's shape only, no query, a real address.

    uvicorn formats `client - "METHOD path HTTP/x" status` from the raw request: the path and query
    hold whatever a client sent (a card number in `%20`-separated groups, a token), and the client
    address may come from a forged X-Forwarded-For. Segments that are not plain words become
    `{id}`, the query string is dropped, an address that is not an IP becomes `-`.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            client, method, path, version, status = args
            record.args = (_address(client), _word(method), route_shape(str(path)), _word(version), status)
        return True


def _is_library(name: str) -> bool:
    return any(name == lib or name.startswith(lib + ".") for lib in LIBRARY_LOGGERS)


_PLAIN_SEGMENT = re.compile(r"[a-z][a-z\-]{0,40}")


def route_shape(path: str) -> str:
    """A request path reduced to its route's shape: '/v1/sessions/ses_x' -> '/v1/sessions/{id}'."""
    bare = path.split("?", 1)[0].split("#", 1)[0]
    segments = bare.split("/")
    shaped = [
        s if (not s or _PLAIN_SEGMENT.fullmatch(s) or re.fullmatch(r"v[12]", s)) else "{id}" for s in segments
    ]
    return "/".join(shaped)[:200] or "/"


def _address(client: object) -> str:
    host = str(client).rsplit(":", 1)[0].strip("[]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return "-"
    return str(client)


def _word(value: object) -> str:
    text = str(value)
    return text if re.fullmatch(r"[A-Z]{3,7}|\d(?:\.\d)?", text) else "-"


_library_level = SAFE_LIBRARY_LEVEL
_FILTER = CardDataFilter()
_ACCESS_FILTER = AccessLogFilter()


def install_card_data_filter(*loggers: logging.Logger) -> None:
    """Attach the filter to the root logger, its handlers, and the given loggers and their handlers.

    Filters on a logger do not see records propagated from child loggers, so handlers get it too.
    """
    targets = [logging.getLogger(), *loggers]
    for logger in targets:
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
    access = logging.getLogger("uvicorn.access")
    if _ACCESS_FILTER not in access.filters:
        access.addFilter(_ACCESS_FILTER)


def pin_library_loggers(library_level: str | int | None = None) -> int:
    """Set every library logger to `library_level` (WARNING by default); returns the level set.

    More verbose than WARNING is allowed only when asked for, and is announced at WARNING itself.
    """
    global _library_level
    level = logging.getLevelName(library_level.upper()) if isinstance(library_level, str) else library_level
    if not isinstance(level, int):
        level = SAFE_LIBRARY_LEVEL
    _library_level = level
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(level)
    for name, child in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(child, logging.Logger) and _is_library(name) and name not in LIBRARY_LOGGERS:
            child.setLevel(logging.NOTSET)  # a child set more verbose earlier inherits the pin again
    if level < SAFE_LIBRARY_LEVEL:
        logging.getLogger("paybot.logging").warning(
            "PAYBOT_LIBRARY_LOG_LEVEL=%s: botocore, stripe, urllib3 and uvicorn.access now log request "
            "and response bodies, which hold keys, data keys and card fields. Use it with test keys only.",
            logging.getLevelName(level),
        )
    return level


def configure_logging(level: str | int, library_level: str | int | None = None) -> None:
    """The process's logging: paybot at `level`, libraries pinned, every record redacted."""
    if isinstance(level, str):
        level = level.upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    install_card_data_filter(*(logging.getLogger(n) for n in ("paybot", "uvicorn", "uvicorn.error")))
    pin_library_loggers(library_level)
