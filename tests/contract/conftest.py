"""The contract suite runs every port test against every implementation; servers start once per session."""

from tests.support.localstripe_emulator import localstripe_url  # noqa: F401  (a fixture)
from tests.support.moto_server import moto_url  # noqa: F401  (a fixture)
