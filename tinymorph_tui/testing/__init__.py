"""Helpers for tests and benchmarks (no test-framework imports here)."""
