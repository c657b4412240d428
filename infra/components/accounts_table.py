"""AccountsTable: what each customer owes, for the phone channel's lookups.

Filled by the operator with `paybot accounts import FILE` (docs/phone.md, "The accounts table").
"""

from __future__ import annotations

import pulumi

from infra.components.table import TableArgs, paybot_table

PARTITION_KEY = "lookup"  # paybot_core.adapters.dynamodb_accounts.KEY


class AccountsTableArgs(TableArgs):
    """Inputs of an AccountsTable."""


class AccountsTable(pulumi.ComponentResource):
    """On-demand table keyed by `lookup` (`ref#...`, `digits#...`, `phone#...`), encrypted with the
    stack key. No TTL: an account stays until an import replaces it. The phone Lambda may only
    `GetItem` it; the import runs with the operator's credentials."""

    def __init__(
        self, name: str, args: AccountsTableArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("paybot:infra:AccountsTable", name, None, opts)
        self.table = paybot_table(
            name,
            self,
            partition_key=PARTITION_KEY,
            kms_key_arn=args.kms_key_arn,
            point_in_time_recovery=args.point_in_time_recovery,
            deletion_protection=args.deletion_protection,
        )
        self.name = self.table.name
        self.arn = self.table.arn
        self.register_outputs({"name": self.name, "arn": self.arn})


def lookup_statement(table_arn: pulumi.Input[str]) -> dict[str, object]:
    """The phone Lambda reads one account item at a time: no scans, no writes."""
    return {
        "Sid": "AccountsTable",
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem"],
        "Resource": [table_arn],
    }
