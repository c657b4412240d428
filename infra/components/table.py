"""What every paybot DynamoDB table is, whatever it holds: on demand, keyed by one string partition
key, encrypted with the stack's key, with point-in-time recovery and deletion protection as the
stack sets them. Each table component adds only what is its own (indexes, a stream, a TTL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws


@dataclass
class TableArgs:
    """Inputs of a table component: the stack key that encrypts it, and how the stack protects its
    tables (point-in-time recovery, deletion protection)."""

    kms_key_arn: pulumi.Input[str]
    point_in_time_recovery: bool = False
    deletion_protection: bool = False


def paybot_table(
    name: str,
    parent: pulumi.Resource,
    *,
    partition_key: str,
    kms_key_arn: pulumi.Input[str],
    point_in_time_recovery: bool,
    deletion_protection: bool,
    other_attributes: Sequence[str] = (),
    **own: Any,
) -> aws.dynamodb.Table:
    """The table `{name}-table` under `parent`; `other_attributes` are string attributes the
    indexes in `own` key on, and `own` the rest of the table's own arguments."""
    return aws.dynamodb.Table(
        f"{name}-table",
        billing_mode="PAY_PER_REQUEST",
        hash_key=partition_key,
        attributes=[
            aws.dynamodb.TableAttributeArgs(name=attribute, type="S")
            for attribute in (partition_key, *other_attributes)
        ],
        server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
            enabled=True, kms_key_arn=kms_key_arn
        ),
        point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=point_in_time_recovery),
        deletion_protection_enabled=deletion_protection,
        opts=pulumi.ResourceOptions(parent=parent),
        **own,
    )
