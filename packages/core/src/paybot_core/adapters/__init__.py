"""Adapters for the core's ports. Embedded ones import nothing beyond the standard library and
the core's own dependencies; AWS and Stripe ones import their SDK lazily inside the module."""
