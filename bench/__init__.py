"""Benchmarks: speed is measured here, never asserted in tests (see bench/README.md)."""
