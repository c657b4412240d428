"""The PCI guard: card detection, redaction, masking, and the vault for typed card data."""

from .capture import CardCapture, Expecting, capture_card_material
from .cards import Brand, CardNumberCheck, CardNumberProblem, check_card_number, cvv_length, luhn_valid, mask
from .logging import CardDataFilter, install_card_data_filter
from .redact import contains_card_number, find_card_numbers, redact_text
from .vault import CardVault, SealedCard

__all__ = [
    "Brand",
    "CardCapture",
    "CardDataFilter",
    "CardNumberCheck",
    "CardNumberProblem",
    "CardVault",
    "Expecting",
    "SealedCard",
    "capture_card_material",
    "check_card_number",
    "contains_card_number",
    "cvv_length",
    "find_card_numbers",
    "install_card_data_filter",
    "luhn_valid",
    "mask",
    "redact_text",
]
