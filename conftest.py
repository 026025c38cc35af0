"""Fixtures shared by every area live in oms.testing.fixtures; the environment in oms.testing.env."""

pytest_plugins = ["oms.testing.fixtures"]
