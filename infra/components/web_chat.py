"""WebChat: the chat API Lambda behind an HTTP API with CORS, throttling and access logs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.function import PaybotFunction, PaybotFunctionArgs

# Request metadata only: API Gateway access logs never carry bodies, and neither do these.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "time": "$context.requestTimeEpoch",
        "method": "$context.httpMethod",
        "path": "$context.path",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "integrationError": "$context.integrationErrorMessage",
    },
    sort_keys=True,
)


@dataclass
class WebChatArgs:
    """Inputs of a WebChat."""

    function: PaybotFunctionArgs
    cors_origins: Sequence[str]
    access_log_group_arn: pulumi.Input[str]
    throttle_rate_limit: float = 20.0
    throttle_burst_limit: int = 40


class WebChat(pulumi.ComponentResource):
    """Every route goes to the one FastAPI app (Mangum), which does its own routing."""

    def __init__(self, name: str, args: WebChatArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("paybot:infra:WebChat", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.lambda_ = PaybotFunction(f"{name}-lambda", args.function, opts=child)
        self.api = aws.apigatewayv2.Api(
            f"{name}-api",
            protocol_type="HTTP",
            description="paybot chat API",
            cors_configuration=aws.apigatewayv2.ApiCorsConfigurationArgs(
                allow_origins=list(args.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["authorization", "content-type"],
                # A 429's Retry-After must be readable by the page's script on another origin.
                expose_headers=["retry-after"],
                max_age=600,
            ),
            opts=child,
        )
        self.integration = aws.apigatewayv2.Integration(
            f"{name}-integration",
            api_id=self.api.id,
            integration_type="AWS_PROXY",
            integration_uri=self.lambda_.arn,
            payload_format_version="2.0",
            opts=child,
        )
        self.route = aws.apigatewayv2.Route(
            f"{name}-route",
            api_id=self.api.id,
            route_key="$default",
            target=pulumi.Output.concat("integrations/", self.integration.id),
            opts=child,
        )
        self.stage = aws.apigatewayv2.Stage(
            f"{name}-stage",
            api_id=self.api.id,
            name="$default",
            auto_deploy=True,
            default_route_settings=aws.apigatewayv2.StageDefaultRouteSettingsArgs(
                throttling_rate_limit=args.throttle_rate_limit,
                throttling_burst_limit=args.throttle_burst_limit,
            ),
            access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs(
                destination_arn=args.access_log_group_arn, format=ACCESS_LOG_FORMAT
            ),
            opts=child,
        )
        self.permission = aws.lambda_.Permission(
            f"{name}-invoke",
            action="lambda:InvokeFunction",
            function=self.lambda_.name,
            qualifier=self.lambda_.qualifier,
            principal="apigateway.amazonaws.com",
            source_arn=pulumi.Output.concat(self.api.execution_arn, "/*/*"),
            opts=child,
        )
        self.api_url = self.api.api_endpoint
        self.function_arn = self.lambda_.arn
        self.function_name = self.lambda_.name
        self.register_outputs(
            {"apiUrl": self.api_url, "functionArn": self.function_arn, "functionName": self.function_name}
        )
