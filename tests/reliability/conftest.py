"""Reliability fixtures: moto's server (only started by the tests that ask for it), stopped by PID."""

from __future__ import annotations

from tests.support.moto_server import moto_url  # noqa: F401  (a fixture)
