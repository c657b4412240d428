"""SessionTable: the DynamoDB table that holds conversation sessions between turns."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from infra.components.table import TableArgs, paybot_table

PARTITION_KEY = "sessionId"
TTL_ATTRIBUTE = "ttl"


class SessionTableArgs(TableArgs):
    """Inputs of a SessionTable."""


class SessionTable(pulumi.ComponentResource):
    """On-demand table keyed by `sessionId`, expiring items through the `ttl` attribute."""

    def __init__(self, name: str, args: SessionTableArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("paybot:infra:SessionTable", name, None, opts)
        self.table = paybot_table(
            name,
            self,
            partition_key=PARTITION_KEY,
            kms_key_arn=args.kms_key_arn,
            point_in_time_recovery=args.point_in_time_recovery,
            deletion_protection=args.deletion_protection,
            other_attributes=("listPk", "listSk", "reference"),
            # The merchant's events and payments, newest first, and payments by reference (see
            # paybot_core.adapters.dynamodb_store); the stream carries each save's events, in order
            # per session, to the outbox dispatcher.
            global_secondary_indexes=[
                aws.dynamodb.TableGlobalSecondaryIndexArgs(
                    name=index,
                    key_schemas=[
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name=partition, key_type="HASH"
                        ),
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name="listSk", key_type="RANGE"
                        ),
                    ],
                    projection_type="ALL",
                )
                for index, partition in (("byTime", "listPk"), ("byReference", "reference"))
            ],
            stream_enabled=True,
            stream_view_type="NEW_IMAGE",
            # Expired sessions vanish on their own; the app also refuses them before DynamoDB does.
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=TTL_ATTRIBUTE, enabled=True),
        )
        self.name = self.table.name
        self.arn = self.table.arn
        self.stream_arn = self.table.stream_arn
        self.register_outputs({"name": self.name, "arn": self.arn, "streamArn": self.stream_arn})
