"""boto3 clients as the AWS adapters build them: explicit timeouts, bounded standard retries.

One policy for every client (Bedrock passes a tighter budget: a turn waits on it). Region and
endpoints come from boto3's own configuration (AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>), so a local
emulator is chosen by environment alone. boto3 is imported here, when an AWS adapter is selected,
never on the embedded path. Clients are typed with the boto3-stubs of the dev dependencies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient


@overload
def client(
    service: Literal["dynamodb"],
    *,
    connect_timeout: float = ...,
    read_timeout: float = ...,
    max_attempts: int = ...,
) -> DynamoDBClient: ...
@overload
def client(
    service: Literal["kms"],
    *,
    connect_timeout: float = ...,
    read_timeout: float = ...,
    max_attempts: int = ...,
) -> KMSClient: ...
@overload
def client(
    service: Literal["s3"],
    *,
    connect_timeout: float = ...,
    read_timeout: float = ...,
    max_attempts: int = ...,
) -> S3Client: ...
@overload
def client(
    service: Literal["secretsmanager"],
    *,
    connect_timeout: float = ...,
    read_timeout: float = ...,
    max_attempts: int = ...,
) -> SecretsManagerClient: ...
@overload
def client(
    service: Literal["bedrock-runtime"],
    *,
    connect_timeout: float = ...,
    read_timeout: float = ...,
    max_attempts: int = ...,
) -> BedrockRuntimeClient: ...
@overload
def client(
    service: str,
    *,
    connect_timeout: float = ...,
    read_timeout: float = ...,
    max_attempts: int = ...,
) -> Any: ...  # services without stubs in the dev dependencies (sqs, sesv2, sns)
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
