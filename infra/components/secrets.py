"""Secrets: Secrets Manager shells whose values are put outside Pulumi, never in its state."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# name in the stack -> what goes into it (the operator's instructions in docs/deploy.md)
SECRETS = {
    "stripe-secret-key": "Stripe secret key (sk_live_... / sk_test_...)",
    "stripe-webhook-secret": "Stripe webhook signing secret (whsec_...)",
    "vault-key": "base64 of 32 random bytes: seals card data between turns",
    "connect-private-key": "PEM RSA private key whose public half is Connect's customer-provided key",
}


@dataclass
class SecretsArgs:
    """Inputs of Secrets."""

    prefix: str
    kms_key_arn: pulumi.Input[str]
    recovery_window_days: int = 30


class Secrets(pulumi.ComponentResource):
    """One Secrets Manager secret per entry of SECRETS, named `<prefix>/<name>`, without a value.

    Pulumi creates no SecretVersion: values set with `aws secretsmanager put-secret-value`
    never pass through the program, its config or its state.
    """

    def __init__(self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("paybot:infra:Secrets", name, None, opts)
        self.secrets: dict[str, aws.secretsmanager.Secret] = {}
        for key, description in SECRETS.items():
            self.secrets[key] = aws.secretsmanager.Secret(
                f"{name}-{key}",
                name=f"{args.prefix}/{key}",
                description=description,
                kms_key_id=args.kms_key_arn,
                recovery_window_in_days=args.recovery_window_days,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.arns = {key: secret.arn for key, secret in self.secrets.items()}
        self.names = {key: secret.name for key, secret in self.secrets.items()}
        self.register_outputs({"arns": self.arns, "names": self.names})
