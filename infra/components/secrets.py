"""Secrets: the Secrets Manager secrets the Lambdas read, by id.

The Stripe keys are put in by the operator (`aws secretsmanager put-secret-value`), so they
never pass through the program, its config or its state. The keys the stack can make itself
are made by it, so a first `pulumi up` needs nothing else: the vault key here (32 random
bytes), the edge secret here (the header CloudFront sends the API), the Connect private key
by `InputEncryptionKey`. Those two sit in the Pulumi state as
secret outputs, encrypted by the state backend's secrets provider.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

# name in the stack -> what goes into it (the operator's instructions in docs/deploy.md)
SECRETS = {
    "stripe-secret-key": "Stripe secret key (sk_live_... / sk_test_...)",
    "stripe-webhook-secret": "Stripe webhook signing secret (whsec_...)",
    "vault-key": "base64 of 32 random bytes: seals card data between turns (made by the stack)",
    "connect-private-key": "PEM RSA private key of Connect's keypad input encryption (made by the stack)",
    "edge-secret": "random value CloudFront sends the API: proves a request came through the stack's "
    "distribution (made by the stack)",
}


@dataclass
class SecretsArgs:
    """Inputs of Secrets."""

    prefix: str
    kms_key_arn: pulumi.Input[str]
    recovery_window_days: int = 30


VAULT_KEY_BYTES = 32
EDGE_SECRET_LENGTH = 48
# Put in by the operator after the first `pulumi up` (docs/deploy.md); the rest the stack fills.
OPERATOR_SECRETS = ("stripe-secret-key", "stripe-webhook-secret")


class Secrets(pulumi.ComponentResource):
    """One Secrets Manager secret per entry of SECRETS, named `<prefix>/<name>`; the vault key filled."""

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
        self.vault_key = random.RandomBytes(
            f"{name}-vault-key-bytes", length=VAULT_KEY_BYTES, opts=pulumi.ResourceOptions(parent=self)
        )
        self.vault_key_version = aws.secretsmanager.SecretVersion(
            f"{name}-vault-key-value",
            secret_id=self.secrets["vault-key"].arn,
            secret_string=self.vault_key.base64,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.edge_secret = random.RandomPassword(
            f"{name}-edge-secret-value",
            length=EDGE_SECRET_LENGTH,
            special=False,  # a header value: letters and digits only
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.edge_secret_version = aws.secretsmanager.SecretVersion(
            f"{name}-edge-secret-version",
            secret_id=self.secrets["edge-secret"].arn,
            secret_string=self.edge_secret.result,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arns = {key: secret.arn for key, secret in self.secrets.items()}
        self.names = {key: secret.name for key, secret in self.secrets.items()}
        self.register_outputs({"arns": self.arns, "names": self.names})
