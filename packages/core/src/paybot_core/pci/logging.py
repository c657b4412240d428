"""A logging filter that redacts anything card-like from every record that passes it.

Installed on the root logger and its handlers at start-up, so a card number that reaches
a log call by mistake (in a message, its arguments or an exception) is masked before any
handler writes it.
"""

from __future__ import annotations

import logging

from .redact import redact_text


class CardDataFilter(logging.Filter):
    """Rewrites the record's message and exception text with card-like runs redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact_text(message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            formatter = logging.Formatter()
            record.exc_text = redact_text(formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


_FILTER = CardDataFilter()


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
