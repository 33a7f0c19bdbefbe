"""Benchmarks (not part of the test run): python -m benchmarks --projects 10000 [--json]."""
