"""Policy pack entry point; PolicyPack() serves the rules to the Pulumi engine (it blocks)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pulumi_policy import EnforcementLevel, PolicyPack

from infra.policy.rules import POLICIES

PolicyPack(name="paybot", enforcement_level=EnforcementLevel.MANDATORY, policies=POLICIES)
