"""PaybotFunction: a Lambda with its own role, least-privilege policy and log group, run with SnapStart.

Every deploy publishes a version, and SnapStart snapshots it after init (the services built at
import: clients, settings, secrets read). Callers invoke the `live` alias, which points at the
newest published version; `$LATEST` never runs with SnapStart. What must not be shared by copies
restored from one snapshot is renewed by after-restore hooks (`paybot_core.snapstart`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from infra import iam


@dataclass
class PaybotFunctionArgs:
    """Inputs of a PaybotFunction."""

    function_name: str
    handler: str
    code_path: Path
    log_group_name: pulumi.Input[str]
    log_group_arn: pulumi.Input[str]
    statements: Sequence[iam.Statement] = ()
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    # Layer version ARNs, e.g. the DependencyLayer's; the zip at code_path leaves their modules out.
    layers: Sequence[pulumi.Input[str]] = ()
    runtime: str = "python3.12"
    architecture: str = "x86_64"
    memory_mb: int = 1024
    timeout_seconds: int = 15
    description: str = ""
    snap_start: bool = True


ALIAS = "live"


class PaybotFunction(pulumi.ComponentResource):
    """The function logs as JSON into the log group it is given, never into an implicit one."""

    def __init__(
        self, name: str, args: PaybotFunctionArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("paybot:infra:PaybotFunction", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=pulumi.Output.json_dumps(iam.LAMBDA_ASSUME_ROLE),
            description=f"runs {args.function_name}",
            opts=child,
        )
        self.policy_json = iam.policy_document([iam.logs_statement(args.log_group_arn), *args.statements])
        self.policy = aws.iam.RolePolicy(
            f"{name}-policy", role=self.role.id, policy=self.policy_json, opts=child
        )
        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=args.function_name,
            description=args.description,
            role=self.role.arn,
            runtime=args.runtime,
            architectures=[args.architecture],
            handler=args.handler,
            # Built by `make package`; Pulumi hashes the archive, so a changed zip redeploys.
            code=pulumi.FileArchive(str(args.code_path)),
            layers=list(args.layers),
            memory_size=args.memory_mb,
            timeout=args.timeout_seconds,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(args.environment)),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON", log_group=args.log_group_name, application_log_level="INFO"
            ),
            # A published version per deploy: SnapStart applies to published versions only.
            publish=True,
            snap_start=aws.lambda_.FunctionSnapStartArgs(apply_on="PublishedVersions")
            if args.snap_start
            else None,
            # The first invocation must not race the policy that lets it read its secrets.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.policy]),
        )
        self.alias = aws.lambda_.Alias(
            f"{name}-alias",
            name=ALIAS,
            function_name=self.function.name,
            function_version=self.function.version,
            description="what API Gateway and Connect invoke: the newest published (snapshotted) version",
            opts=child,
        )
        # Callers use the alias: its ARN is the function's ARN qualified with `live`.
        self.arn = self.alias.arn
        self.unqualified_arn = self.function.arn
        self.name = self.function.name
        self.qualifier = self.alias.name
        self.register_outputs(
            {"arn": self.arn, "name": self.name, "roleArn": self.role.arn, "version": self.function.version}
        )
