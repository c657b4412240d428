"""Errors the Pulumi program raises, with messages meant for the person running `pulumi up`."""


class InfraConfigError(ValueError):
    """A stack setting is missing, malformed or inconsistent with another."""


class ContactFlowError(ValueError):
    """The contact flow template cannot be turned into a deployable flow."""
