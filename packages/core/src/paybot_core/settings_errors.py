"""Settings validation errors as people read them: the `PAYBOT_*` variable, its value, what it expects.

pydantic reports a field name, an error type and a long multi-line message with a link; an
operator set an environment variable. Each error becomes one line about that variable.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_core import ErrorDetails

__all__ = ["describe_settings_errors", "variable_name"]

PREFIX = "PAYBOT_"
_MAX_SHOWN = 60


def variable_name(field: str) -> str:
    return f"{PREFIX}{field.upper()}"


def _expected(error: ErrorDetails) -> str:
    """What the variable should hold, from the kind of error pydantic found."""
    kind, ctx = error["type"], error.get("ctx") or {}
    bounds = {
        "greater_than": "greater than {gt}",
        "greater_than_equal": "at least {ge}",
        "less_than": "less than {lt}",
        "less_than_equal": "at most {le}",
    }
    if kind in bounds:
        return "a number " + bounds[kind].format(**ctx)
    simple = {
        "int_parsing": "a whole number",
        "int_from_float": "a whole number",
        "float_parsing": "a number",
        "bool_parsing": "true or false",
        "string_too_short": "a longer value",
        "json_invalid": "valid JSON",
    }
    if kind in simple:
        return simple[kind]
    if kind in ("literal_error", "enum"):
        return f"one of {ctx.get('expected', '')}".rstrip()
    if kind == "string_pattern_mismatch":
        return f"text matching {ctx.get('pattern')}"
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return message[:1].lower() + message[1:]


def _shown(model: type[BaseModel], field: str, value: Any) -> str:
    """The value as given, unless the field is a secret (then never)."""
    info = model.model_fields.get(field)
    if info is None or "SecretStr" in repr(info.annotation) or isinstance(value, SecretStr):
        return ""
    if isinstance(value, dict):  # a model-level check saw every value: not one to show
        return ""
    text = str(value)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    return f"={text!r}" if text else "=''"


def describe_settings_errors(model: type[BaseModel], err: ValidationError) -> list[str]:
    """One line per problem: ``PAYBOT_MAX_AMOUNT='abc': expected a whole number (description)``."""
    lines: list[str] = []
    for error in err.errors(include_url=False):
        loc = [part for part in error["loc"] if isinstance(part, str)]
        if not loc:
            # A check across settings: its message already names the variables, maybe several.
            message = error["msg"].removeprefix("Value error, ")
            lines.extend(part.strip() for part in message.split("; ") if part.strip())
            continue
        field = loc[0]
        info = model.model_fields.get(field)
        description = (info.description or "").rstrip(".") if info is not None else ""
        description = description[:1].lower() + description[1:]
        if error["type"] == "value_error" or not description:
            # A validator's message says what it expects; so does a field without a description.
            expected = _expected(error)
        elif error["type"] == "string_pattern_mismatch":
            expected = description  # says it in words, where the pattern is a regular expression
        else:
            expected = f"{_expected(error)} ({description})"
        shown = _shown(model, field, error.get("input"))
        lines.append(f"{variable_name(field)}{shown}: expected {expected}")
    return lines
