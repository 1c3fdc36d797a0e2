"""Reproducible benchmarks: each module is a command that prints a table. Never run by tests."""
