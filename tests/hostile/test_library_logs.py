"""Library logs never carry secrets, whatever PAYBOT_LOG_LEVEL says (issue 13, findings 2 and 7)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from paybot_core.pci.logging import LIBRARY_LOGGERS, AccessLogFilter, configure_logging, route_shape


@pytest.fixture
def restore_logging() -> Iterator[None]:
    names = ["", *LIBRARY_LOGGERS, "paybot"]
    levels = {n: logging.getLogger(n).level for n in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    configure_logging(logging.getLevelName(levels[""]) if levels[""] else "WARNING")


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_paybot_at_debug_leaves_every_wire_logging_library_at_warning(level, restore_logging, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    configure_logging(level)
    assert logging.getLogger("paybot.service").isEnabledFor(logging.getLevelName(level))
    for name in (
        "botocore.endpoint",
        "botocore.parsers",
        "urllib3.connectionpool",
        "stripe",
        "uvicorn.access",
    ):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    # Even a logger raised later by other code (a fixture, boto3.set_stream_logger) writes nothing.
    logging.getLogger("botocore.parsers").setLevel(logging.DEBUG)
    logging.getLogger("botocore.parsers").debug('Response body: b\'{"Plaintext": "a data key"}\'')
    assert not [r for r in caplog.records if r.name.startswith("botocore")]


def test_raising_the_libraries_takes_its_own_setting_and_warns_at_start(restore_logging, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    configure_logging("INFO", "DEBUG")
    assert logging.getLogger("botocore.endpoint").isEnabledFor(logging.DEBUG)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "paybot.logging"]
    assert warnings and "keys" in warnings[0].getMessage()


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("/v1/sessions/ses_abcDEF", "/v1/sessions/{id}"),
        ("/v1/sessions/4929.8541.9232.6189", "/v1/sessions/{id}"),
        ("/v1/sessions/4929%208541%209232%206189?x=4929854192326189", "/v1/sessions/{id}"),
        ("/v1/chat?cvv=123", "/v1/chat"),
        ("/", "/"),
    ],
)
def test_access_lines_show_the_route_shape_not_the_raw_path_or_query(path, shape) -> None:
    assert route_shape(path) == shape
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("4929 8541 9232 6189", "GET", path, "1.1", 200),
        None,
    )
    AccessLogFilter().filter(record)
    assert record.getMessage() == f'- - "GET {shape} HTTP/1.1" 200'
