"""Each function's provisioned environment is a configuration the Lambda accepts at start.

`Settings` ignores unknown PAYBOT_* names (extra="ignore"), so a misspelt variable in the
program would be silently dropped: every name the program sets must be a Settings field.
"""

from __future__ import annotations

import os
from typing import Any
from unittest import mock

import pulumi
import pytest
from infra_mocks import Recorder, settled, stack_config, use_mocks

from infra.config import load_config
from infra.program import build_stack
from paybot_core import Settings

pytestmark = pytest.mark.infra
PREFIX = "PAYBOT_"
STACKS = ("dev", "prod")


def settings_from(environment: dict[str, str]) -> Settings:
    """`Settings` as the Lambda builds it: from exactly this environment, nothing of this machine."""
    with mock.patch.dict(os.environ, environment, clear=True):
        return Settings()


def function_environments(mocks: Recorder) -> dict[str, dict[str, str]]:
    return {
        f.inputs["name"]: dict(f.inputs["environment"]["variables"])
        for f in mocks.of_type("aws:lambda/function:Function")
    }


def _check_environments(mocks: Recorder) -> None:
    environments = function_environments(mocks)
    assert environments, "the program declares no function"
    fields = {PREFIX + name.upper() for name in Settings.model_fields}
    for function, environment in environments.items():
        unknown = sorted(name for name in environment if name.startswith(PREFIX) and name not in fields)
        assert not unknown, f"{function} sets {unknown}, which no Settings field reads"
        settings = settings_from(environment)
        # What the program chose is what the function runs with (no silent default).
        assert settings.session_store == "dynamodb"
        assert settings.audit_log == "s3"
        assert settings.payment_gateway == environment["PAYBOT_PAYMENT_GATEWAY"]


@pulumi.runtime.test
@pytest.mark.parametrize("stack", STACKS)
def test_every_function_environment_is_a_valid_settings_in_a_clean_environment(stack: str) -> None:
    mocks = use_mocks(stack, stack_config(stack))
    done = settled(lambda: _check_environments(mocks))
    build_stack(load_config())
    return done


@pulumi.runtime.test
@pytest.mark.parametrize("override", [{"paymentGateway": "sandbox"}, {"connectEnabled": False}])
def test_other_stack_choices_give_valid_settings_too(override: dict[str, Any]) -> None:
    mocks = use_mocks("dev", stack_config("dev", **override))
    done = settled(lambda: _check_environments(mocks))
    build_stack(load_config())
    return done


def test_the_check_itself_sees_a_missing_setting() -> None:
    with pytest.raises(ValueError, match="PAYBOT_SESSION_KMS_KEY_ID"):
        settings_from({"PAYBOT_SESSION_STORE": "dynamodb", "PAYBOT_DYNAMODB_TABLE": "t"})
