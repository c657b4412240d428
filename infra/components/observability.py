"""Observability: log groups, alarms with an SNS action, and a dashboard for one stack."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

PAYMENT_FAILURES_METRIC = "PaymentFailures"
# Alarm when a function's slowest call takes this share of its timeout: the next may time out.
DURATION_ALARM_SHARE = 0.8


@dataclass(frozen=True)
class WatchedFunction:
    """A Lambda to create a log group and alarms for, named before the function exists."""

    function_name: str
    timeout_seconds: int


@dataclass
class ObservabilityArgs:
    """Inputs of an Observability."""

    prefix: str
    region: str
    functions: Mapping[str, WatchedFunction]
    kms_key_arn: pulumi.Input[str]
    log_retention_days: int
    alarm_email: pulumi.Input[str] | None = None
    bedrock_model_id: str | None = None
    bedrock_tokens_per_hour_alarm: int = 200_000
    payment_failures_alarm: int = 5
    payment_failure_pattern: str = '"payment_failed"'


class Observability(pulumi.ComponentResource):
    """Created before the functions, so their logs never land in an unencrypted, unexpiring group."""

    def __init__(
        self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("paybot:infra:Observability", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.namespace = f"paybot/{args.prefix}"
        self.log_groups = {
            key: self._log_group(f"{name}-{key}-logs", f"/aws/lambda/{fn.function_name}", args)
            for key, fn in args.functions.items()
        }
        self.api_access_logs = self._log_group(
            f"{name}-api-access-logs", f"/paybot/{args.prefix}/api-access", args
        )
        self.topic = aws.sns.Topic(f"{name}-alarms", kms_master_key_id=args.kms_key_arn, opts=child)
        if args.alarm_email is not None:
            aws.sns.TopicSubscription(
                f"{name}-alarm-email",
                topic=self.topic.arn,
                protocol="email",
                endpoint=args.alarm_email,
                opts=child,
            )
        self.alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
        for key, fn in args.functions.items():
            self._function_alarms(name, key, fn)
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{key}-payment-failures",
                log_group_name=self.log_groups[key].name,
                pattern=args.payment_failure_pattern,
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    name=PAYMENT_FAILURES_METRIC, namespace=self.namespace, value="1", unit="Count"
                ),
                opts=child,
            )
        self._alarm(
            f"{name}-payment-failures",
            "payment-failures",
            description="Payments are failing more than usual (declines, gateway errors)",
            namespace=self.namespace,
            metric_name=PAYMENT_FAILURES_METRIC,
            statistic="Sum",
            period=300,
            threshold=args.payment_failures_alarm,
        )
        if args.bedrock_model_id:
            self._bedrock_alarm(name, args)
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=f"paybot-{args.prefix}",
            dashboard_body=json.dumps(self._dashboard(args), sort_keys=True),
            opts=child,
        )
        self.topic_arn = self.topic.arn
        self.register_outputs(
            {
                "topicArn": self.topic_arn,
                "logGroups": {key: group.name for key, group in self.log_groups.items()},
                "dashboard": self.dashboard.dashboard_name,
            }
        )

    def _log_group(
        self, resource_name: str, group_name: str, args: ObservabilityArgs
    ) -> aws.cloudwatch.LogGroup:
        return aws.cloudwatch.LogGroup(
            resource_name,
            name=group_name,
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _alarm(self, resource_name: str, key: str, **kwargs: object) -> aws.cloudwatch.MetricAlarm:
        alarm = aws.cloudwatch.MetricAlarm(
            resource_name,
            alarm_description=kwargs.pop("description"),
            comparison_operator="GreaterThanOrEqualToThreshold",
            evaluation_periods=1,
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            opts=pulumi.ResourceOptions(parent=self),
            **kwargs,  # type: ignore[arg-type]
        )
        self.alarms[key] = alarm
        return alarm

    def _function_alarms(self, name: str, key: str, fn: WatchedFunction) -> None:
        dimensions = {"FunctionName": fn.function_name}
        self._alarm(
            f"{name}-{key}-errors",
            f"{key}-errors",
            description=f"{fn.function_name} raised errors",
            namespace="AWS/Lambda",
            metric_name="Errors",
            dimensions=dimensions,
            statistic="Sum",
            period=300,
            threshold=1,
        )
        self._alarm(
            f"{name}-{key}-duration",
            f"{key}-duration",
            description=f"{fn.function_name} ran close to its {fn.timeout_seconds} s timeout",
            namespace="AWS/Lambda",
            metric_name="Duration",
            dimensions=dimensions,
            statistic="Maximum",
            period=300,
            threshold=fn.timeout_seconds * 1000 * DURATION_ALARM_SHARE,
        )

    def _bedrock_alarm(self, name: str, args: ObservabilityArgs) -> None:
        def tokens(metric_id: str, metric_name: str) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
            return aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id=metric_id,
                metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                    namespace="AWS/Bedrock",
                    metric_name=metric_name,
                    dimensions={"ModelId": str(args.bedrock_model_id)},
                    stat="Sum",
                    period=3600,
                ),
            )

        self._alarm(
            f"{name}-bedrock-tokens",
            "bedrock-tokens",
            description=f"{args.bedrock_model_id} used more tokens in an hour than budgeted",
            threshold=args.bedrock_tokens_per_hour_alarm,
            metric_queries=[
                tokens("input", "InputTokenCount"),
                tokens("output", "OutputTokenCount"),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="total", expression="input + output", label="tokens per hour", return_data=True
                ),
            ],
        )

    def _dashboard(self, args: ObservabilityArgs) -> dict[str, object]:
        def widget(title: str, metrics: list[list[object]], stat: str) -> dict[str, object]:
            return {
                "type": "metric",
                "width": 12,
                "height": 6,
                "properties": {
                    "title": title,
                    "region": args.region,
                    "stat": stat,
                    "period": 300,
                    "metrics": metrics,
                    "view": "timeSeries",
                },
            }

        names = [fn.function_name for fn in args.functions.values()]
        widgets = [
            widget("Invocations", [["AWS/Lambda", "Invocations", "FunctionName", n] for n in names], "Sum"),
            widget("Errors", [["AWS/Lambda", "Errors", "FunctionName", n] for n in names], "Sum"),
            widget(
                "Duration p99 (ms)", [["AWS/Lambda", "Duration", "FunctionName", n] for n in names], "p99"
            ),
            widget("Payment failures", [[self.namespace, PAYMENT_FAILURES_METRIC]], "Sum"),
        ]
        if args.bedrock_model_id:
            widgets.append(
                widget(
                    "Bedrock tokens",
                    [
                        ["AWS/Bedrock", metric, "ModelId", args.bedrock_model_id]
                        for metric in ("InputTokenCount", "OutputTokenCount")
                    ],
                    "Sum",
                )
            )
        return {"widgets": widgets}
