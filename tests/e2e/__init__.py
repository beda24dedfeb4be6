"""Browser end-to-end tests and the accessibility audit (see conftest.py)."""
