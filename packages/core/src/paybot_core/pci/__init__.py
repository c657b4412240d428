"""The PCI guard: card detection, redaction, masking, and the vault for typed card data.

Import each name from the module that defines it (`pci.cards`, `pci.capture`, `pci.vault`, ...;
outside the core, from `paybot_core`). This package module re-exports nothing, so importing one
of them does not load the others: the phone Lambda's cold start never loads the language-model
guard (`model_guard`), which only a Bedrock model uses.
"""
