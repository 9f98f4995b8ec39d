"""A running Echo platform for benchmarks: this release's, or an older one's for "before"."""

from bench.platform.launch import Platform, Release, running_platform

__all__ = ["Platform", "Release", "running_platform"]
