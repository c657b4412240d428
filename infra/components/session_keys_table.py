"""SessionKeysTable: the vault's per-session data keys (`PAYBOT_SESSION_KEYS_TABLE`), kept from any backup.

Typed card data between turns is sealed under a data key of its own; wiping the card deletes the
key, and the ciphertext left in the session table, its stream or its point-in-time copies opens for
nobody (crypto-shredding, paybot_core.adapters.dynamodb_keys). That holds only if no copy of a
deleted key survives, so this table has point-in-time recovery off whatever the stack's setting for
the session table is, and must be left out of any AWS Backup plan. Items expire through `ttl` as
the session's do; the app refuses an expired key before DynamoDB deletes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.session_table import PARTITION_KEY, TTL_ATTRIBUTE
from infra.components.table import paybot_table


@dataclass
class SessionKeysTableArgs:
    """Inputs of a SessionKeysTable."""

    kms_key_arn: pulumi.Input[str]
    deletion_protection: bool = False


class SessionKeysTable(pulumi.ComponentResource):
    """On-demand table keyed by `sessionId`, expiring through `ttl`, KMS-encrypted, never backed up."""

    def __init__(
        self, name: str, args: SessionKeysTableArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("paybot:infra:SessionKeysTable", name, None, opts)
        self.table = paybot_table(
            name,
            self,
            partition_key=PARTITION_KEY,
            kms_key_arn=args.kms_key_arn,
            # Off on every stack: a point-in-time copy would keep the keys that wiping destroys.
            point_in_time_recovery=False,
            deletion_protection=args.deletion_protection,
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=TTL_ATTRIBUTE, enabled=True),
        )
        self.name = self.table.name
        self.arn = self.table.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
