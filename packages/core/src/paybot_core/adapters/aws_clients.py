"""boto3 clients as the AWS adapters build them: explicit timeouts, bounded standard retries.

Region and endpoints come from boto3's own configuration (AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>),
so a local emulator is chosen by environment alone. boto3 is imported here, when an AWS adapter is
selected, never on the embedded path.
"""

from __future__ import annotations

from typing import Any


def client(
    service: str, *, connect_timeout: float = 2.0, read_timeout: float = 3.0, max_attempts: int = 3
) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        tcp_keepalive=True,
    )
    return boto3.client(service, config=config)  # type: ignore[call-overload]
