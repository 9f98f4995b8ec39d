"""Benchmarks: Echo against baselines doing the same work (never part of the test suite).

See bench/README.md.
"""
