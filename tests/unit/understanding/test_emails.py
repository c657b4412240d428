"""Email addresses typed for a receipt: found in a sentence and checked by code (WHATWG's valid email
address, with a dotted domain whose last label is letters, and dot-atom local parts)."""

from __future__ import annotations

import pytest

from paybot_core.understanding.emails import find_email, is_email_address


@pytest.mark.parametrize(
    "address",
    ["jane@example.com", "J.Doe+x@mail.example.co.uk", "o'brien@example.ie", "a_b-c@sub-domain.example.org"],
)
def test_addresses_people_type_are_valid(address: str) -> None:
    assert is_email_address(address)
    fact = find_email(f"my email is {address}, thanks")
    assert fact is not None and fact.value is not None and fact.value.lower() == address.lower()


@pytest.mark.parametrize(
    "address",
    [
        "jane@example",
        "jane.@example.com",
        ".jane@example.com",
        "ja..ne@example.com",
        "jane@-example.com",
        "jane@example.c",
        "jane@example.123",
        "jane@exa_mple.com",
        "a" * 65 + "@example.com",
        "jane@@example.com",
        "jane doe@example.com",
    ],
)
def test_addresses_that_are_none_are_refused(address: str) -> None:
    assert not is_email_address(address)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("jane@example", "invalid"),
        ("a@example.com and b@example.org", "several"),
        ("@", "invalid"),
        ("jane@example.com or jane@", "invalid"),
    ],
)
def test_a_message_with_no_single_address_says_why(text: str, problem: str) -> None:
    fact = find_email(text)
    assert fact is not None and fact.value is None and fact.problem == problem


def test_the_same_address_twice_is_one_and_a_message_without_at_is_none() -> None:
    fact = find_email("jane@example.com, yes jane@EXAMPLE.com")
    assert fact is not None and fact.value == "jane@example.com"
    assert find_email("no thanks") is None
