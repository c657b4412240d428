"""DataKey: the stack's customer-managed KMS key for sessions, audit events, secrets and logs."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class DataKeyArgs:
    """Inputs of a DataKey."""

    account_id: pulumi.Input[str]
    region: pulumi.Input[str]
    deletion_window_days: int = 30


class DataKey(pulumi.ComponentResource):
    """A rotating KMS key whose policy lets CloudWatch Logs and alarm notifications use it."""

    def __init__(self, name: str, args: DataKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("paybot:infra:DataKey", name, None, opts)
        policy = pulumi.Output.json_dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        # Without an account-root statement the key could become unmanageable.
                        "Sid": "AccountAdministers",
                        "Effect": "Allow",
                        "Principal": {"AWS": pulumi.Output.concat("arn:aws:iam::", args.account_id, ":root")},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "LogsEncryptTheirGroups",
                        "Effect": "Allow",
                        "Principal": {
                            "Service": pulumi.Output.concat("logs.", args.region, ".amazonaws.com")
                        },
                        "Action": [
                            "kms:Encrypt*",
                            "kms:Decrypt*",
                            "kms:ReEncrypt*",
                            "kms:GenerateDataKey*",
                            "kms:Describe*",
                        ],
                        "Resource": "*",
                        "Condition": {
                            "ArnLike": {
                                "kms:EncryptionContext:aws:logs:arn": pulumi.Output.concat(
                                    "arn:aws:logs:", args.region, ":", args.account_id, ":log-group:*"
                                )
                            }
                        },
                    },
                    {
                        # Alarms publish to the encrypted SNS topic.
                        "Sid": "AlarmsPublish",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                        "Resource": "*",
                    },
                ],
            }
        )
        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"paybot data key ({name})",
            enable_key_rotation=True,
            deletion_window_in_days=args.deletion_window_days,
            policy=policy,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.alias = aws.kms.Alias(
            f"{name}-alias",
            name=f"alias/{name}",
            target_key_id=self.key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.key.arn
        self.key_id = self.key.key_id
        self.register_outputs({"arn": self.arn, "keyId": self.key_id})
