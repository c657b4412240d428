"""DependencyLayer: the Lambda layer of compiled dependencies every paybot function shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws


@dataclass
class DependencyLayerArgs:
    """Inputs of a DependencyLayer."""

    layer_name: str
    code_path: Path
    runtime: str = "python3.12"
    architecture: str = "x86_64"
    description: str = ""


class DependencyLayer(pulumi.ComponentResource):
    """One upload of what both function zips would otherwise each carry (cryptography, cffi).

    The zip (`make package`: dist/lambda/deps-layer.zip) holds `python/...`, which Lambda puts
    on sys.path after the function's own code.
    """

    def __init__(
        self, name: str, args: DependencyLayerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("paybot:infra:DependencyLayer", name, None, opts)
        self.layer = aws.lambda_.LayerVersion(
            f"{name}-layer",
            layer_name=args.layer_name,
            description=args.description,
            # Pulumi hashes the archive: a changed zip publishes a new version, and the functions
            # that list this layer's ARN move to it in the same update.
            code=pulumi.FileArchive(str(args.code_path)),
            compatible_runtimes=[args.runtime],
            compatible_architectures=[args.architecture],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.layer.arn
        self.register_outputs({"arn": self.arn, "version": self.layer.version})
