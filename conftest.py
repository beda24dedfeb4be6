"""Shared fixtures for the host's tests and the plugins' own tests."""

pytest_plugins = ["tests.fixtures"]
