"""Turn the contact flow template (flow.json) into the content Connect deploys."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from infra.errors import ContactFlowError

LAMBDA_PLACEHOLDER = "PaybotLambdaArn"
ENCRYPTION_KEY_PLACEHOLDER = "PaybotEncryptionKeyId"
CERTIFICATE_PLACEHOLDER = "PaybotEncryptionCertificate"
QUEUE_PLACEHOLDER = "PaybotQueueArn"
# What the stack fills itself; paybot:connectFlowParameters gives any other placeholder its value.
STACK_PLACEHOLDERS = frozenset(
    {LAMBDA_PLACEHOLDER, ENCRYPTION_KEY_PLACEHOLDER, CERTIFICATE_PLACEHOLDER, QUEUE_PLACEHOLDER}
)
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z][A-Za-z0-9_]*)\}")


def placeholders(template: str) -> set[str]:
    """Names of the `${Name}` placeholders a template uses."""
    return set(_PLACEHOLDER.findall(template))


def render_flow(template: str, values: Mapping[str, str]) -> str:
    """Substitute every `${Name}` placeholder, check the result is flow JSON, return it.

    Values are inserted JSON-escaped, so an ARN or a prompt cannot break the document.
    A placeholder without a value is an error: Connect would reject the literal text or,
    worse, accept it and fail on the first call.
    """
    try:
        json.loads(template)
    except json.JSONDecodeError as exc:
        raise ContactFlowError(f"the contact flow template is not JSON: {exc}") from exc
    missing = sorted(placeholders(template) - set(values))
    if missing:
        raise ContactFlowError(
            f"no value for contact flow placeholder(s) {', '.join(missing)}: set paybot:connectFlowParameters"
        )

    def substitute(match: re.Match[str]) -> str:
        return json.dumps(values[match.group(1)])[1:-1]

    content = _PLACEHOLDER.sub(substitute, template)
    document = json.loads(content)
    if not isinstance(document, dict) or not isinstance(document.get("Actions"), list):
        raise ContactFlowError("the contact flow has no Actions list (Amazon Connect flow language)")
    return content


def lambda_arns(document: Mapping[str, Any]) -> set[str]:
    """Every Lambda ARN the flow's InvokeLambdaFunction actions call."""
    return {
        str(action.get("Parameters", {}).get("LambdaFunctionARN"))
        for action in _actions(document)
        if action.get("Type") == "InvokeLambdaFunction"
    }


def _actions(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for action in document.get("Actions", []):
        if isinstance(action, Mapping):
            yield action
