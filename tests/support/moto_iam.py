"""IAM enforcement in moto's server closer to AWS, for the deploy rehearsal (tests/infra/test_rehearsal.py).

moto enforces IAM once its no-auth allowance is used up (`INITIAL_NO_AUTH_ACTION_COUNT`, reset at
run time through `POST /moto-api/reset-auth`): every request must be signed by known credentials,
and an assumed role's policies must allow the action. Three gaps would make the rehearsal wrong,
each closed here, in the server process only (`moto_server.py --iam`), never in paybot:

1. For DynamoDB, KMS and Secrets Manager, moto authorises every action against `Resource "*"`, so a
   policy naming its table, key or secret (as least privilege does) would deny everything. Here the
   resource is the ARN the request names: the table, the key (for `Decrypt`, the key moto's own
   ciphertext names) or the secret.
2. moto evaluates almost no `Condition` operators, and a failing one turns an Allow into an explicit
   Deny. Here a KMS request's conditions are evaluated as AWS does for the operators paybot's policies
   use (`StringEquals`, `ForAllValues:StringEquals`, `Null`) against `kms:EncryptionContextKeys`,
   `kms:EncryptionContext:<key>` and `kms:ViaService` (absent: the functions call KMS directly, and
   moto's services never call KMS on a caller's behalf); a statement whose condition fails does not
   apply, as on AWS.
3. Resource-based policies (bucket and key policies) are not evaluated by moto at all; that stays so
   and docs/deploy.md says it.
"""

from __future__ import annotations

import json
from typing import Any

_CONTEXT: dict[str, Any] = {}  # condition values of the request being authorised (requests are serial)


def _body(response: Any) -> dict[str, Any]:
    body = response.body
    if isinstance(body, dict):  # moto's DynamoDB handler has parsed it already
        return body
    try:
        data = json.loads(body or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _dynamodb_resource(self: Any) -> str:
    _CONTEXT.clear()
    body = _body(self)
    items = body.get("TransactItems") or []
    if items:  # AWS authorises a transaction by each item's own action on its table
        kinds = {(kind, item[kind]["TableName"]) for item in items for kind in item if kind in _ITEM_ACTIONS}
        _CONTEXT["transact"] = sorted(f"dynamodb:{_ITEM_ACTIONS[kind]}" for kind, _ in kinds)
        (table,) = {name for _, name in kinds} or {None}
    else:
        table = body.get("TableName")
    if not table:
        return "*"
    return f"arn:aws:dynamodb:{self.region}:{self.current_account}:table/{table}"


def _secrets_resource(self: Any) -> str:
    _CONTEXT.clear()
    secret_id = _body(self).get("SecretId")
    if not secret_id:
        return "*"
    try:
        return str(self.backend.describe_secret(secret_id).arn)
    except Exception:
        return "*"


def _kms_resource(self: Any) -> str:
    import base64

    from moto.kms.utils import _deserialize_ciphertext_blob

    body = _body(self)
    _CONTEXT.clear()
    context = body.get("EncryptionContext") or {}
    _CONTEXT["kms:EncryptionContextKeys"] = sorted(context)
    for key, value in context.items():
        _CONTEXT[f"kms:EncryptionContext:{key}"] = value
    key_id = body.get("KeyId")
    if not key_id and body.get("CiphertextBlob"):
        try:
            key_id = _deserialize_ciphertext_blob(base64.b64decode(body["CiphertextBlob"])).key_id
        except Exception:
            return "*"
    if not key_id:
        return "*"
    try:
        return str(self.kms_backend.describe_key(key_id).arn)
    except Exception:
        return "*"


def _values(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _condition_holds(operator: str, key: str, expected: Any) -> bool:
    present = key in _CONTEXT
    actual = _CONTEXT.get(key)
    if operator == "Null":
        return (str(expected).lower() == "true") == (not present)
    if operator == "StringEquals":
        return present and any(str(actual) == e for e in _values(expected))
    if operator == "ForAllValues:StringEquals":
        return all(a in _values(expected) for a in _values(actual or []))
    raise NotImplementedError(f"the rehearsal's IAM check does not know the operator {operator}")


def _statement_permits(  # type: ignore[no-untyped-def]
    self: Any, action: str, resource: str = "*", principal: Any = None, incoming: Any = None
):
    from moto.iam.access_control import PermissionResult

    statement = self._statement
    if action == "dynamodb:TransactWriteItems" and "transact" in _CONTEXT and "Principal" not in statement:
        if not self._check_element_matches("Resource", resource):
            return PermissionResult.NEUTRAL
        if all(self._check_element_matches("Action", each) for each in _CONTEXT["transact"]):
            return PermissionResult.PERMITTED if statement["Effect"] == "Allow" else PermissionResult.DENIED
        return PermissionResult.NEUTRAL
    if not action.startswith("kms:") or "Condition" not in statement or "Principal" in statement:
        return _ORIGINAL(self, action, resource, principal, incoming)
    if not self._check_element_matches("Action", action):
        return PermissionResult.NEUTRAL
    if not self._check_element_matches("Resource", resource):
        return PermissionResult.NEUTRAL
    for operator, pairs in statement["Condition"].items():
        for key, expected in pairs.items():
            if not _condition_holds(operator, key, expected):
                return PermissionResult.NEUTRAL  # a statement whose condition fails does not apply
    return PermissionResult.PERMITTED if statement["Effect"] == "Allow" else PermissionResult.DENIED


_ORIGINAL: Any = None


def install() -> None:
    """Patch moto's response classes and policy evaluation (see the module docstring)."""
    global _ORIGINAL
    from moto.dynamodb.responses import DynamoHandler
    from moto.iam.access_control import IAMPolicyStatement
    from moto.kms.responses import KmsResponse
    from moto.secretsmanager.responses import SecretsManagerResponse

    DynamoHandler._determine_resource = _dynamodb_resource  # type: ignore[attr-defined]
    KmsResponse._determine_resource = _kms_resource  # type: ignore[attr-defined]
    SecretsManagerResponse._determine_resource = _secrets_resource  # type: ignore[attr-defined]
    _ORIGINAL = IAMPolicyStatement.is_action_permitted
    IAMPolicyStatement.is_action_permitted = _statement_permits  # type: ignore[method-assign]
