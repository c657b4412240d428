"""DependencyLayer: the Lambda layer of compiled dependencies every paybot function shares."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

# Lambda refuses a layer description longer than this.
DESCRIPTION_MAX = 256
_DIST_INFO = re.compile(r"^python/([^/]+)-([^-/]+)\.dist-info/")


def layer_contents(code_path: Path) -> list[str]:
    """The distributions the layer zip holds, as "name version", read from its dist-info folders."""
    with zipfile.ZipFile(code_path) as archive:
        found = {m.groups() for m in map(_DIST_INFO.match, archive.namelist()) if m}
    return sorted(f"{name.replace('_', '-').lower()} {version}" for name, version in found)


def layer_description(code_path: Path) -> str:
    """What the layer holds, derived from the zip itself, so it cannot go stale as the packager changes."""
    try:
        contents = ", ".join(layer_contents(code_path)) or "nothing"
    except (OSError, zipfile.BadZipFile):
        contents = f"{code_path.name} not built yet (make package)"
    text = f"paybot shared dependencies (make package): {contents}"
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 3] + "..."


@dataclass
class DependencyLayerArgs:
    """Inputs of a DependencyLayer."""

    layer_name: str
    code_path: Path
    runtime: str = "python3.12"
    architecture: str = "x86_64"


class DependencyLayer(pulumi.ComponentResource):
    """One upload of the compiled dependencies both function zips would otherwise each carry.

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
            description=layer_description(args.code_path),
            # Pulumi hashes the archive: a changed zip publishes a new version, and the functions
            # that list this layer's ARN move to it in the same update.
            code=pulumi.FileArchive(str(args.code_path)),
            compatible_runtimes=[args.runtime],
            compatible_architectures=[args.architecture],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.layer.arn
        self.register_outputs({"arn": self.arn, "version": self.layer.version})
